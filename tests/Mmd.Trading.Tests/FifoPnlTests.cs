using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;
using Mmd.Trading.Stats;

namespace Mmd.Trading.Tests;

public class FifoPnlTests
{
    [Fact]
    public void LongRoundTrip_MatchesOldestBuyFirst()
    {
        var fifo = new FifoPnl();
        fifo.Apply(Side.Buy, 100m, 1m);
        fifo.Apply(Side.Buy, 110m, 1m);
        var realized = fifo.Apply(Side.Sell, 120m, 1m);
        Assert.Equal(20m, realized); // against the 100 buy, not the newer 110 (the seed matched newest first, §9.2-15)
        Assert.Equal(1m, fifo.OpenQuantity);
        Assert.Equal(110m, fifo.AverageOpenPrice);
        Assert.Equal(-5m, fifo.Unrealized(105m));
    }

    [Fact]
    public void ShortRoundTrip_IsRealized()
    {
        var fifo = new FifoPnl();
        fifo.Apply(Side.Sell, 120m, 2m);
        Assert.Equal(-2m, fifo.OpenQuantity);
        Assert.Equal(10m, fifo.Unrealized(115m)); // shorts are valued too
        Assert.Equal(5m, fifo.Apply(Side.Buy, 115m, 1m));
        Assert.Equal(5m, fifo.Realized);
        Assert.Equal(-1m, fifo.OpenQuantity);
    }

    [Fact]
    public void FillThroughFlat_ClosesThenOpensTheOtherSide()
    {
        var fifo = new FifoPnl();
        fifo.Apply(Side.Buy, 100m, 1m);
        Assert.Equal(5m, fifo.Apply(Side.Sell, 105m, 3m));
        Assert.Equal(-2m, fifo.OpenQuantity);
        Assert.Equal(105m, fifo.AverageOpenPrice);
        Assert.Equal(10m, fifo.Apply(Side.Buy, 100m, 2m));
        Assert.Equal(0m, fifo.OpenQuantity);
        Assert.Equal(15m, fifo.Realized);
    }

    [Fact]
    public void PartialLots_AreSplit()
    {
        var fifo = new FifoPnl();
        fifo.Apply(Side.Buy, 100m, 1.5m);
        fifo.Apply(Side.Buy, 101m, 1m);
        Assert.Equal(2m * 1.5m + 1m * 0.5m, fifo.Apply(Side.Sell, 102m, 2m));
        Assert.Equal(0.5m, fifo.OpenQuantity);
        Assert.Equal(101m, fifo.AverageOpenPrice);
    }

    [Fact]
    public void Statistics_SplitMakerTaker_FeesPerAsset_AndWearRate()
    {
        var stats = new TradingStatistics("SOL", "USDC");
        var t = DateTimeOffset.UnixEpoch;
        stats.Apply(new VenueFill("1", "o", "mm_1", "SOL_USDC", Side.Buy, 100m, 1m, 0.02m, "USDC", true, t), isRebalance: false);
        stats.Apply(new VenueFill("2", "o", "mm_2", "SOL_USDC", Side.Sell, 99m, 1m, 0.001m, "SOL", false, t), isRebalance: true);
        var f = stats.Snapshot(99m);
        Assert.Equal(2, f.Fills);
        Assert.Equal(1m, f.MakerBuyVolume);
        Assert.Equal(1m, f.TakerSellVolume);
        Assert.Equal(199m, f.QuoteVolume);
        Assert.Equal(99m, f.RebalanceQuoteVolume);
        Assert.Equal(0.02m, f.FeesByAsset["USDC"]);
        Assert.Equal(0.001m, f.FeesByAsset["SOL"]);
        Assert.Equal(0.02m + 0.001m * 99m, f.FeesInQuote);
        Assert.Equal(-1m, f.RealizedPnl);
        Assert.Equal(-1m - f.FeesInQuote, f.NetPnl);
        Assert.Equal(Math.Abs(-1m - f.FeesInQuote) / 199m * 100m, f.WearRatePct);
    }

    [Fact]
    public void OpenCost_IsWhatTheOpenLotsCost_SignedAsThePosition()
    {
        var fifo = new FifoPnl();
        Assert.Equal(0m, fifo.OpenCost);
        fifo.Apply(Side.Buy, 100m, 1m);
        fifo.Apply(Side.Buy, 110m, 2m);
        fifo.Apply(Side.Sell, 120m, 1.5m);
        Assert.Equal(110m * 1.5m, fifo.OpenCost); // the 100 lot closed, half the 110 one
        fifo.Apply(Side.Sell, 90m, 3.5m);
        Assert.Equal(-2m * 90m, fifo.OpenCost); // short 2 at 90: received
    }
}
