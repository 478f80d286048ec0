using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Strategies.SpotMarketMaking;

namespace Mmd.Trading.Tests;

public class QuoteMathTests
{
    private static readonly InstrumentSpec Sol = new("SOL_USDC", "SOL", "USDC", InstrumentKind.Spot, 0.01m, 0.01m, 0.01m, 1m);

    [Fact]
    public void LevelOffsets_AreTheSeedGradient()
    {
        Assert.Equal(0m, QuoteMath.LevelOffsetTicks(0));
        Assert.Equal(1.5m, QuoteMath.LevelOffsetTicks(1));
        Assert.Equal(4.2426m, Math.Round(QuoteMath.LevelOffsetTicks(2), 4));
        Assert.Equal(12m, Math.Round(QuoteMath.LevelOffsetTicks(4), 10));
    }

    [Fact]
    public void Prices_MidPlusMinusHalfSpread_LevelsFurtherOut()
    {
        Span<decimal> bids = stackalloc decimal[3];
        Span<decimal> asks = stackalloc decimal[3];
        QuoteMath.Prices(Sol, 150m, 0.2m, bids, asks);
        // exact spread 0.30: base 149.85 / 150.15; level 1 is 1.5 ticks (0.015) further, level 2 4.24 ticks.
        Assert.Equal([149.85m, 149.84m, 149.81m], bids.ToArray()); // 149.835 -> 149.84 (half to even)
        Assert.Equal([150.15m, 150.16m, 150.19m], asks.ToArray()); // 150.165 -> 150.16 (half to even)
    }

    [Fact]
    public void FixedQuantity_RaisedToMinimum()
    {
        Assert.Equal(0.01m, QuoteMath.FixedQuantity(Sol, 0.001m));
        Assert.Equal(0.55m, QuoteMath.FixedQuantity(Sol, 0.559m));
    }

    [Fact]
    public void AutoQuantities_UseTheSeedAllocation()
    {
        // 3 levels -> allocation min(0.05, 1/12) = 0.05
        var (buy, sell) = QuoteMath.AutoQuantities(Sol, 3, quoteTotal: 10_000m, baseTotal: 40m, averageBuyPrice: 150m);
        Assert.Equal(3.33m, buy);
        Assert.Equal(2m, sell);
        // 10 levels -> 1/40 = 0.025
        (buy, sell) = QuoteMath.AutoQuantities(Sol, 10, 10_000m, 40m, 150m);
        Assert.Equal(1.66m, buy);
        Assert.Equal(1m, sell);
    }

    [Fact]
    public void Rebalance_TooMuchBase_SellsIocThroughTheBid()
    {
        // 100 SOL at 150 = 15000 + 10000 USDC: base is 60 %, target 30 %, threshold 15 %
        var intent = InventoryRebalancer.Plan(Sol, 100m, 10_000m, 149.99m, 150.01m, 30m, 15m);
        Assert.NotNull(intent);
        Assert.Equal(Side.Sell, intent.Side);
        Assert.Equal(Execution.TimeInForce.Ioc, intent.TimeInForce);
        Assert.Equal(OrderPurpose.Rebalance, intent.Purpose);
        Assert.Equal(Sol.RoundPrice(149.99m * 0.999m), intent.Price);
        Assert.Equal(50m, intent.Quantity); // (15000 - 7500) / 150
    }

    [Fact]
    public void Rebalance_TooLittleBase_BuysIocThroughTheAsk()
    {
        var intent = InventoryRebalancer.Plan(Sol, 0m, 10_000m, 149.99m, 150.01m, 30m, 15m);
        Assert.NotNull(intent);
        Assert.Equal(Side.Buy, intent.Side);
        Assert.Equal(Sol.RoundPrice(150.01m * 1.001m), intent.Price);
        Assert.Equal(20m, intent.Quantity); // 3000 / 150
    }

    [Fact]
    public void Rebalance_WithinThreshold_DoesNothing() =>
        Assert.Null(InventoryRebalancer.Plan(Sol, 20m, 10_000m, 149.99m, 150.01m, 30m, 15m)); // 23 % vs 30 %
}
