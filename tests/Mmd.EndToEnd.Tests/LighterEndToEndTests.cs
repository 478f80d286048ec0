using System.Text.Json;
using GrpcMM.Protos.V1;
using Mmd.Exchanges.Lighter;
using Mmd.TestKit;
using Mmd.Trading.Execution;
using Xunit.Abstractions;

namespace Mmd.EndToEnd.Tests;

/// <summary>
/// mmd with a Lighter perp market maker whose venue is the Lighter emulator running as its own process: the real connector,
/// every order and cancel a Schnorr-signed L2 transaction with the API key's next nonce, checked by the emulator, auth
/// tokens on private reads and streams, all on loopback. Credentials come from a 0600 secrets file.
/// </summary>
public sealed class LighterEndToEndTests(ITestOutputHelper output)
{
    private const string Symbol = "SOL";

    [Fact]
    public async Task PerpMarketMaker_OnTheEmulator_Quotes_AndSurvives10Kill9s_WithNoOrphanOrDuplicate_AndThePositionIsTheSumOfItsFills()
    {
        await using var venue = await EmulatorProcess.StartLighterAsync();
        using var secretsDir = new TempDirectory();
        await using var d = await VenueDaemon.StartAsync("lighter", venue, secretsDir, LighterTestKeys.Variables);
        var spec = d.Dir.Combine("ltr.json");
        await File.WriteAllTextAsync(spec, SpecJson("ltr"));
        var start = await d.MmctlAsync("start", "-f", spec);
        Assert.True(start.ExitCode == 0, start.ToString());
        var running = await d.WaitForAsync("ltr", i => i.State == InstanceState.Running && i.Stats?.OpenBuyOrders == 2 && i.Stats.OpenSellOrders == 2,
            "quoting on the emulator");
        Assert.Equal("lighter", running.Stats.Venue);
        var journal = Path.Combine(d.StateDir, "instances", "ltr", "journal.db");
        await Until.TrueAsync(async () => await JournalQuery.CountAsync(journal, "SELECT COUNT(*) AS Value FROM Fills") > 0, "the market fills a quote", TimeSpan.FromSeconds(90));

        var random = new Random(20261204);
        var pid = running.Pid;
        for (var kill = 1; kill <= 10; kill++)
        {
            await Task.Delay(random.Next(0, 1500)); // a random moment: mid-start, mid-reconcile or mid-quote (and between a transaction and its nonce's successor)
            Signals.Kill(pid, 9);
            var again = await d.WaitForAsync("ltr", i => i.State == InstanceState.Running && i.Pid != pid, $"running again after kill {kill}", TimeSpan.FromSeconds(60));
            pid = again.Pid;
        }
        await using var connector = await ConnectorAsync(venue, "ltr");
        await d.WaitForAsync("ltr", i => i.State == InstanceState.Running && i.Stats?.OpenBuyOrders == 2 && i.Stats.OpenSellOrders == 2, "quoting after the last restart");

        // A listing taken mid-replacement may hold nothing: take one that holds the quotes, so the check has orders to check.
        IReadOnlyList<VenueOrder> open = [];
        await Until.TrueAsync(async () => (open = await connector.GetOpenOrdersAsync(Symbol, CancellationToken.None)).Count > 0, "the venue lists our quotes");
        Assert.All(open, o => Assert.StartsWith("ltr_", o.ClientOrderId, StringComparison.Ordinal));
        // Read after the venue's list: each of its orders was journaled before it was sent.
        var known = await JournalQuery.ClientOrderIdsAsync(journal);
        Assert.All(open, o => Assert.Contains(o.ClientOrderId!, known));

        var stop = await d.MmctlAsync("stop", "ltr");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        await d.WaitForAsync("ltr", i => i.State == InstanceState.Stopped, "stopped");
        Assert.Empty(await connector.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout());

        Assert.Equal(0, await JournalQuery.CountAsync(journal, "SELECT COUNT(*) AS Value FROM (SELECT TradeId FROM Fills GROUP BY TradeId HAVING COUNT(*) > 1)"));
        var (fromFills, _) = await JournalQuery.PositionAsync(journal);
        var onVenue = (await connector.GetPositionsAsync(CancellationToken.None).DefaultTimeout()).Where(p => p.Symbol == Symbol).Sum(p => p.Quantity);
        var venueFills = await connector.GetFillsAsync(Symbol, DateTimeOffset.UnixEpoch, CancellationToken.None).DefaultTimeout();
        var journaled = await JournalQuery.FillsAsync(journal);
        if (onVenue != fromFills || venueFills.Count != journaled.Count)
            await FillMismatchReport.WriteAsync(output,
                venueFills.Select(f => (f.TradeId, $"order {f.VenueOrderId} {f.Side} {f.Quantity} @ {f.Price} at {f.Timestamp:O}")).ToList(), journaled, d.Dir.Path, "ltr");
        Assert.Equal(onVenue, fromFills);
        Assert.Equal(venueFills.Count, journaled.Count);
        await SecretChecks.AssertNowhereAsync(d, "ltr", LighterTestKeys.PrivateKey, StringComparison.OrdinalIgnoreCase);
        output.WriteLine($"10 kill -9s: {venueFills.Count} fills on the venue = {journaled.Count} journaled, 0 duplicates; position {onVenue} = sum of fills {fromFills}; " +
            $"{open.Count} open orders before the stop, all the instance's and journaled; 0 after it");
    }

    [Fact]
    public async Task AKeyTheVenueDoesNotHold_FailsAtConnect_WithTheReason_AndBacksOff_WithoutATransaction()
    {
        await using var venue = await EmulatorProcess.StartLighterAsync();
        using var secretsDir = new TempDirectory();
        var wrongKey = new Dictionary<string, string>(LighterTestKeys.Variables) { ["LIGHTER_PRIVATE_KEY"] = WrongKey };
        await using var d = await VenueDaemon.StartAsync("lighter", venue, secretsDir, wrongKey);
        var spec = d.Dir.Combine("bad.json");
        await File.WriteAllTextAsync(spec, SpecJson("bad"));
        Assert.Equal(0, (await d.MmctlAsync("start", "-f", spec)).ExitCode);
        var failing = await d.WaitForAsync("bad", i => i.State == InstanceState.Backoff && i.ConsecutiveFailures >= 2
            && i.LastExitReason.StartsWith("exit code 6: cannot connect to lighter: Lighter 21108: API key 5 of account 12345 is registered with another public key", StringComparison.Ordinal),
            "backing off after connects that found another key registered", TimeSpan.FromSeconds(60));
        var status = await d.MmctlAsync("status", "bad");
        Assert.True(status.StandardOutput.Contains("registered with another public key", StringComparison.Ordinal), status.ToString());
        Assert.DoesNotContain(WrongKey, status.StandardOutput, StringComparison.OrdinalIgnoreCase);

        var stop = await d.MmctlAsync("stop", "bad");
        // A stop that lands while a retry is connecting kills that worker: the daemon cannot vouch for its book, and
        // its sweep cannot connect either, so mmctl says so plainly (exit 1 and the warning) rather than exit 0.
        Assert.True(stop.ExitCode == 0 || stop.StandardError.Contains("no worker confirmed that none of its orders is left", StringComparison.Ordinal), stop.ToString());
        await d.WaitForAsync("bad", i => i.State == InstanceState.Stopped, "stopped");
        await using var connector = await ConnectorAsync(venue, "bad");
        Assert.Empty(await connector.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout());
        Assert.Equal(0, (await connector.Rest.GetAccountAsync(CancellationToken.None).DefaultTimeout())?.Positions.Length);
        output.WriteLine($"a key the venue does not hold: {failing.ConsecutiveFailures} failed starts, last reason: {failing.LastExitReason}");
    }

    /// <summary>A valid 40-byte API key that the emulator has not registered.</summary>
    private const string WrongKey = "5f0d9b4c8a1e27f3c6b2a9d81e4f7c03b5a6d2e9f1c8b7a4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f001";

    /// <summary>A connector that reads the venue as <paramref name="instance"/> does (its client ids carry that instance's tag).</summary>
    private static async Task<LighterConnector> ConnectorAsync(EmulatorProcess venue, string instance)
    {
        var connector = new LighterConnector(new LighterOptions { RestBaseUrl = new Uri(venue.RestUrl), WebSocketUrl = new Uri(venue.WebSocketUrl) },
            LighterCredentials.From(LighterTestKeys.Variables), instance, TimeProvider.System);
        await connector.ConnectAsync(CancellationToken.None).DefaultTimeout();
        return connector;
    }

    private static string SpecJson(string name) => JsonSerializer.Serialize(new
    {
        name,
        venue = "lighter",
        symbol = Symbol,
        perpMarketMaking = new { spreadPct = "0.05", orderQuantity = "0.2", levels = 2, maxPosition = "4", positionThreshold = "1", interval = "10s" },
        risk = new { maxPosition = "6", priceBandPct = "5" },
    });
}
