using System.Net.Http.Json;
using System.Text.Json;
using GrpcMM.Protos.V1;
using Mmd.Exchanges.Lighter;
using Mmd.TestKit;
using Xunit.Abstractions;

namespace Mmd.EndToEnd.Tests;

/// <summary>
/// mmd with a Lighter perp market maker whose venue is the Lighter emulator running as its own process: the real connector,
/// every order and cancel a Schnorr-signed L2 transaction with the API key's next nonce, checked by the emulator, auth
/// tokens on private reads and streams, all on loopback. Credentials come from a 0600 secrets file.
/// </summary>
public sealed class LighterEndToEndTests(ITestOutputHelper output)
{
    private static readonly VenueUnderTest Lighter = new("lighter", "SOL", LighterTestKeys.Variables, ConnectorAsync, ReportsFunding: true);

    [Fact]
    public async Task PerpMarketMaker_OnTheEmulator_Quotes_AndSurvives10Kill9s_WithNoOrphanOrDuplicate_AndThePositionIsTheSumOfItsFills()
    {
        await using var venue = await EmulatorProcess.StartLighterAsync();
        await VenueScenarios.SurvivesKill9sAsync(Lighter, venue, "ltr", LighterTestKeys.PrivateKey, output);
    }

    [Fact]
    public async Task TwoInstancesOnOneAccount_EachSigningWithItsOwnKey_NeverContendForNonces()
    {
        // Instances signing with one key spend its nonces in turn: one spent by the other is refused ("invalid nonce") and
        // read again at the venue's scarce read rate. With lighter.apiKeyIndex each signs with its own key.
        const int ownKey = 6;
        var publicKey = new LighterSigner(LighterSigner.ParsePrivateKey(SecondKey, out _)!.Value, LighterTestKeys.Account, ownKey, 300).PublicKeyHex;
        await using var venue = await EmulatorProcess.StartLighterAsync((ownKey, publicKey));
        using var secretsDir = new TempDirectory();
        var variables = new Dictionary<string, string>(LighterTestKeys.Variables) { [LighterCredentials.PrivateKeyVariableOf(ownKey)] = SecondKey };
        await using var d = await VenueDaemon.StartAsync("lighter", venue, secretsDir, variables);
        await File.WriteAllTextAsync(d.Dir.Combine("a.json"), Lighter.SpecJson("la"));
        await File.WriteAllTextAsync(d.Dir.Combine("b.json"), Lighter.SpecJson("lb", venueOptions: new { apiKeyIndex = ownKey }));
        await File.WriteAllTextAsync(d.Dir.Combine("b-daemon-key.json"), Lighter.SpecJson("lb"));
        Assert.Equal(0, (await d.MmctlAsync("start", "-f", d.Dir.Combine("a.json"))).ExitCode);

        // On the daemon's key beside la: refused, naming the key, the other instance and the remedy; nothing is created.
        var refused = await d.MmctlAsync("start", "-f", d.Dir.Combine("b-daemon-key.json"));
        Assert.True(refused.ExitCode == 5, refused.ToString());
        Assert.Contains($"instance 'lb' would sign its Lighter orders with API key {LighterTestKeys.ApiKeyIndex} (the daemon's, LIGHTER_API_KEY_INDEX), "
            + "as started instance 'la' does", refused.StandardError, StringComparison.Ordinal);
        Assert.Equal(3, (await d.MmctlAsync("status", "lb")).ExitCode); // not found

        Assert.Equal(0, (await d.MmctlAsync("start", "-f", d.Dir.Combine("b.json"))).ExitCode);
        // Its spec changed back to the daemon's key while it runs: refused too (its next worker would sign with it).
        var update = await d.MmctlAsync("apply", "-f", d.Dir.Combine("b-daemon-key.json"));
        Assert.True(update.ExitCode == 5, update.ToString());
        Assert.Contains("instance 'lb' would sign its Lighter orders with API key", update.StandardError, StringComparison.Ordinal);
        foreach (var name in new[] { "la", "lb" })
            await d.WaitForAsync(name, i => i.State == InstanceState.Running && i.Stats?.OpenBuyOrders == 2 && i.Stats.OpenSellOrders == 2, "quoting");
        // Each key's nonces count its own instance's transactions: four orders each at least (the venue takes them after
        // the stats count them as on their way).
        await Until.TrueAsync(async () => await NextNonceAsync(venue, ownKey) >= 4 && await NextNonceAsync(venue, LighterTestKeys.ApiKeyIndex) >= 4,
            $"keys {LighterTestKeys.ApiKeyIndex} and {ownKey} each signed their instance's orders");

        // The daemon's key changed to lb's in the secrets file, then the daemon restarted: la's next worker would sign with
        // lb's key. The daemon re-adopts both as they run and says so.
        d.Process!.Terminate();
        await d.Process.WaitForExitAsync();
        var secrets = secretsDir.Combine("secrets.env");
        await File.WriteAllTextAsync(secrets, (await File.ReadAllTextAsync(secrets))
            .Replace($"{LighterCredentials.ApiKeyVariable}={LighterTestKeys.ApiKeyIndex}\n", $"{LighterCredentials.ApiKeyVariable}={ownKey}\n", StringComparison.Ordinal));
        await d.StartProcessAsync();
        var warning = $"instance 'lb' would sign its Lighter orders with API key {ownKey}, as instance 'la' does";
        await Until.TrueAsync(() => d.Process!.Output.Contains(warning, StringComparison.Ordinal)
            && d.Process.Output.Contains("Both were started before this daemon, and it runs them as they are", StringComparison.Ordinal), "the daemon warned of the shared key");
        foreach (var name in new[] { "la", "lb" })
            await d.WaitForAsync(name, i => i.State == InstanceState.Running, "re-adopted");
        foreach (var name in new[] { "la", "lb" })
        {
            var stop = await d.MmctlAsync("stop", name);
            Assert.True(stop.ExitCode == 0, stop.ToString());
            Assert.DoesNotContain("invalid nonce", (await d.MmctlAsync("logs", name)).StandardOutput, StringComparison.Ordinal);
        }
    }

    private const string SecondKey = "0c8e0f63c24d8baacd9d29ad4e9a4b73c4a8d2bb8b16dc4fa9d7c2e1d3a8b1f0e8d3a4c5b6e7f001";

    private static async Task<long> NextNonceAsync(EmulatorProcess venue, int apiKeyIndex)
    {
        using var http = new HttpClient();
        return (await http.GetFromJsonAsync<LighterNextNonce>(
            new Uri($"{venue.RestUrl}/api/v1/nextNonce?account_index={LighterTestKeys.Account}&api_key_index={apiKeyIndex}"),
            new JsonSerializerOptions(JsonSerializerDefaults.Web)).DefaultTimeout())!.Nonce;
    }

    [Fact]
    public async Task AKeyTheVenueDoesNotHold_FailsAtConnect_WithTheReason_AndBacksOff_WithoutATransaction()
    {
        await using var venue = await EmulatorProcess.StartLighterAsync();
        var wrongKey = new Dictionary<string, string>(LighterTestKeys.Variables) { ["LIGHTER_PRIVATE_KEY"] = WrongKey };
        var failing = await VenueScenarios.FailsAtConnectAsync(Lighter, venue, wrongKey,
            "exit code 6: cannot connect to lighter: Lighter 21108: API key 5 of account 12345 is registered with another public key",
            "registered with another public key", WrongKey);
        output.WriteLine($"a key the venue does not hold: {failing.ConsecutiveFailures} failed starts, last reason: {failing.LastExitReason}");
    }

    [Fact]
    public async Task AWorkerKilledForGood_HasItsOrdersCancelledByTheVenuesScheduledCancelAll_AndAGracefulStopAbortsIt()
    {
        await using var venue = await EmulatorProcess.StartLighterAsync();
        using var secretsDir = new TempDirectory();
        await using var d = await VenueDaemon.StartAsync("lighter", venue, secretsDir, LighterTestKeys.Variables);
        var spec = d.Dir.Combine("dms.json");
        await File.WriteAllTextAsync(spec, Lighter.SpecJson("dms", venueOptions: new { deadManSwitchSeconds = 400 }, restartPolicy: "RESTART_POLICY_NEVER"));
        var startedAt = DateTimeOffset.UtcNow;
        Assert.Equal(0, (await d.MmctlAsync("start", "-f", spec)).ExitCode);
        var running = await d.WaitForAsync("dms", i => i.State == InstanceState.Running && i.Stats?.OpenBuyOrders == 2 && i.Stats.OpenSellOrders == 2, "quoting");
        // Scheduled 400 s after it was signed, which was after the start and before now. The stats count orders still on
        // their way, which wait for it, so the venue is read until it shows it.
        await Until.TrueAsync(async () => (await ScheduledCancelsAsync(venue)).Scheduled.Length == 1, "the venue holds a scheduled cancel-all");
        var scheduled = Assert.Single((await ScheduledCancelsAsync(venue)).Scheduled);
        Assert.Equal(LighterTestKeys.Account, scheduled.Account);
        Assert.InRange(scheduled.AtMs, (startedAt + TimeSpan.FromSeconds(400)).ToUnixTimeMilliseconds(), (DateTimeOffset.UtcNow + TimeSpan.FromSeconds(400)).ToUnixTimeMilliseconds());

        // The operator sees it: armed, and when the venue would cancel.
        var status = await d.MmctlAsync("status", "dms");
        Assert.Contains("dead-man's switch", status.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("armed (400 s): pushed back 0 times, 0 failed; the venue cancels at", status.StandardOutput, StringComparison.Ordinal);
        await using var connector = await ConnectorAsync(venue, "dms");
        await Until.TrueAsync(async () => (await connector.GetOpenOrdersAsync("SOL", CancellationToken.None)).Count == 4, "4 open orders on the venue");
        Signals.Kill(running.Pid, 9); // no restart: nobody will cancel these orders but the venue
        await d.WaitForAsync("dms", i => i.State is InstanceState.Failed, "failed and left so (restart policy never)");
        var left = (await connector.GetOpenOrdersAsync("SOL", CancellationToken.None).DefaultTimeout()).Count;
        Assert.True(left > 0, "the dead worker's orders rest");
        // The venue's clock passes the scheduled time (a real venue's after 400 s): it cancels every order of the account.
        await PostAsync(venue, "/_emulator/clock-skew?ms=401000");
        Assert.Empty(await connector.GetOpenOrdersAsync("SOL", CancellationToken.None).DefaultTimeout());
        var fired = await ScheduledCancelsAsync(venue);
        Assert.Equal((0, 1), (fired.Scheduled.Length, fired.Fired));
        await PostAsync(venue, "/_emulator/clock-skew?ms=0");

        // A new run schedules it again before its first order; a graceful stop cancels its orders, then aborts it.
        Assert.Equal(0, (await d.MmctlAsync("start", "dms")).ExitCode);
        await d.WaitForAsync("dms", i => i.State == InstanceState.Running && i.Pid != running.Pid && i.Stats?.OpenBuyOrders == 2 && i.Stats.OpenSellOrders == 2,
            "quoting again");
        await Until.TrueAsync(async () => (await ScheduledCancelsAsync(venue)).Scheduled.Length == 1, "the new run's cancel-all is scheduled");
        var stop = await d.MmctlAsync("stop", "dms");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Empty(await connector.GetOpenOrdersAsync("SOL", CancellationToken.None).DefaultTimeout());
        var afterStop = await ScheduledCancelsAsync(venue);
        Assert.Equal((0, 1), (afterStop.Scheduled.Length, afterStop.Fired));
        output.WriteLine($"worker kill -9'd with restart policy never: {left} orders rested until the venue's clock passed the scheduled cancel-all " +
            $"(400 s after it was signed), then 0; a new run scheduled it again, and its graceful stop aborted it. mmctl status showed: " +
            status.StandardOutput.Split('\n').Single(l => l.Contains("dead-man's switch", StringComparison.Ordinal)).Trim());
    }

    [Fact]
    public async Task TheDeadMansSwitchFlag_ArmsTheVenuesSwitch_AndIsRefusedWhereThereIsNone()
    {
        await using var venue = await EmulatorProcess.StartLighterAsync();
        using var secretsDir = new TempDirectory();
        await using var d = await VenueDaemon.StartAsync("lighter", venue, secretsDir, LighterTestKeys.Variables);
        var paper = await d.MmctlAsync("start", "p", "--symbol", "SOL_USDC", "--spread", "0.2", "--dead-man-switch", "600");
        Assert.Equal(2, paper.ExitCode);
        Assert.Contains("paper has no dead-man's switch", paper.StandardError, StringComparison.Ordinal);
        var tooShort = await d.MmctlAsync("start", "l", "--venue", "lighter", "--symbol", "SOL", "--strategy", "perp_market_making", "--spread", "0.05",
            "--quantity", "0.2", "--max-position", "4", "--dead-man-switch", "60");
        Assert.Equal(2, tooShort.ExitCode);
        Assert.Contains("lighter.dead_man_switch_seconds", tooShort.StandardError, StringComparison.Ordinal);
        Assert.Empty((await d.MmctlAsync("ls", "-q")).StandardOutput.Trim()); // refused: nothing was created

        var start = await d.MmctlAsync("start", "l", "--venue", "lighter", "--symbol", "SOL", "--strategy", "perp_market_making", "--spread", "0.05",
            "--quantity", "0.2", "--max-position", "4", "--dead-man-switch", "600");
        Assert.True(start.ExitCode == 0, start.ToString());
        await d.WaitForAsync("l", i => i.State == InstanceState.Running && i.Stats?.DeadManSwitch is { Armed: true, CountdownSeconds: 600 }, "quoting, the switch armed");
        Assert.Contains("armed (600 s)", (await d.MmctlAsync("status", "l")).StandardOutput, StringComparison.Ordinal);
        Assert.Single((await ScheduledCancelsAsync(venue)).Scheduled);
        Assert.Equal(0, (await d.MmctlAsync("stop", "l")).ExitCode);
        Assert.Empty((await ScheduledCancelsAsync(venue)).Scheduled);
    }

    private sealed record ScheduledCancels(ScheduledCancel[] Scheduled, int Fired);

    private sealed record ScheduledCancel(long Account, long AtMs);

    private static async Task<ScheduledCancels> ScheduledCancelsAsync(EmulatorProcess venue)
    {
        using var http = new HttpClient();
        return (await http.GetFromJsonAsync<ScheduledCancels>(new Uri(venue.RestUrl + "/_emulator/scheduled-cancels"), new JsonSerializerOptions(JsonSerializerDefaults.Web))
            .DefaultTimeout())!;
    }

    private static async Task PostAsync(EmulatorProcess venue, string path)
    {
        using var http = new HttpClient();
        (await http.PostAsync(new Uri(venue.RestUrl + path), null).DefaultTimeout()).EnsureSuccessStatusCode();
    }

    /// <summary>A valid 40-byte API key that the emulator has not registered.</summary>
    private const string WrongKey = "5f0d9b4c8a1e27f3c6b2a9d81e4f7c03b5a6d2e9f1c8b7a4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f001";

    /// <summary>A connector that reads the venue as <paramref name="instance"/> does (its client ids carry that instance's tag).</summary>
    private static async Task<Trading.Execution.IExchangeConnector> ConnectorAsync(EmulatorProcess venue, string instance)
    {
        var connector = new LighterConnector(new LighterOptions { RestBaseUrl = new Uri(venue.RestUrl), WebSocketUrl = new Uri(venue.WebSocketUrl) },
            LighterCredentials.From(LighterTestKeys.Variables), instance, TimeProvider.System);
        await connector.ConnectAsync(CancellationToken.None).DefaultTimeout();
        return connector;
    }
}
