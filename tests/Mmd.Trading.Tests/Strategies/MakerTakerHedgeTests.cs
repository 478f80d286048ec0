using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Strategies.Hedge;

namespace Mmd.Trading.Tests.Strategies;

public class MakerTakerHedgeTests
{
    private const string Perp = "SOL_USDC_PERP";
    private const string Spot = "SOL_USDC";

    private static MakerTakerHedgeConfig Config(decimal offset = 0m, int attempts = 3) =>
        new() { OrderQuantity = 0.5m, QuoteOffsetPct = offset, MaxSlippagePct = 0.5m, MaxHedgeAttempts = attempts };

    [Fact]
    public void QuotesOneLevelAtTheTouch()
    {
        var decision = new MakerTakerHedge(Config()).Decide(Views.At(Perp, 149.98m, 150.02m));
        Assert.Equal([(Side.Buy, 149.98m, 0.5m), (Side.Sell, 150.02m, 0.5m)], decision.Quotes.Select(q => (q.Side, q.Price, q.Quantity)));
        Assert.Empty(decision.Immediate);
    }

    [Fact]
    public void Bug19_SpreadHasAMeaning_TheOffsetMovesTheQuotesOutOrIn_NeverAcross()
    {
        var outside = new MakerTakerHedge(Config(offset: 0.1m)).Decide(Views.At(Perp, 150m, 150.02m)).Quotes;
        Assert.Equal([149.85m, 150.18m], outside.Select(q => q.Price)); // 150 x 0.999 = 149.85; 150.02 x 1.001 = 150.17002 -> up
        var inside = new MakerTakerHedge(Config(offset: -0.1m)).Decide(Views.At(Perp, 150m, 150.02m)).Quotes;
        Assert.True(inside[0].Price < inside[1].Price);
    }

    [Fact]
    public void Bug12_AMakerFill_IsHedgedAtOnce_WithAPriceProtectedIoc_NotABareMarketOrder_ReduceOnlyOnPerps()
    {
        var hedge = Assert.Single(new MakerTakerHedge(Config()).Decide(Views.At(Perp, 150m, 150.02m, position: 0.5m)).Immediate);
        Assert.Equal((Side.Sell, OrderType.Limit, TimeInForce.Ioc, 0.5m, OrderPurpose.Hedge, true),
            (hedge.Side, hedge.Type, hedge.TimeInForce, hedge.Quantity, hedge.Purpose, hedge.ReduceOnly));
        Assert.Equal(149.25m, hedge.Price); // at most 0.5 % through the bid
        var buyBack = Assert.Single(new MakerTakerHedge(Config()).Decide(Views.At(Spot, 150m, 150.02m, position: -0.3m)).Immediate);
        Assert.Equal((Side.Buy, 0.3m, false, 150.77m), (buyBack.Side, buyBack.Quantity, buyBack.ReduceOnly, buyBack.Price)); // 150.02 x 1.005 = 150.7701, rounded down
    }

    [Fact]
    public void AResidualBelowTheMinimum_IsCarried_NotTraded()
    {
        var hedge = new MakerTakerHedge(Config());
        var decision = hedge.Decide(Views.At(Perp, 150m, 150.02m, position: 0.005m));
        Assert.Empty(decision.Immediate);
        Assert.Equal(0.005m, hedge.Figures(Views.At(Perp, 150m, 150.02m, position: 0.005m)).Hedge!.Residual);
    }

    [Fact]
    public void AHedgeInFlight_IsNotDoubled_AndFailedHedges_HoldQuotingUntilOneSucceeds()
    {
        var hedge = new MakerTakerHedge(Config(attempts: 2));
        Assert.Single(hedge.Decide(Views.At(Perp, 150m, 150.02m, position: 0.5m)).Immediate);                          // attempt 1
        Assert.Empty(hedge.Decide(Views.At(Perp, 150m, 150.02m, position: 0.5m, immediatePending: true)).Immediate);  // working
        Assert.Single(hedge.Decide(Views.At(Perp, 150m, 150.02m, position: 0.5m)).Immediate);                          // attempt 2
        var held = hedge.Decide(Views.At(Perp, 150m, 150.02m, position: 0.5m));                                        // both left it
        Assert.Empty(held.Quotes);
        Assert.Single(held.Immediate); // hedging goes on
        Assert.True(hedge.Figures(Views.At(Perp, 150m, 150.02m, position: 0.5m)).Hedge!.QuotingHeld);
        // Hedged at last: quoting resumes.
        Assert.Equal(2, hedge.Decide(Views.At(Perp, 150m, 150.02m)).Quotes.Count);
    }

    [Fact]
    public void SpotAutoSize_IsFivePercentOfEachBalance()
    {
        var decision = new MakerTakerHedge(Config() with { OrderQuantity = null }).Decide(Views.At(Spot, 149.99m, 150.01m, quote: 3000m, @base: 4m));
        Assert.Equal([(Side.Buy, 0.99m), (Side.Sell, 0.2m)], decision.Quotes.Select(q => (q.Side, q.Quantity)));
    }
}
