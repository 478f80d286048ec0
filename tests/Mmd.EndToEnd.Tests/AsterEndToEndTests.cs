using System.Net.Http.Json;
using System.Text.Json;
using GrpcMM.Protos.V1;
using Mmd.Exchanges.Aster;
using Mmd.TestKit;
using Xunit.Abstractions;

namespace Mmd.EndToEnd.Tests;

/// <summary>
/// mmd with an Aster perp market maker whose venue is the Aster emulator running as its own process: the real connector,
/// EIP-712 signatures checked by signer recovery, REST, the combined stream and the listen-key user stream on loopback.
/// Credentials come from a 0600 secrets file.
/// </summary>
public sealed class AsterEndToEndTests(ITestOutputHelper output)
{
    private const string Symbol = "SOLUSDC";

    [Fact]
    public async Task PerpMarketMaker_OnTheEmulator_Quotes_AndSurvives20Kill9s_WithNoOrphanOrDuplicate_AndThePositionIsTheSumOfItsFills()
    {
        await using var venue = await EmulatorProcess.StartAsterAsync();
        using var secretsDir = new TempDirectory();
        await using var d = await VenueDaemon.StartAsync("aster", venue, secretsDir, AsterTestKeys.V3Variables, quickRestarts: true);
        var spec = d.Dir.Combine("ast.json");
        await File.WriteAllTextAsync(spec, SpecJson("ast", deadManSwitchSeconds: 30));
        var start = await d.MmctlAsync("start", "-f", spec);
        Assert.True(start.ExitCode == 0, start.ToString());
        var running = await d.WaitForAsync("ast", i => i.State == InstanceState.Running && i.Stats?.OpenBuyOrders == 2 && i.Stats.OpenSellOrders == 2, "quoting on the emulator");
        Assert.Equal("aster", running.Stats.Venue);
        Assert.Equal(30_000, Assert.Single((await CountdownsAsync(venue)).Armed, a => a.Symbol == Symbol && a.Account == AsterTestKeys.Account).CountdownMs);
        var journal = Path.Combine(d.StateDir, "instances", "ast", "journal.db");
        await Until.TrueAsync(async () => await JournalQuery.CountAsync(journal, "SELECT COUNT(*) AS Value FROM Fills") > 0, "the market fills a quote", TimeSpan.FromSeconds(90));

        var random = new Random(20261124);
        var pid = running.Pid;
        for (var kill = 1; kill <= 20; kill++)
        {
            await Task.Delay(random.Next(0, 1500)); // a random moment: mid-start, mid-reconcile or mid-quote
            Signals.Kill(pid, 9);
            var again = await d.WaitForAsync("ast", i => i.State == InstanceState.Running && i.Pid != pid, $"running again after kill {kill}", TimeSpan.FromSeconds(60));
            pid = again.Pid;
        }
        using var rest = await RestAsync(venue);
        await d.WaitForAsync("ast", i => i.State == InstanceState.Running && i.Stats?.OpenBuyOrders == 2 && i.Stats.OpenSellOrders == 2, "quoting after the last restart");

        // A listing taken mid-replacement may hold nothing: take one that holds the quotes, so the check has orders to check.
        var open = Array.Empty<AsterOrder>();
        await Until.TrueAsync(async () => (open = await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None)).Length > 0, "the venue lists our quotes");
        Assert.All(open, o => Assert.StartsWith("ast_", o.ClientOrderId, StringComparison.Ordinal));
        // Read after the venue's list: each of its orders was journaled before it was sent (any status: it may have moved on since).
        var known = await JournalQuery.ClientOrderIdsAsync(journal);
        Assert.All(open, o => Assert.Contains(o.ClientOrderId!, known));

        var stop = await d.MmctlAsync("stop", "ast");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        await d.WaitForAsync("ast", i => i.State == InstanceState.Stopped, "stopped");
        Assert.Empty(await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout());
        var afterStop = await CountdownsAsync(venue);
        Assert.Empty(afterStop.Armed); // a graceful stop turns the switch off
        Assert.Equal(0, afterStop.Cancels); // and with 20 restarts inside its countdown, it never had to fire

        Assert.Equal(0, await JournalQuery.CountAsync(journal, "SELECT COUNT(*) AS Value FROM (SELECT TradeId FROM Fills GROUP BY TradeId HAVING COUNT(*) > 1)"));
        var (fromFills, _) = await JournalQuery.PositionAsync(journal);
        var onVenue = (await rest.GetPositionsAsync(CancellationToken.None).DefaultTimeout()).Where(p => p.Symbol == Symbol).Sum(p => p.PositionAmt);
        var venueFills = await rest.GetUserTradesAsync(Symbol, DateTimeOffset.UnixEpoch, 1000, CancellationToken.None).DefaultTimeout();
        var journaled = await JournalQuery.FillsAsync(journal);
        if (onVenue != fromFills || venueFills.Length != journaled.Count)
            await FillMismatchReport.WriteAsync(output,
                venueFills.Select(f => (f.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), $"order {f.OrderId} {f.Side} {f.Qty} @ {f.Price} at {f.Time}")).ToList(),
                journaled, d.Dir.Path, "ast");
        Assert.Equal(onVenue, fromFills);
        Assert.Equal(venueFills.Length, journaled.Count);
        await SecretChecks.AssertNowhereAsync(d, "ast", AsterTestKeys.SignerKey, StringComparison.OrdinalIgnoreCase);
        output.WriteLine($"20 kill -9s: {venueFills.Length} fills on the venue = {venueFills.Length} journaled, 0 duplicates; position {onVenue} = sum of fills {fromFills}; " +
            $"{open.Length} open orders before the stop, all the instance's and journaled; 0 after it; dead-man's switch off after the stop, 0 countdown cancels");
    }

    [Fact]
    public async Task AWorkerKilledForGood_HasItsOrdersCancelledByTheVenuesDeadMansSwitch()
    {
        await using var venue = await EmulatorProcess.StartAsterAsync();
        using var secretsDir = new TempDirectory();
        await using var d = await VenueDaemon.StartAsync("aster", venue, secretsDir, AsterTestKeys.V1Variables);
        var spec = d.Dir.Combine("dms.json");
        await File.WriteAllTextAsync(spec, SpecJson("dms", deadManSwitchSeconds: 5, signing: "v1", restartPolicy: "RESTART_POLICY_NEVER"));
        Assert.Equal(0, (await d.MmctlAsync("start", "-f", spec)).ExitCode);
        var running = await d.WaitForAsync("dms", i => i.State == InstanceState.Running && i.Stats?.OpenBuyOrders == 2 && i.Stats.OpenSellOrders == 2, "quoting (V1 keys)");
        using var rest = await RestAsync(venue, AsterTestKeys.V1Variables, AsterSigning.V1);
        // The venue's own book: read until it shows the four (a read while a quote is being replaced shows fewer).
        await Until.TrueAsync(async () => (await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None)).Length == 4, "4 open orders on the venue");

        var killedAt = DateTimeOffset.UtcNow;
        Signals.Kill(running.Pid, 9); // no restart: nobody will cancel these orders but the venue
        await d.WaitForAsync("dms", i => i.State is InstanceState.Failed, "failed and left so (restart policy never)");
        await Until.TrueAsync(async () => (await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None)).Length == 0, "the dead worker's orders are cancelled",
            TimeSpan.FromSeconds(30));
        var cancelledAfter = DateTimeOffset.UtcNow - killedAt;
        await Until.TrueAsync(async () => (await CountdownsAsync(venue)).Cancels == 1, "by the venue's countdown"); // counted just after it cancels
        Assert.True(cancelledAfter < TimeSpan.FromSeconds(15), $"cancelled {cancelledAfter.TotalSeconds:0.0} s after the kill");
        output.WriteLine($"worker kill -9'd with restart policy never: its 4 orders were cancelled by the venue {cancelledAfter.TotalSeconds:0.0} s later (countdown 5 s)");
    }

    [Fact]
    public async Task EmulatorProcess_TakesFaultsOverHttp_ChecksTheNonceWindow_AndExpiresListenKeys()
    {
        await using var venue = await EmulatorProcess.StartAsterAsync();
        using var http = new HttpClient();
        var fault = new StringContent("""{"kind":"RateLimit","method":"GET","path":"/fapi/v3/openOrders","count":2,"retryAfter":"00:00:01"}""", System.Text.Encoding.UTF8, "application/json");
        (await http.PostAsync(new Uri(venue.RestUrl + "/_emulator/faults"), fault)).EnsureSuccessStatusCode();
        using var rest = await RestAsync(venue);
        var started = DateTimeOffset.UtcNow;
        Assert.Empty(await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout());
        Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromSeconds(1.9), "two Retry-After pauses of 1 s were waited out");

        // The venue's clock jumps 30 s ahead: a nonce measured before is outside its 10 s window ("Nonce Expired").
        (await http.PostAsync(new Uri(venue.RestUrl + "/_emulator/clock-skew?ms=30000"), null)).EnsureSuccessStatusCode();
        var expired = await Assert.ThrowsAsync<AsterApiException>(() => rest.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout());
        Assert.Equal(-4225, expired.Code);
        await rest.SyncClockAsync(CancellationToken.None).DefaultTimeout(); // what the connector does every 5 minutes
        Assert.Empty(await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout());

        var key = await rest.CreateListenKeyAsync(CancellationToken.None).DefaultTimeout();
        (await http.PostAsync(new Uri(venue.RestUrl + "/_emulator/expire-listen-keys"), null)).EnsureSuccessStatusCode();
        var lapsed = await Assert.ThrowsAsync<AsterApiException>(() => rest.KeepAliveListenKeyAsync(CancellationToken.None).DefaultTimeout());
        Assert.Equal(-1125, lapsed.Code);
        Assert.NotEqual(key, await rest.CreateListenKeyAsync(CancellationToken.None).DefaultTimeout());
    }

    private static readonly JsonSerializerOptions WebOptions = new(JsonSerializerDefaults.Web);

    private sealed record Countdowns(ArmedCountdown[] Armed, int Cancels);

    private sealed record ArmedCountdown(string Account, string Symbol, long CountdownMs);

    private static async Task<Countdowns> CountdownsAsync(EmulatorProcess venue)
    {
        using var http = new HttpClient();
        return (await http.GetFromJsonAsync<Countdowns>(new Uri(venue.RestUrl + "/_emulator/countdowns"), WebOptions))!;
    }

    private static async Task<AsterRestClient> RestAsync(EmulatorProcess venue, Dictionary<string, string>? credentials = null, AsterSigning signing = AsterSigning.V3)
    {
        var signer = new AsterRequestSigner(AsterCredentials.From(credentials ?? AsterTestKeys.V3Variables, signing), TimeProvider.System, TimeSpan.FromSeconds(5));
        var rest = new AsterRestClient(new HttpClient(), signer, new AsterOptions { RestBaseUrl = new Uri(venue.RestUrl), Signing = signing }, TimeProvider.System);
        await rest.SyncClockAsync(CancellationToken.None).DefaultTimeout();
        return rest;
    }

    private static string SpecJson(string name, uint deadManSwitchSeconds, string signing = "v3", string? restartPolicy = null) => JsonSerializer.Serialize(new
    {
        name,
        venue = "aster",
        symbol = Symbol,
        perpMarketMaking = new { spreadPct = "0.05", orderQuantity = "0.2", levels = 2, maxPosition = "4", positionThreshold = "1", interval = "10s" },
        risk = new { maxPosition = "6", priceBandPct = "5" },
        aster = new { signing, deadManSwitchSeconds },
        supervision = restartPolicy is null ? null : new { restartPolicy },
    }, SpecOptions);

    private static readonly JsonSerializerOptions SpecOptions = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
}
