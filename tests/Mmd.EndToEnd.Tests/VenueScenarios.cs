using System.Text.Json;
using GrpcMM.Protos.V1;
using Mmd.TestKit;
using Mmd.Trading.Execution;
using Xunit.Abstractions;

namespace Mmd.EndToEnd.Tests;

/// <summary>
/// The end-to-end scenarios a live venue's connector runs through on its emulator process, with a perp market maker
/// started by mmctl from a spec file and credentials in a 0600 secrets file: what differs from venue to venue is the
/// venue's name, symbol, credentials and a connector that reads the venue as the instance does.
/// </summary>
/// <param name="ReportsFunding">The connector reads the account's funding, and the emulator settles it often enough for a test to see.</param>
internal sealed record VenueUnderTest(string Name, string Symbol, IReadOnlyDictionary<string, string> Credentials, Func<EmulatorProcess, string, Task<IExchangeConnector>> Connect,
    bool ReportsFunding = false)
{
    /// <param name="venueOptions">The spec's options of this venue (its field is the venue's name), if any.</param>
    /// <param name="restartPolicy">The supervision's restart policy; null: the daemon's.</param>
    public string SpecJson(string instance, object? venueOptions = null, string? restartPolicy = null)
    {
        var spec = new Dictionary<string, object>
        {
            ["name"] = instance,
            ["venue"] = Name,
            ["symbol"] = Symbol,
            ["perpMarketMaking"] = new { spreadPct = "0.05", orderQuantity = "0.2", levels = 2, maxPosition = "4", positionThreshold = "1", interval = "10s" },
            ["risk"] = new { maxPosition = "6", priceBandPct = "5" },
        };
        if (venueOptions is not null) spec[Name] = venueOptions;
        if (restartPolicy is not null) spec["supervision"] = new { restartPolicy };
        return JsonSerializer.Serialize(spec);
    }
}

internal static class VenueScenarios
{
    /// <summary>
    /// Quotes, is kill -9'd ten times at random moments, is stopped: every venue order carries the instance's prefix and
    /// was journaled before it was sent; fills on the venue = fills journaled, none twice; the position on the venue =
    /// the sum of the journaled fills; none of the instance's orders after the stop; <paramref name="secret"/> nowhere.
    /// </summary>
    public static async Task SurvivesKill9sAsync(VenueUnderTest v, EmulatorProcess venue, string instance, string secret, ITestOutputHelper output)
    {
        using var secretsDir = new TempDirectory();
        await using var d = await VenueDaemon.StartAsync(v.Name, venue, secretsDir, v.Credentials, quickRestarts: true);
        var spec = d.Dir.Combine(instance + ".json");
        await File.WriteAllTextAsync(spec, v.SpecJson(instance));
        var start = await d.MmctlAsync("start", "-f", spec);
        Assert.True(start.ExitCode == 0, start.ToString());
        var running = await d.WaitForAsync(instance, i => i.State == InstanceState.Running && i.Stats?.OpenBuyOrders == 2 && i.Stats.OpenSellOrders == 2,
            "quoting on the emulator");
        Assert.Equal(v.Name, running.Stats.Venue);
        var journal = Path.Combine(d.StateDir, "instances", instance, "journal.db");
        await Until.TrueAsync(async () => await JournalQuery.CountAsync(journal, "SELECT COUNT(*) AS Value FROM Fills") > 0, "the market fills a quote", TimeSpan.FromSeconds(90));

        var random = new Random(20261204);
        var pid = running.Pid;
        for (var kill = 1; kill <= 10; kill++)
        {
            await Task.Delay(random.Next(0, 1500)); // a random moment: mid-start, mid-reconcile or mid-quote (and mid-write)
            Signals.Kill(pid, 9);
            var again = await d.WaitForAsync(instance, i => i.State == InstanceState.Running && i.Pid != pid, $"running again after kill {kill}", TimeSpan.FromSeconds(60));
            pid = again.Pid;
        }
        await using var connector = await v.Connect(venue, instance);
        await d.WaitForAsync(instance, i => i.State == InstanceState.Running && i.Stats?.OpenBuyOrders == 2 && i.Stats.OpenSellOrders == 2, "quoting after the last restart");

        // A listing taken mid-replacement may hold nothing: take one that holds the quotes, so the check has orders to check.
        IReadOnlyList<VenueOrder> open = [];
        await Until.TrueAsync(async () => (open = await connector.GetOpenOrdersAsync(v.Symbol, CancellationToken.None)).Count > 0, "the venue lists our quotes");
        Assert.All(open, o => Assert.StartsWith(instance + "_", o.ClientOrderId, StringComparison.Ordinal));
        // Read after the venue's list: each of its orders was journaled before it was sent.
        var known = await JournalQuery.ClientOrderIdsAsync(journal);
        Assert.All(open, o => Assert.Contains(o.ClientOrderId!, known));

        var stop = await d.MmctlAsync("stop", instance);
        Assert.True(stop.ExitCode == 0, stop.ToString());
        var stopped = await d.WaitForAsync(instance, i => i.State == InstanceState.Stopped, "stopped");
        Assert.Empty(await connector.GetOpenOrdersAsync(v.Symbol, CancellationToken.None).DefaultTimeout());
        var funding = "";
        if (v.ReportsFunding)
        {
            // The instance alone trades the account: its funding is some of what the venue paid on the account (settled, or
            // realized on fills), not 0.
            var own = decimal.Parse(stopped.Stats.Cumulative.FundingPnl, System.Globalization.CultureInfo.InvariantCulture);
            var settled = await connector.GetFundingPaymentsAsync(v.Symbol, DateTimeOffset.UnixEpoch, CancellationToken.None).DefaultTimeout();
            Assert.NotEqual(0m, own);
            Assert.True(Math.Abs(own) <= settled.Sum(p => Math.Abs(p.Amount)), $"funding {own} is more than the venue paid");
            funding = $"; funding {own} of the {settled.Count} payments' {settled.Sum(p => p.Amount)} the venue reports";
        }

        Assert.Equal(0, await JournalQuery.CountAsync(journal, "SELECT COUNT(*) AS Value FROM (SELECT TradeId FROM Fills GROUP BY TradeId HAVING COUNT(*) > 1)"));
        var (fromFills, _) = await JournalQuery.PositionAsync(journal);
        var onVenue = (await connector.GetPositionsAsync(CancellationToken.None).DefaultTimeout()).Where(p => p.Symbol == v.Symbol).Sum(p => p.Quantity);
        var venueFills = await connector.GetFillsAsync(v.Symbol, DateTimeOffset.UnixEpoch, CancellationToken.None).DefaultTimeout();
        var journaled = await JournalQuery.FillsAsync(journal);
        if (onVenue != fromFills || venueFills.Count != journaled.Count)
            await FillMismatchReport.WriteAsync(output,
                venueFills.Select(f => (f.TradeId, $"order {f.VenueOrderId} {f.Side} {f.Quantity} @ {f.Price} at {f.Timestamp:O}")).ToList(), journaled, d.Dir.Path, instance);
        Assert.Equal(onVenue, fromFills);
        Assert.Equal(venueFills.Count, journaled.Count);
        // Figures rebuilt at each restart from the last checkpoint and the fills journaled after it: every fill once.
        Assert.True(await JournalQuery.CountAsync(journal, "SELECT COUNT(*) AS Value FROM figures_checkpoints") > 0, "a checkpoint of the figures was saved");
        Assert.Equal((ulong)journaled.Count, stopped.Stats.Cumulative.Fills);
        Assert.Equal(fromFills, decimal.Parse(stopped.Stats.Cumulative.Position, System.Globalization.CultureInfo.InvariantCulture));
        await SecretChecks.AssertNowhereAsync(d, instance, secret, StringComparison.OrdinalIgnoreCase);
        output.WriteLine($"10 kill -9s: {venueFills.Count} fills on the venue = {journaled.Count} journaled, 0 duplicates; position {onVenue} = sum of fills {fromFills}; " +
            $"{open.Count} open orders before the stop, all the instance's and journaled; 0 after it{funding}");
    }

    /// <summary>
    /// Credentials the venue refuses: the worker fails at connect with a reason beginning <paramref name="reason"/>, backs
    /// off, shows <paramref name="shownInStatus"/> (and not <paramref name="secret"/>) in mmctl status, and no order or
    /// position reaches the venue.
    /// </summary>
    public static async Task<Instance> FailsAtConnectAsync(VenueUnderTest v, EmulatorProcess venue, IReadOnlyDictionary<string, string> credentials, string reason,
        string shownInStatus, string secret)
    {
        using var secretsDir = new TempDirectory();
        await using var d = await VenueDaemon.StartAsync(v.Name, venue, secretsDir, credentials);
        var spec = d.Dir.Combine("bad.json");
        await File.WriteAllTextAsync(spec, v.SpecJson("bad"));
        Assert.Equal(0, (await d.MmctlAsync("start", "-f", spec)).ExitCode);
        var failing = await d.WaitForAsync("bad", i => i.State == InstanceState.Backoff && i.ConsecutiveFailures >= 2
            && i.LastExitReason.StartsWith(reason, StringComparison.Ordinal), "backing off after connects the venue refused", TimeSpan.FromSeconds(60));
        var status = await d.MmctlAsync("status", "bad");
        Assert.True(status.StandardOutput.Contains(shownInStatus, StringComparison.Ordinal), status.ToString());
        Assert.DoesNotContain(secret, status.StandardOutput, StringComparison.OrdinalIgnoreCase);

        // Not one run got as far as an order, so the stop is clean even when it kills a retry mid-connect: that worker's
        // journal holds no order of its run, so the book is as it was (empty), and no sweep is needed.
        var stop = await d.MmctlAsync("stop", "bad");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        await d.WaitForAsync("bad", i => i.State == InstanceState.Stopped, "stopped");
        await using var connector = await v.Connect(venue, "bad");
        Assert.Empty(await connector.GetOpenOrdersAsync(v.Symbol, CancellationToken.None).DefaultTimeout());
        Assert.DoesNotContain(await connector.GetPositionsAsync(CancellationToken.None).DefaultTimeout(), p => p.Symbol == v.Symbol && p.Quantity != 0);
        return failing;
    }
}
