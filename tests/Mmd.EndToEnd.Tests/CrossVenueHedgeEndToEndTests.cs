using System.Globalization;
using System.Text.Json;
using GrpcMM.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Mmd.Persistence;
using Mmd.TestKit;
using Xunit.Abstractions;

namespace Mmd.EndToEnd.Tests;

/// <summary>
/// A cross-venue maker-taker hedge (XEMM) under mmd: quotes SOL_USDC on the paper venue, hedges on SOL_USDC_PERP on the
/// Backpack emulator process. The worker is killed mid-run; each venue is reconciled on its own when it comes back.
/// </summary>
public sealed class CrossVenueHedgeEndToEndTests(ITestOutputHelper output)
{
    private const string Perp = "SOL_USDC_PERP";
    private const string Size = "0.2";

    [Fact]
    public async Task QuotesOnPaper_HedgesOnBackpack_SurvivesKill9s_EachVenuesFillsJournaledOnce_AndTheExposureStaysHedged()
    {
        await using var venue = await EmulatorProcess.StartBackpackAsync();
        using var secretsDir = new TempDirectory();
        await using var d = await BackpackDaemon.StartAsync(venue, secretsDir, quickRestarts: true);
        var spec = d.Dir.Combine("xv.json");
        await File.WriteAllTextAsync(spec, SpecJson("xv"));
        var start = await d.MmctlAsync("start", "-f", spec);
        Assert.True(start.ExitCode == 0, start.ToString());
        var running = await d.WaitForAsync("xv", i => i.State == InstanceState.Running && i.Stats?.StrategyFigures?.Hedge?.Market is not null,
            "quoting on paper, hedging on the emulator");
        Assert.Equal(("paper", "backpack", Perp), (running.Stats.Venue, running.Stats.StrategyFigures.Hedge.Market.Venue, running.Stats.StrategyFigures.Hedge.Market.Symbol));
        var journal = Path.Combine(d.StateDir, "instances", "xv", "journal.db");
        await Until.TrueAsync(async () => await JournalQuery.CountAsync(journal, "SELECT COUNT(*) AS Value FROM fills WHERE Venue = 'backpack'") >= 2,
            "maker fills on paper hedged on the emulator", TimeSpan.FromSeconds(120));

        var random = new Random(20261124);
        var pid = running.Pid;
        for (var kill = 1; kill <= 5; kill++)
        {
            await Task.Delay(random.Next(0, 1500)); // mid-start, mid-reconcile, or between a maker fill and its hedge
            Signals.Kill(pid, 9);
            var again = await d.WaitForAsync("xv", i => i.State == InstanceState.Running && i.Pid != pid, $"running again after kill {kill}", TimeSpan.FromSeconds(60));
            pid = again.Pid;
        }
        // Back to hedged after the last restart: the exposure of both venues is below one hedge's minimum.
        var settled = await d.WaitForAsync("xv", i => i.State == InstanceState.Running && i.Stats?.StrategyFigures?.Hedge is { Market: not null } h
            && Math.Abs(decimal.Parse(h.Residual, CultureInfo.InvariantCulture)) < 0.01m, "hedged after the last restart", TimeSpan.FromSeconds(60));

        var status = (await d.MmctlAsync("status", "xv")).StandardOutput;
        Assert.Contains("hedge market", status, StringComparison.Ordinal);
        Assert.Contains("backpack SOL_USDC_PERP", status, StringComparison.Ordinal);

        var stop = await d.MmctlAsync("stop", "xv");
        Assert.True(stop.ExitCode == 0, stop.ToString()); // exit 0 only when no own order is left on either venue
        await d.WaitForAsync("xv", i => i.State == InstanceState.Stopped, "stopped");

        using var rest = BackpackDaemon.Rest(venue);
        Assert.Empty(await rest.GetOpenOrdersAsync(Perp, CancellationToken.None).DefaultTimeout());
        Assert.Equal(0, await d.PaperOpenOrdersAsync("xv"));

        Assert.Equal(0, await JournalQuery.CountAsync(journal, "SELECT COUNT(*) AS Value FROM (SELECT TradeId FROM fills GROUP BY Venue, TradeId HAVING COUNT(*) > 1)"));
        var venueFills = await rest.GetFillsAsync(Perp, 0, 1000, 0, CancellationToken.None).DefaultTimeout();
        Assert.Equal(venueFills.Length, await JournalQuery.CountAsync(journal, "SELECT COUNT(*) AS Value FROM fills WHERE Venue = 'backpack'"));
        var (paperPosition, perpPosition) = await PositionsAsync(journal);
        var onVenue = (await rest.GetPositionsAsync(CancellationToken.None).DefaultTimeout()).Where(p => p.Symbol == Perp).Sum(p => p.NetQuantity);
        Assert.Equal(onVenue, perpPosition);
        // The stop hedges what filled while it cancelled the quotes: nothing is left unhedged.
        Assert.True(Math.Abs(paperPosition + perpPosition) < 0.01m, $"exposure {paperPosition + perpPosition} after the stop");
        var hedges = await JournalQuery.CountAsync(journal, "SELECT COUNT(*) AS Value FROM fills WHERE Venue = 'backpack' AND Purpose = 'Hedge'");
        Assert.Equal(venueFills.Length, hedges);
        output.WriteLine($"5 kill -9s: {await JournalQuery.CountAsync(journal, "SELECT COUNT(*) AS Value FROM fills WHERE Venue = 'paper'")} maker fills on paper, " +
            $"{venueFills.Length} hedge fills on the emulator = {hedges} journaled, 0 duplicates; paper position {paperPosition}, perp position {perpPosition} " +
            $"(= the venue's {onVenue}); residual when settled {settled.Stats.StrategyFigures.Hedge.Residual}");
    }

    private static async Task<(decimal Paper, decimal Backpack)> PositionsAsync(string journalPath)
    {
        await using var db = new MmdDbContext(MmdDatabase.Options(journalPath));
        var fills = await db.Fills.Select(f => new { f.Venue, f.Side, f.Quantity }).ToListAsync();
        decimal Of(string venue) => fills.Where(f => f.Venue == venue).Sum(f => f.Side == "Buy" ? f.Quantity : -f.Quantity);
        return (Of("paper"), Of("backpack"));
    }

    private static string SpecJson(string name) => JsonSerializer.Serialize(new
    {
        name,
        venue = "paper",
        symbol = "SOL_USDC",
        makerTakerHedge = new
        {
            orderQuantity = Size, maxSlippagePct = "1", minProfitabilityPct = "0", interval = "10s",
            hedgeVenue = "backpack", hedgeSymbol = Perp,
        },
        risk = new { maxPosition = "5", priceBandPct = "5" },
        paper = new { volatilityPct = "0.01", flowRate = "4", initialBalances = new Dictionary<string, string> { ["USDC"] = "10000", ["SOL"] = "20" } },
    });
}
