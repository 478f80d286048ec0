using Mmd.Backtest;
using Mmd.Trading.Stats;

namespace Mmd.Daemon.Tests;

/// <summary>What a sweep calls its best setting: the most money on average, the best worst seed, or money for the risk.</summary>
public class SweepRankingTests
{
    private static BacktestResult Run(decimal net, decimal drawdown)
    {
        var at = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var stats = new StatsSnapshot
        {
            Instance = "bt", Venue = "paper", Symbol = "SOL_USDC", BaseAsset = "SOL", QuoteAsset = "USDC", Time = at, SessionStart = at,
            Session = new StatsFigures(), Cumulative = new StatsFigures { RealizedPnl = net },
        };
        return new BacktestResult(stats, "stop requested", 0, TimeSpan.FromHours(1), 18_000, TimeSpan.FromSeconds(10), 1m, drawdown, Interrupted: false, StrategyStopped: false, EquityCurve: []);
    }

    // Three settings, two seeds each: a steady earner, a lucky one (more on average, a bad seed), one that did nothing.
    private static readonly BacktestResult[] Steady = [Run(4m, 1m), Run(6m, 2m)];
    private static readonly BacktestResult[] Lucky = [Run(20m, 4m), Run(-3m, 10m)];
    private static readonly BacktestResult[] Idle = [Run(0m, 0m), Run(0m, 0m)];

    private static string Best(SweepRank rank) =>
        new[] { ("steady", Steady), ("lucky", Lucky), ("idle", Idle) }.MaxBy(s => SweepRanking.Score(rank, s.Item2)).Item1;

    [Fact]
    public void EachRank_ScoresASettingsSeedsAsItsNameSays()
    {
        Assert.Equal(5d, SweepRanking.Score(SweepRank.Mean, Steady));
        Assert.Equal(8.5d, SweepRanking.Score(SweepRank.Mean, Lucky));
        Assert.Equal(4d, SweepRanking.Score(SweepRank.Worst, Steady));
        Assert.Equal(-3d, SweepRanking.Score(SweepRank.Worst, Lucky));
        Assert.Equal(2.5d, SweepRanking.Score(SweepRank.PnlToDrawdown, Steady)); // mean 5 over the deepest drawdown of a seed, 2
        Assert.Equal(0.85d, SweepRanking.Score(SweepRank.PnlToDrawdown, Lucky), 10); // 8.5 over 10

        Assert.Equal("lucky", Best(SweepRank.Mean));
        Assert.Equal("steady", Best(SweepRank.Worst));
        Assert.Equal("steady", Best(SweepRank.PnlToDrawdown));
    }

    [Fact]
    public void WithoutADrawdown_AnEarnerScoresAboveEveryRatio_AndAnIdleSettingZero()
    {
        Assert.Equal(double.PositiveInfinity, SweepRanking.Score(SweepRank.PnlToDrawdown, [Run(0.5m, 0m)]));
        Assert.Equal(0d, SweepRanking.Score(SweepRank.PnlToDrawdown, Idle));
        Assert.Equal("idle", new[] { ("idle", Idle), ("loser", new[] { Run(-1m, 1m) }) }.MaxBy(s => SweepRanking.Score(SweepRank.PnlToDrawdown, s.Item2)).Item1);
    }

    [Fact]
    public void TheNames_AreTheCommandLines()
    {
        Assert.Equal(["mean", "worst", "pnl-to-drawdown"], SweepRanking.ByName.Keys);
        Assert.Equal([SweepRank.Mean, SweepRank.Worst, SweepRank.PnlToDrawdown], SweepRanking.ByName.Values);
        Assert.Throws<ArgumentException>(() => SweepRanking.Score(SweepRank.Mean, []));
    }
}
