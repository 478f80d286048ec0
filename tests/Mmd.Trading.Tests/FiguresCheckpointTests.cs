using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;
using Mmd.Trading.Stats;

namespace Mmd.Trading.Tests;

public class FiguresCheckpointTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-24T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Long and short round trips, fees in both assets, a rebalance: every figure moves.</summary>
    private static List<VenueFill> Fills() =>
    [
        .. Enumerable.Range(0, 40).Select(i => new VenueFill($"t{i}", "v", "mm_1", "SOL_USDC_PERP", i % 7 < 4 ? Side.Buy : Side.Sell,
            150m + (i % 5) * 0.37m, 0.1m + (i % 3) * 0.25m, 0.0013m * (i + 1), i % 4 == 0 ? "SOL" : "USDC", i % 2 == 0,
            T0.AddMinutes(i).AddTicks(3_000))), // under a millisecond past: the journal keeps milliseconds
    ];

    [Fact]
    public void FiguresFromACheckpoint_AndTheFillsAfterIt_AreTheFiguresOfEveryFill()
    {
        var fills = Fills();
        var whole = new TradingStatistics("SOL", "USDC");
        foreach (var (fill, i) in fills.Select((f, i) => (f, i))) whole.Apply(fill, isRebalance: i == 5);
        whole.ApplyFunding(-0.42m);

        var before = new TradingStatistics("SOL", "USDC");
        foreach (var (fill, i) in fills.Take(25).Select((f, i) => (f, i))) before.Apply(fill, isRebalance: i == 5);
        before.ApplyFunding(-0.42m);
        var fundingSince = T0.AddMinutes(20);
        var checkpoint = before.ToCheckpoint(T0.AddHours(1), fundingSince, new Dictionary<string, DateTimeOffset> { ["f1"] = fundingSince });

        var restored = new TradingStatistics("SOL", "USDC");
        Assert.True(restored.Restore(checkpoint));
        // The covered fills from the history's start on, for the positions only; then the fills after the checkpoint.
        var historyStart = checkpoint.PositionHistoryStart!.Value;
        Assert.Equal((T0.AddMinutes(20), before.PositionAt(fundingSince)), (historyStart.Time, historyStart.Position));
        foreach (var fill in fills.Take(25).Where(f => f.Timestamp.ToUnixTimeMilliseconds() >= historyStart.Time.AddMilliseconds(1).ToUnixTimeMilliseconds()))
            restored.ReplayPosition(fill);
        foreach (var fill in fills.Skip(25)) restored.Apply(fill, isRebalance: false);

        Assert.Equivalent(whole.Snapshot(151.5m), restored.Snapshot(151.5m), strict: true);
        Assert.Equal(whole.NewestFillTime, restored.NewestFillTime);
        // Funding still to come asks the position at any time from the oldest settlement still asked about.
        for (var minute = 20; minute <= 45; minute++)
            Assert.Equal(whole.PositionAt(T0.AddMinutes(minute).AddSeconds(30)), restored.PositionAt(T0.AddMinutes(minute).AddSeconds(30)));
    }

    [Fact]
    public void ACheckpointWhoseLotsDoNotAddUpToItsPosition_IsNotUsed()
    {
        var stats = new TradingStatistics("SOL", "USDC");
        foreach (var fill in Fills().Take(10)) stats.Apply(fill, false);
        var checkpoint = stats.ToCheckpoint(T0, null, new Dictionary<string, DateTimeOffset>());
        Assert.NotEmpty(checkpoint.Lots);

        var restored = new TradingStatistics("SOL", "USDC", keepPositionHistory: false);
        Assert.False(restored.Restore(checkpoint with { Lots = checkpoint.Lots.Skip(1).ToList() }));
        Assert.False(restored.Restore(checkpoint with { Version = FiguresCheckpoint.CurrentVersion + 1 }));
        Assert.Equal(0, restored.Snapshot(150m).Fills); // nothing changed
        // A market that keeps a position history cannot start from a checkpoint without one.
        Assert.False(new TradingStatistics("SOL", "USDC").Restore(checkpoint with { KeepsPositionHistory = false }));
        Assert.True(restored.Restore(checkpoint));
        Assert.Equivalent(stats.Snapshot(150m), restored.Snapshot(150m), strict: true);
    }
}
