using Mmd.Hosting;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Daemon.Tests;

/// <summary><c>mmd analyze</c>'s reading of a market: the seed's averages, trend and volatility, and its suggestions.</summary>
public sealed class MarketAnalysisTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static List<Candle> Closes(IEnumerable<decimal> closes) =>
        closes.Select((c, i) => new Candle(At + TimeSpan.FromMinutes(15 * i), c, c, c, c, 1m)).ToList();

    /// <summary>A book at mid 100 with <paramref name="perSide"/> resting a side within 1 % of it.</summary>
    private static BookSummary Book(decimal perSide) =>
        new(new BookSnapshotEvent("SOL_USDC", 1, [new(99.9m, perSide), new(90m, 1000m)], [new(100.1m, perSide), new(110m, 1000m)], At));

    [Fact]
    public void RisingCloses_TrendUp_WithTheAveragesOfTheLastFiveTwentyAndFifty()
    {
        var analysis = new MarketAnalysis(Closes(Enumerable.Range(1, 60).Select(i => 100m + i)), Book(5m), spot: false);

        Assert.Equal(60, analysis.Candles);
        Assert.Equal(160m, analysis.Last);
        Assert.Equal([158m, 150.5m, 135.5m], analysis.MovingAverages);
        Assert.Equal("up", analysis.Trend);
        Assert.Equal((160m - 135.5m) / 135.5m * 100m, analysis.VersusLongAveragePct);
        Assert.Null(analysis.Rebalance); // a perpetual has no inventory to rebalance
    }

    [Fact]
    public void FallingCloses_TrendDown_AndMixedOnes_AreARange_AndTooFewHaveNoTrend()
    {
        Assert.Equal("down", new MarketAnalysis(Closes(Enumerable.Range(1, 60).Select(i => 200m - i)), Book(5m), spot: true).Trend);
        // Up over the last 20, down over the 50: 5 > 20 but 20 < 50.
        var vee = Enumerable.Range(1, 40).Select(i => 200m - 2 * i).Concat(Enumerable.Range(1, 20).Select(i => 120m + i));
        Assert.Equal("range", new MarketAnalysis(Closes(vee), Book(5m), spot: true).Trend);
        var few = new MarketAnalysis(Closes(Enumerable.Range(1, 30).Select(i => 100m + i)), Book(5m), spot: true);
        Assert.Null(few.Trend);
        Assert.Null(few.MovingAverages[2]);
        Assert.Null(few.VersusLongAveragePct);
    }

    [Fact]
    public void Volatility_IsTheSampleDeviationOfTheReturnsInPercent()
    {
        // Returns +1 %, -1 %, +1 %, -1 %: mean 0, sample deviation sqrt(4 / 3).
        decimal[] closes = [100m, 101m, 99.99m, 100.9899m, 99.980001m];
        Assert.Equal(Math.Sqrt(4.0 / 3), (double)MarketAnalysis.Volatility(closes), 6);
        Assert.Equal(0m, MarketAnalysis.Volatility([100m, 101m]));
    }

    [Theory]
    [InlineData(0.5, 0.2)]   // 0.1 % is below the floor
    [InlineData(3, 0.6)]
    [InlineData(20, 2)]      // 4 % is above the cap
    public void TheSpread_IsVolatilityTimesAFifth_KeptWithinTwoTenthsAndTwoPercent(double volatility, double spread)
    {
        // Alternating returns of +v and -v % have a sample deviation of about v (exactly v·sqrt(n/(n-1))).
        var v = (decimal)volatility / 100m;
        var closes = new List<decimal> { 100m };
        for (var i = 0; i < 400; i++) closes.Add(closes[^1] * (i % 2 == 0 ? 1 + v : 1 - v));
        var analysis = new MarketAnalysis(Closes(closes), Book(5m), spot: true);
        Assert.Equal((decimal)spread, analysis.SpreadPct, 1);
    }

    [Theory]
    [InlineData(0.5, 2)]
    [InlineData(1, 3)]
    [InlineData(10, 3)]
    [InlineData(10.5, 5)]
    public void Levels_FollowTheSizeRestingASideNearTheMid(double perSide, int levels) =>
        Assert.Equal(levels, new MarketAnalysis(Closes([100m, 100m, 100m]), Book((decimal)perSide), spot: false).Levels);

    [Theory]
    [InlineData(6, 20, 25, 10, 12)]
    [InlineData(3, 25, 35, 12, 18)]
    [InlineData(1, 30, 40, 15, 25)]
    public void ASpotMarket_GetsTheRebalanceBandOfItsVolatility(double volatility, int targetLow, int targetHigh, int thresholdLow, int thresholdHigh)
    {
        var v = (decimal)volatility / 100m;
        var closes = new List<decimal> { 100m };
        for (var i = 0; i < 400; i++) closes.Add(closes[^1] * (i % 2 == 0 ? 1 + v : 1 - v));
        var analysis = new MarketAnalysis(Closes(closes), Book(5m), spot: true);
        Assert.Equal(new RebalanceBand(targetLow, targetHigh, thresholdLow, thresholdHigh), analysis.Rebalance);
        Assert.EndsWith($"--base-asset-target {(targetLow + targetHigh) / 2m} --rebalance-threshold {(thresholdLow + thresholdHigh) / 2m}",
            AnalyzeCommand.StartLine("backpack", "SOL_USDC", InstrumentKind.Spot, analysis), StringComparison.Ordinal);
    }

    [Fact]
    public void TheText_SaysWhatItRead_AndTheStartLineToRun()
    {
        var analysis = new MarketAnalysis(Closes(Enumerable.Range(1, 60).Select(i => 100m + i)), Book(5m), spot: false);
        var text = AnalyzeCommand.Text("aster", "SOLUSDC", TimeSpan.FromMinutes(15), InstrumentKind.Perpetual, analysis);
        Assert.StartsWith("SOLUSDC on aster: 60 closed candles of 15m\n  last close 160; averages of the closes: 5 158, 20 150.5, 50 135.5; trend up\n", text, StringComparison.Ordinal);
        Assert.Contains("  levels 3 a side (5 resting a side within 1 % of the mid)\n", text, StringComparison.Ordinal);
        Assert.EndsWith("  mmctl start NAME --venue aster --symbol SOLUSDC --strategy perp_market_making --spread 0.2 --levels 3\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("rebalance", text, StringComparison.Ordinal);
    }
}
