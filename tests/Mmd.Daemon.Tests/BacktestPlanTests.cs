using Mmd.Backtest;
using Mmd.Hosting;
using Mmd.Specs;
using Mmd.TestKit;

namespace Mmd.Daemon.Tests;

/// <summary><c>mmd backtest</c>'s choices made into what it runs: the recordings in place, a holdout split off, or every problem named.</summary>
public class BacktestPlanTests
{
    private static readonly DateTimeOffset December = DateTimeOffset.Parse("2025-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static BacktestChoices Choices(string[]? varies = null, int? holdout = null, string? length = null) =>
        new(null, 1, length, null, varies ?? [], null, null, 2, null, null, holdout);

    private static BacktestPlan Make(BacktestRecordings recordings, BacktestChoices choices)
    {
        var file = Repository.Combine("daemon", "templates", "paper-xemm.json");
        return BacktestPlan.Make(InstanceSpecJson.Parse(file, File.ReadAllBytes(file), out var lines), file, lines, recordings, choices);
    }

    // Eight minutes, a price a minute: 150, 151, ... 158.
    private static async Task<RecordedPrices> EightMinutesAsync(TempDirectory dir)
    {
        var path = dir.Combine("sol.csv");
        await File.WriteAllLinesAsync(path, Enumerable.Range(0, 9).Select(m => $"{December.AddMinutes(m).ToUnixTimeSeconds()},{150 + m}"));
        return await RecordedPrices.ReadAsync(path, CancellationToken.None);
    }

    [Fact]
    public async Task AHoldout_SplitsTheSpan_AndRunsEverySettingAgainOnTheRecordingFromWhereTheFirstPartEnds()
    {
        using var dir = new TempDirectory();
        var plan = Make(new BacktestRecordings(await EightMinutesAsync(dir), null), Choices(["inventory_range=1,2"], holdout: 25));

        Assert.Equal((TimeSpan.FromMinutes(6), December), (plan.Span, plan.From));
        var holdout = plan.Holdout!;
        Assert.Equal((TimeSpan.FromMinutes(2), December.AddMinutes(6), 25), (holdout.Span, holdout.From, holdout.Percent));
        var outOfSample = plan.OutOfSample();
        Assert.Equal((TimeSpan.FromMinutes(2), December.AddMinutes(6), (BacktestHoldout?)null), (outOfSample.Span, outOfSample.From, outOfSample.Holdout));
        Assert.Equal(plan.Variants.Select(v => v.Label), outOfSample.Variants.Select(v => v.Label));
        foreach (var (first, later) in plan.Variants.Zip(outOfSample.Variants))
        {
            // Both markets of the hedge follow the recording: from its start, and from six minutes in.
            Assert.All(new[] { "SOL_USDC", "SOL_USDC_PERP" }, symbol =>
            {
                Assert.Equal((TimeSpan.Zero, 150m), first.Spec.Paper.PricePaths[symbol].Points[0]);
                Assert.Equal([(TimeSpan.Zero, 156m), (TimeSpan.FromMinutes(1), 157m), (TimeSpan.FromMinutes(2), 158m)], later.Spec.Paper.PricePaths[symbol].Points);
            });
            Assert.Empty(later.Spec.Paper.TradeTapes); // prices, not trades: the crowd's flow
        }
        Assert.Null(Make(new BacktestRecordings(await EightMinutesAsync(dir), null), Choices(["inventory_range=1,2"])).Holdout);
    }

    [Fact]
    public async Task AHoldoutItCannotKeep_IsRefused_NamingWhy()
    {
        using var dir = new TempDirectory();
        string Problems(BacktestRecordings recordings, BacktestChoices choices) =>
            string.Join('\n', Assert.Throws<InvalidSpecException>(() => Make(recordings, choices)).Describe());

        var none = new BacktestRecordings(null, null);
        var refused = Problems(none, Choices(holdout: 95, length: "10m"));
        Assert.Contains("--holdout: 95: must be 1-90 (% of the span)", refused, StringComparison.Ordinal);
        Assert.Contains("--holdout: needs --vary", refused, StringComparison.Ordinal);
        Assert.Contains("--holdout: needs --prices", refused, StringComparison.Ordinal);
        // One per cent of two seconds is no span at all.
        Assert.Contains("--holdout: 1 % of 2s leaves a part shorter than a second",
            Problems(new BacktestRecordings(await EightMinutesAsync(dir), null), Choices(["inventory_range=1,2"], holdout: 1, length: "2s")), StringComparison.Ordinal);
    }
}
