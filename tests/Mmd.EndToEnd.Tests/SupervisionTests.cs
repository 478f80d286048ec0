using System.Text.Json.Nodes;
using GrpcMM.Protos.V1;
using Mmd.TestKit;

namespace Mmd.EndToEnd.Tests;

/// <summary>
/// The daemon's supervision against real workers: a hung worker fails its liveness probe and is replaced, a worker
/// above its memory limit is replaced, and the restart policies decide what an exit leads to. Each reason is shown.
/// </summary>
public sealed class SupervisionTests
{
    [Fact]
    public async Task HungWorker_FailsItsLivenessProbes_IsKilled_AndRestartedWithTheReason()
    {
        // Health every 0.5 s, killed after 6 failed probes (DaemonUnderTest's timings).
        await using var d = await DaemonUnderTest.StartAsync();
        Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-spot-mm", "bot")).ExitCode);
        // Quoting, so its orders are journaled: the kill below leaves the book unconfirmed, and its reason is the probes' alone.
        var first = await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Health.Healthy && i.Stats?.OpenBuyOrders > 0, "running, healthy and quoting");

        Signals.Kill(first.Pid, 19); // SIGSTOP: the process lives, and says nothing
        await d.WaitForAsync("bot", i => !i.Health.Healthy && i.Health.Problem.StartsWith("no health report for", StringComparison.Ordinal),
            "unhealthy: no health report");
        var again = await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Pid != first.Pid && i.Health.Healthy,
            "running and healthy again in a new worker", TimeSpan.FromSeconds(60));

        Assert.Equal(1u, again.Restarts);
        Assert.Matches(@"^liveness: no health report for [\d.]+s \(6 failed probes\)$", again.LastExitReason);
        Assert.False(Directory.Exists($"/proc/{first.Pid}"), "the stopped worker was killed");
        Assert.Matches(@"last exit\s+liveness: no health report for", (await d.MmctlAsync("status", "bot")).StandardOutput);
    }

    [Fact]
    public async Task WorkerAboveItsMemoryLimit_IsRestarted_WithTheReason()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        // A paper worker holds more than 64 MB resident (the smallest limit a spec may set) once it runs: every worker of this instance is over its limit.
        var created = await CreateAsync(d, "fat", spec => spec["supervision"] = new JsonObject { ["memoryLimitMb"] = 64 });
        Assert.Equal(0, created.ExitCode);

        var killed = await d.WaitForAsync("fat", i => i.Restarts >= 1 && i.LastExitReason.StartsWith("memory limit: ", StringComparison.Ordinal),
            "restarted for its memory limit", TimeSpan.FromSeconds(60));
        // Killed before or after its first quote, as its memory grows: the reason says which.
        Assert.Matches(@"^memory limit: \d+ MB resident > 64 MB( \(before it sent any order\))?$", killed.LastExitReason);
        Assert.Contains("memory limit", (await d.MmctlAsync("status", "fat")).StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestartPolicies_NeverLeavesAKilledWorkerFailed_AlwaysRunsACleanlyEndedOneAgain_EachAlertedToTheWebhook()
    {
        // Alerts go to a webhook on loopback (its address a secret, from the environment).
        await using var receiver = await Mmd.Emulators.Alerts.AlertReceiver.StartAsync();
        await using var d = await DaemonUnderTest.StartAsync(environment: new() { ["ALERT_WEBHOOK_URL"] = $"{receiver.Url}/hooks/ops" });
        var test = await d.MmctlAsync("alerts", "--test");
        Assert.Equal((0, "webhook: delivered"), (test.ExitCode, test.StandardOutput.Trim()));
        // Only the test alert: a loaded machine may have raised a resource alert (load per core) meanwhile.
        Assert.Single(receiver.Received, r => (string?)r.Body["condition"] == "test");
        Assert.Contains("\nalerts go to webhook (json)\n", (await d.MmctlAsync("daemon", "status")).StandardOutput.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal(0, (await CreateAsync(d, "never", spec => spec["supervision"] = new JsonObject { ["restartPolicy"] = "RESTART_POLICY_NEVER" })).ExitCode);
        Assert.Equal(0, (await CreateAsync(d, "always", spec =>
        {
            spec["duration"] = "3s";
            spec["supervision"] = new JsonObject { ["restartPolicy"] = "RESTART_POLICY_ALWAYS" };
        })).ExitCode);
        // The default (on-failure): a run that ends by its duration is over.
        Assert.Equal(0, (await CreateAsync(d, "once", spec => spec["duration"] = "3s")).ExitCode);

        var never = await d.WaitForAsync("never", i => i.State == InstanceState.Running, "running");
        Signals.Kill(never.Pid, 9);
        var failed = await d.WaitForAsync("never", i => i.State == InstanceState.Failed, "failed, and left so");
        Assert.Contains("signal 9", failed.LastExitReason, StringComparison.Ordinal);

        var always = await d.WaitForAsync("always", i => i.Restarts >= 1 && i.State == InstanceState.Running, "running again after its run ended",
            TimeSpan.FromSeconds(60));
        Assert.Equal("duration elapsed", always.LastExitReason);
        Assert.Equal(0u, always.ConsecutiveFailures); // a clean end is not a failure: no backoff builds up

        var once = await d.WaitForAsync("once", i => i.State == InstanceState.Exited, "exited after its run", TimeSpan.FromSeconds(60));
        Assert.Equal(("duration elapsed", 0u), (once.LastExitReason, once.Restarts));
        var stillFailed = await d.GetAsync("never");
        Assert.Equal((InstanceState.Failed, 0u, 0), (stillFailed.State, stillFailed.Restarts, stillFailed.Pid));

        // What needs the operator reached the webhook: the killed worker left failed, its orders unconfirmed, and the restart.
        string[] expected = ["never failed", "never orders_unconfirmed", "always restarted"];
        await Until.TrueAsync(() => expected.All(e => receiver.Received.Any(r => $"{r.Body["instance"]} {r.Body["condition"]}" == e)), "the alerts at the webhook");
        var failedAlert = receiver.Received.First(r => (string?)r.Body["condition"] == "failed").Body;
        Assert.Equal(("critical", "[CRITICAL] never: its worker failed and its restart policy does not restart it: " + failed.LastExitReason),
            ((string?)failedAlert["level"], (string?)failedAlert["text"]));
        var listed = await d.MmctlAsync("alerts", "-o", "json");
        var alerts = System.Text.Json.JsonDocument.Parse(listed.StandardOutput).RootElement.GetProperty("alerts").EnumerateArray().ToList();
        Assert.Contains(alerts, a => a.GetProperty("condition").GetString() == "orders_unconfirmed"
            && a.GetProperty("deliveries")[0].GetProperty("status").GetString() == "delivered");
    }

    [Fact]
    public async Task AlertsFollowed_ALineEachAsItIsRaised_AcrossADaemonRestart()
    {
        await using var receiver = await Mmd.Emulators.Alerts.AlertReceiver.StartAsync();
        await using var d = await DaemonUnderTest.StartAsync(environment: new() { ["ALERT_WEBHOOK_URL"] = $"{receiver.Url}/hooks/ops" });
        using var follow = new StreamingCli(DaemonUnderTest.MmctlDll, ["alerts", "-f"], new() { ["MMCTL_SOCKET"] = d.SocketPath });
        Assert.Equal("mmctl: following the alerts as they are raised (Ctrl-C to stop)", await follow.ReadErrorLineAsync());
        Assert.Equal(0, (await d.MmctlAsync("alerts", "--test")).ExitCode);
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z test - test: a test alert, sent by an operator \(mmctl alerts --test\)$",
            (await follow.ReadUntilAsync(l => l.Contains(" test - test: ", StringComparison.Ordinal)))[^1]);

        // The daemon goes away and comes back: the follower says so, dials again, and follows the new one.
        Assert.Equal(0, (await d.MmctlAsync("daemon", "shutdown")).ExitCode);
        await d.Process!.WaitForExitAsync();
        Assert.StartsWith("mmctl: alerts interrupted (", await follow.ReadErrorLineAsync(), StringComparison.Ordinal);
        await d.StartProcessAsync();
        Assert.Equal("mmctl: following again (what was raised meanwhile: mmctl alerts)", await follow.ReadErrorLineAsync());
        Assert.Equal(0, (await d.MmctlAsync("alerts", "--test")).ExitCode);
        await follow.ReadUntilAsync(l => l.Contains(" test - test: ", StringComparison.Ordinal));

        // -o json: the alert as ListAlerts gives it; --test with -f is refused.
        using var json = new StreamingCli(DaemonUnderTest.MmctlDll, ["alerts", "-f", "-o", "json"], new() { ["MMCTL_SOCKET"] = d.SocketPath });
        await json.ReadErrorLineAsync();
        Assert.Equal(0, (await d.MmctlAsync("alerts", "--test")).ExitCode);
        var line = (await json.ReadLinesAsync(1))[0];
        Assert.Equal(("test", "test"), (JsonNode.Parse(line)!["level"]!.GetValue<string>(), JsonNode.Parse(line)!["condition"]!.GetValue<string>()));
        var both = await d.MmctlAsync("alerts", "-f", "--test");
        Assert.Equal((2, "mmctl: --test and -f cannot both be given"), (both.ExitCode, both.StandardError.Trim()));
    }

    [Fact]
    public async Task AWorkerWithNothingToQuoteWith_IsAlertedAsQuotingNothing_UntilTheOperatorPausesIt()
    {
        await using var d = await DaemonUnderTest.StartAsync(settings: new() { ["alerts"] = new Dictionary<string, object> { ["notQuotingAfterSeconds"] = 2 } });
        Assert.Equal(0, (await CreateAsync(d, "broke", spec =>
        {
            spec["spotMarketMaking"]!["rebalanceEnabled"] = false;
            spec["paper"]!["initialBalances"] = new JsonObject { ["USDC"] = "0", ["SOL"] = "0" }; // an empty account
        })).ExitCode);
        await d.WaitForAsync("broke", i => i.State == InstanceState.Running && i.Health.Healthy && i.Stats is not null, "running and healthy");

        JsonNode? NotQuoting(JsonNode alerts) => alerts["active"]?.AsArray().FirstOrDefault(a => (string?)a!["condition"] == "not_quoting");
        async Task<JsonNode> AlertsAsync() => JsonNode.Parse((await d.MmctlAsync("alerts", "-o", "json")).StandardOutput)!;
        await Until.TrueAsync(async () => NotQuoting(await AlertsAsync()) is not null, "the worker quoting nothing is alerted");
        var held = NotQuoting(await AlertsAsync())!;
        Assert.Equal(("warning", "broke"), ((string?)held["level"], (string?)held["instance"]));
        Assert.StartsWith("quoting nothing for ", (string?)held["message"], StringComparison.Ordinal);
        Assert.Equal(InstanceState.Running, (await d.GetAsync("broke")).State); // alive, healthy, and trading nothing

        // Paused by the operator: nothing on the book is what was asked for.
        Assert.Equal(0, (await d.MmctlAsync("pause", "broke")).ExitCode);
        await Until.TrueAsync(async () => NotQuoting(await AlertsAsync()) is null, "no longer held once paused");
        Assert.Contains((await AlertsAsync())["alerts"]!.AsArray(), a => (string?)a!["condition"] == "not_quoting" && (string?)a["level"] == "resolved");
    }

    [Fact]
    public async Task ABusyWorker_PushesStatsAtMostTenTimesASecond()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        // 50 book events a second: far more than the stats the worker may push.
        Assert.Equal(0, (await CreateAsync(d, "busy", spec => spec["paper"]!["tick"] = "0.02s")).ExitCode);
        await d.WaitForAsync("busy", i => i.State == InstanceState.Running && i.Stats is not null, "running with stats");

        using var channel = d.Channel();
        using var timeout = new CancellationTokenSource(Mmd.TestKit.TaskExtensions.Timeout);
        using var watch = new StatsService.StatsServiceClient(channel).Watch(new WatchRequest { Names = { "busy" } }, cancellationToken: timeout.Token);
        var received = new List<DateTime>(); // when the daemon took each one in
        while (received.Count == 0 || received[^1] - received[0] < TimeSpan.FromSeconds(3))
        {
            Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
            if (watch.ResponseStream.Current.Stats is not null) received.Add(watch.ResponseStream.Current.Time.ToDateTime());
        }
        var window = received.Where(t => t - received[0] <= TimeSpan.FromSeconds(3)).Count();
        Assert.InRange(window, 6, 32); // streaming, and no more than ten a second (a message either side of the window)
    }

    [Fact]
    public async Task AWorkerThatDoesNotStop_IsKilledAtTheStopTimeout_ThenASweepCancelsWhatItLeft_AndAStopSaysWhenEvenThatFails()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-spot-mm", "bot")).ExitCode);
        var running = await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Stats?.OpenBuyOrders > 0, "running and quoting");
        Signals.Kill(running.Pid, 19); // SIGSTOP: it cannot cancel its orders or confirm

        // Killed at the stop timeout with its quotes on the venue: a sweep worker reconciles, cancels them, and confirms.
        var stop = await d.MmctlAsync("stop", "bot", "--timeout", "2");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.False(Directory.Exists($"/proc/{running.Pid}"), "the worker was killed");
        var stopped = await d.GetAsync("bot");
        Assert.Equal(InstanceState.Stopped, stopped.State);
        Assert.Equal("stop timeout: killed after 2s; a sweep cancelled what was left", stopped.LastExitReason);
        Assert.Equal(0, await d.PaperOpenOrdersAsync("bot"));
        Assert.Contains("reconciles and cancels what is left (stop timeout: killed after 2s)", d.Process!.Output, StringComparison.Ordinal); // the daemon's log of events

        // A sweep that cannot do its work either (here the venue's state cannot be read): the stop says so.
        Assert.Equal(0, (await d.MmctlAsync("start", "bot")).ExitCode);
        var hung = await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Stats?.OpenBuyOrders > 0, "running again");
        Signals.Kill(hung.Pid, 19);
        var venueState = Path.Combine(d.StateDir, "paper", "bot.json");
        var saved = await File.ReadAllTextAsync(venueState);
        await File.WriteAllTextAsync(venueState, "{ not json");
        var unconfirmed = await d.MmctlAsync("stop", "bot", "--timeout", "2");
        Assert.Equal(1, unconfirmed.ExitCode);
        Assert.StartsWith("mmctl: WARNING: bot: no worker confirmed that none of its orders is left (stop timeout: killed after 2s; the sweep failed: exit code 6: cannot connect to paper: ", unconfirmed.StandardError, StringComparison.Ordinal);
        Assert.Contains("mmctl start bot reconciles them, then mmctl stop bot cancels them", unconfirmed.StandardError, StringComparison.Ordinal);
        await File.WriteAllTextAsync(venueState, saved);
        Assert.True(await d.PaperOpenOrdersAsync("bot") > 0);

        // The next daemon still knows; deleting the stopped instance sweeps first, since nothing would know those orders after.
        d.Process!.Terminate();
        await d.Process.WaitForExitAsync();
        await d.StartProcessAsync();
        var delete = await d.MmctlAsync("delete", "bot");
        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.Equal(0, await d.PaperOpenOrdersAsync("bot"));
        Assert.Empty((await d.MmctlAsync("ls", "-q")).StandardOutput.Trim());
    }

    [Fact]
    public async Task AStartWhileAWorkerStops_AbortsThatStop_OnceTheWorkerHasEnded_AndAFreshWorkerTakesOverItsOrders()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-spot-mm", "bot")).ExitCode);
        var first = await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Stats?.OpenBuyOrders > 0, "running and quoting");
        Signals.Kill(first.Pid, 19); // SIGSTOP: its stop lasts until it is killed

        var stop = d.MmctlAsync("stop", "bot", "--timeout", "2");
        await d.WaitForAsync("bot", i => i.State == InstanceState.Stopping, "stopping");
        var start = await d.MmctlAsync("start", "bot"); // answers once the fresh worker runs
        Assert.True(start.ExitCode == 0, start.ToString());
        var stopped = await stop; // answered once the stopping worker had ended; before, it waited for a stop that never came
        Assert.Equal(1, stopped.ExitCode);
        Assert.Contains("was started again while it stopped: its worker ended, and a new one is starting", stopped.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists($"/proc/{first.Pid}"), "the frozen worker was killed at the stop timeout, a start notwithstanding");

        var second = await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Pid != first.Pid && i.Stats?.OpenBuyOrders > 0, "quoting from a fresh worker");
        Assert.Equal(DesiredState.Running, second.DesiredState);
        Assert.Contains("starting again, as asked meanwhile", d.Process!.Output, StringComparison.Ordinal);
        // The fresh worker reconciled the frozen one's quotes: after its stop nothing of the instance is left on the venue.
        var final = await d.MmctlAsync("stop", "bot");
        Assert.True(final.ExitCode == 0, final.ToString());
        Assert.Equal(0, await d.PaperOpenOrdersAsync("bot"));
    }

    [Fact]
    public async Task AStartWhileADeleteWaitsForItsTurn_AbortsTheDelete_AndTheNewWorkerStaysSupervised()
    {
        // A delete stops the instance, then waits its turn among spec changes. A start in between once had a worker
        // running when the delete removed the instance: it traded on with no one to supervise or stop it.
        await using var d = await DaemonUnderTest.StartAsync(new() { ["healthFailureThreshold"] = 120 }); // the frozen one lives
        Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-spot-mm", "holder")).ExitCode);
        Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-spot-mm", "bot")).ExitCode);
        var holder = await d.WaitForAsync("holder", i => i.State == InstanceState.Running && i.Health.Healthy, "running");
        var first = await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Stats?.OpenBuyOrders > 0, "running and quoting");

        // A pause to a frozen worker holds the daemon's turn for spec changes until it times out (10 s).
        Signals.Kill(holder.Pid, 19);
        using var channel = d.Channel();
        var pause = new InstanceService.InstanceServiceClient(channel).CommandInstanceAsync(new CommandInstanceRequest { Name = "holder", Pause = new PauseQuoting() });
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(pause.ResponseAsync.IsCompleted, "the pause holds the turn");

        var delete = d.MmctlAsync("delete", "bot", "--force");
        await d.WaitForAsync("bot", i => i.State == InstanceState.Stopped && i.Pid == 0, "stopped by the delete");
        Assert.False(delete.IsCompleted, "the delete waits for its turn");
        Assert.Equal(0, (await d.MmctlAsync("start", "bot")).ExitCode);
        var second = await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Pid != 0 && i.Stats?.OpenBuyOrders > 0, "quoting from a fresh worker");
        Assert.True(second.Pid != first.Pid);
        Assert.False(delete.IsCompleted, "the delete still waits for its turn");

        var deleted = await delete; // its turn comes when the pause times out
        Assert.Equal(1, deleted.ExitCode);
        Assert.Contains("instance 'bot' was started again while it was being deleted: not deleted, and it runs", deleted.StandardError, StringComparison.Ordinal);
        var after = await d.GetAsync("bot");
        Assert.Equal((InstanceState.Running, second.Pid, DesiredState.Running), (after.State, after.Pid, after.DesiredState));
        Signals.Kill(holder.Pid, 18); // SIGCONT

        // Still the daemon's: its stop and delete leave no worker and no order.
        var again = await d.MmctlAsync("delete", "bot", "--force");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.False(Directory.Exists($"/proc/{second.Pid}"), "the fresh worker was stopped by the delete");
        Assert.Equal(0, await d.PaperOpenOrdersAsync("bot"));
        Assert.Equal(3, (await d.MmctlAsync("status", "bot")).ExitCode);
    }

    /// <summary>`mmctl start -f` with the shipped paper-spot-mm template, named and changed by <paramref name="change"/>.</summary>
    [Fact]
    public async Task APause_HoldsAcrossAKill9AndAStop_UntilTheOperatorResumes()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-spot-mm", "bot")).ExitCode);
        await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Stats?.OpenBuyOrders > 0, "running and quoting");
        Assert.Equal(0, (await d.MmctlAsync("pause", "bot")).ExitCode);
        var paused = await d.WaitForAsync("bot", i => i.Stats is { QuotingPaused: true, OpenBuyOrders: 0, OpenSellOrders: 0 }, "paused, no quote");
        Assert.True(paused.Spec.QuotingPaused);

        // The supervisor's restart of a killed worker: it starts paused (it once quoted again at once).
        Signals.Kill(paused.Pid, 9);
        var restarted = await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Pid != paused.Pid && i.Stats?.Mid.Length > 0, "restarted");
        Assert.Equal(1u, restarted.Restarts);
        Assert.Equal((true, 0u, 0u), (restarted.Stats.QuotingPaused, restarted.Stats.OpenBuyOrders, restarted.Stats.OpenSellOrders));
        Assert.Matches(@"\bbot\s+RUNNING\s.*\spaused\s", (await d.MmctlAsync("status")).StandardOutput);

        // Stopped and started again by the operator: still paused, until resumed.
        Assert.Equal(0, (await d.MmctlAsync("stop", "bot")).ExitCode);
        Assert.Matches(@"quoting\s+PAUSED by the operator: it starts paused", (await d.MmctlAsync("status", "bot")).StandardOutput);
        Assert.Equal(0, (await d.MmctlAsync("start", "bot")).ExitCode);
        var started = await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Stats?.Mid.Length > 0 && i.Pid != restarted.Pid, "started again");
        Assert.Equal((true, 0u), (started.Stats.QuotingPaused, started.Stats.OpenBuyOrders));
        Assert.Equal(0, (await d.MmctlAsync("resume", "bot")).ExitCode);
        var resumed = await d.WaitForAsync("bot", i => i.Stats is { QuotingPaused: false, OpenBuyOrders: > 0 }, "quoting again");
        Assert.False(resumed.Spec.QuotingPaused);
    }

    [Fact]
    public async Task ATrippedKillSwitch_HoldsAcrossAKill9_AndAnOperatorsRestartClearsIt()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        // A drawdown limit the first fill's fee reaches: the kill switch trips within seconds of quoting (quotes two ticks
        // from the mid on a busy paper market fill at once; the template's, behind ten background levels, took tens of seconds).
        Assert.Equal(0, (await CreateAsync(d, "ks", spec =>
        {
            spec["risk"]!["maxDrawdown"] = "0.000001";
            spec["spotMarketMaking"]!["spreadPct"] = "0.05";
            spec["paper"]!["flowRate"] = "10";
        })).ExitCode);
        var tripped = await d.WaitForAsync("ks", i => i.Stats is { KillSwitchTripped: true, OpenBuyOrders: 0, OpenSellOrders: 0 }, "the kill switch tripped, quotes pulled",
            TimeSpan.FromSeconds(60));
        Assert.StartsWith("drawdown ", tripped.Stats.KillSwitchReason, StringComparison.Ordinal);
        Assert.Contains("--operator-start", WorkerCommandLine(tripped.Pid), StringComparison.Ordinal); // mmctl start: an operator's
        // Holding it is no failure of progress: the liveness probe leaves the worker be. (It used to take the kill switch
        // for the worker's own problem and kill it after 6 probes: a crash loop, and before the switch was kept across
        // restarts, a fresh run trading again 3 s after the trip.) 5 s of reports is 10 probes.
        var reportedAt = tripped.Health.LastReport.ToDateTimeOffset();
        var holding = await d.WaitForAsync("ks", i => i.Health.LastReport.ToDateTimeOffset() > reportedAt + TimeSpan.FromSeconds(5), "5 s more of health reports");
        Assert.Equal((tripped.Pid, 0u, true, ""), (holding.Pid, holding.Restarts, holding.Health.Healthy, holding.Health.Problem));

        Signals.Kill(tripped.Pid, 9);
        var restarted = await d.WaitForAsync("ks", i => i.State == InstanceState.Running && i.Pid != tripped.Pid && i.Stats?.Mid.Length > 0, "restarted");
        Assert.DoesNotContain("--operator-start", WorkerCommandLine(restarted.Pid), StringComparison.Ordinal);
        Assert.Equal((true, tripped.Stats.KillSwitchReason, 0u, 0u),
            (restarted.Stats.KillSwitchTripped, restarted.Stats.KillSwitchReason, restarted.Stats.OpenBuyOrders, restarted.Stats.OpenSellOrders));
        var status = (await d.MmctlAsync("status", "ks")).StandardOutput;
        Assert.Matches(@"kill switch\s+TRIPPED: drawdown ", status);
        Assert.Matches(@"\bks\s+RUNNING\s.*\skill switch\s", (await d.MmctlAsync("status")).StandardOutput);

        Assert.Equal(0, (await d.MmctlAsync("restart", "ks")).ExitCode);
        var cleared = await d.WaitForAsync("ks", i => i.State == InstanceState.Running && i.Pid != restarted.Pid, "restarted by the operator");
        Assert.Contains("--operator-start", WorkerCommandLine(cleared.Pid), StringComparison.Ordinal);
        // Its run starts clear (it may trip again on its own first fill): the log says the earlier trip held once, in the kill -9's restart.
        await Until.TrueAsync(async () => (await d.MmctlAsync("logs", "ks")).StandardOutput.Split('\n').Count(l => l.Contains("ks: quoting SOL_USDC", StringComparison.Ordinal)) == 3,
            "the third run quotes", TimeSpan.FromSeconds(30));
        Assert.Single((await d.MmctlAsync("logs", "ks")).StandardOutput.Split('\n'), l => l.Contains("the kill switch an earlier run tripped holds", StringComparison.Ordinal));
    }

    /// <summary>The worker's arguments, as ps shows them.</summary>
    private static string WorkerCommandLine(int pid) => File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');

    [Fact]
    public async Task AStoppingWorker_FailsNoLivenessProbe_WhetherAskedToStopOrAtTheEndOfItsDuration()
    {
        // Past the start-up grace, every stop used to count as a failed probe: "still stopping after 5s".
        await using var d = await DaemonUnderTest.StartAsync(new() { ["startupGraceSeconds"] = 5 });
        Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-spot-mm", "asked")).ExitCode);
        Assert.Equal(0, (await CreateAsync(d, "timed", spec => spec["duration"] = "7s")).ExitCode);
        await d.WaitForAsync("asked", i => i.State == InstanceState.Running && i.Health.Healthy
            && DateTimeOffset.UtcNow - i.StartedAt.ToDateTimeOffset() > TimeSpan.FromSeconds(6), "running, past the grace");
        Assert.Equal(0, (await d.MmctlAsync("stop", "asked")).ExitCode);
        var timed = await d.WaitForAsync("timed", i => i.State == InstanceState.Exited, "exited after its duration", TimeSpan.FromSeconds(60));
        Assert.Equal("duration elapsed", timed.LastExitReason);

        foreach (var name in new[] { "asked", "timed" })
        {
            var history = System.Text.Json.Nodes.JsonNode.Parse((await d.MmctlAsync("history", name, "-o", "json")).StandardOutput)!;
            var events = history["events"]!.AsArray().Select(e => $"{e!["kind"]}: {e["message"]}").ToList();
            Assert.DoesNotContain(events, e => e.StartsWith("health", StringComparison.Ordinal));
            Assert.Contains(events, e => e.StartsWith("state: stopped", StringComparison.Ordinal) || e.StartsWith("exit:", StringComparison.Ordinal));
        }
    }

    private static async Task<CliResult> CreateAsync(DaemonUnderTest d, string name, Action<JsonNode> change)
    {
        var spec = JsonNode.Parse(await File.ReadAllTextAsync(Repository.Combine("daemon", "templates", "paper-spot-mm.json")))!;
        spec["name"] = name;
        change(spec);
        var file = d.Dir.Combine(name + ".json");
        await File.WriteAllTextAsync(file, spec.ToJsonString());
        return await d.MmctlAsync("start", "-f", file);
    }
}
