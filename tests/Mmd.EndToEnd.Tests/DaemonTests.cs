using Microsoft.Data.Sqlite;
using System.Text.Json;
using GrpcMM.Protos.V1;
using Mmd.TestKit;

namespace Mmd.EndToEnd.Tests;

/// <summary>The built `mmd` daemon and `mmctl` as child processes, on a real socket, with real worker processes.</summary>
public sealed class DaemonTests
{
    [Fact]
    public async Task Start_Status_Watch_Stop_LeavesNoOrder()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        var start = await d.MmctlAsync("start", "--template", "paper-spot-mm", "bot");
        Assert.True(start.ExitCode == 0, start.ToString());
        var running = await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Health.Healthy && i.Stats?.OpenBuyOrders > 0, "running, healthy and quoting");
        // grpc.health.v1 says so as soon as the instance does (it once waited for the next lifecycle change).
        Assert.Equal(0, (await d.MmctlAsync("health", "bot")).ExitCode);
        Assert.NotEqual(0, running.Pid);
        // Its quotes, as its journal keeps them: the instance's own ids, none ended.
        var orders = await d.MmctlAsync("orders", "bot", "-o", "json");
        Assert.True(orders.ExitCode == 0, orders.ToString());
        var quoted = JsonDocument.Parse(orders.StandardOutput).RootElement.GetProperty("orders").EnumerateArray().ToList();
        Assert.NotEmpty(quoted);
        Assert.All(quoted, o => Assert.StartsWith("bot_", o.GetProperty("clientOrderId").GetString(), StringComparison.Ordinal));
        Assert.All(quoted, o => Assert.DoesNotContain(o.GetProperty("status").GetString(), new[] { "ORDER_STATUS_FILLED", "ORDER_STATUS_CANCELLED", "ORDER_STATUS_REJECTED" }));
        var ids = await d.MmctlAsync("orders", "bot", "-q");
        Assert.All(ids.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), id => Assert.StartsWith("bot_", id, StringComparison.Ordinal));

        var status = await d.MmctlAsync("status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("bot", status.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("RUNNING", status.StandardOutput, StringComparison.Ordinal);
        // Plain lines: the header first, and no line padded with spaces to the widest cell of the last column.
        Assert.StartsWith("  NAME ", status.StandardOutput, StringComparison.Ordinal);
        Assert.All(status.StandardOutput.Split('\n'), line => Assert.Equal(line.TrimEnd(), line));
        // Flags on an existing instance point to `mmctl set` (they once drew "symbol: required").
        var flags = await d.MmctlAsync("start", "bot", "--spread", "0.3");
        Assert.Equal((2, "mmctl: bot exists: start it as it is with mmctl start bot; change a market maker's spread, size or levels with mmctl set bot --spread P"),
            (flags.ExitCode, flags.StandardError.Trim()));

        // A few watch messages as JSON lines: lifecycle first, then stats that keep coming.
        using (var watch = new StreamingCli(DaemonUnderTest.MmctlDll, ["watch", "bot", "-o", "json"], new() { ["MMCTL_SOCKET"] = d.SocketPath }))
        {
            var lines = await watch.ReadLinesAsync(3);
            var events = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.All(events, e => Assert.Equal("bot", e.GetProperty("instance").GetString()));
            var sequences = events.Select(e => ulong.Parse(e.GetProperty("sequence").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(sequences.Order(), sequences);
            Assert.Contains(events, e => e.TryGetProperty("stats", out _));
        }

        var stop = await d.MmctlAsync("stop", "bot", "-o", "json");
        Assert.True(stop.ExitCode == 0, stop.ToString()); // exit 0 only when the worker confirmed no own order is left
        var stopped = await d.GetAsync("bot");
        Assert.Equal(InstanceState.Stopped, stopped.State);
        Assert.Equal("stopped by operator", stopped.LastExitReason); // the worker was told why, and says so as it exits
        var detail = (await d.MmctlAsync("status", "bot")).StandardOutput;
        Assert.Matches(@"last exit\s+stopped by operator at ", detail);
        Assert.Matches(@"our quotes\s+none", detail);
        Assert.Equal(0, stopped.Pid);
        Assert.False(ProcessExists(running.Pid), "the worker process is gone");
        // The paper venue's own state: none of its resting orders is ours.
        Assert.Equal(0, await d.PaperOpenOrdersAsync("bot"));
        // And the journal says so: no open order; the quotes are there among the ended ones, cancelled.
        var none = await d.MmctlAsync("orders", "bot");
        Assert.Equal((0, "bot: no open orders"), (none.ExitCode, none.StandardOutput.Trim()));
        var ended = await d.MmctlAsync("orders", "bot", "--all", "--limit", "1000");
        Assert.True(ended.ExitCode == 0, ended.ToString());
        Assert.StartsWith("  SYMBOL ", ended.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(quoted[0].GetProperty("clientOrderId").GetString()!, ended.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@" cancelled ", ended.StandardOutput);
        Assert.DoesNotMatch(@" open ", ended.StandardOutput);
    }

    [Fact]
    public async Task SeveralAtOnce_RestartStopDelete_EachFailureOnItsOwnLine_AndStopAllStopsEveryInstance()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        foreach (var name in new[] { "a", "b" }) Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-spot-mm", name)).ExitCode);
        var before = new List<Instance>();
        foreach (var name in new[] { "a", "b" }) before.Add(await d.WaitForAsync(name, i => i.State == InstanceState.Running, "running"));

        var restart = await d.MmctlAsync("restart", "a", "b");
        Assert.True(restart.ExitCode == 0, restart.ToString());
        foreach (var old in before)
        {
            var again = await d.WaitForAsync(old.Name, i => i.State == InstanceState.Running && i.Pid != old.Pid, "running in a new worker");
            Assert.Equal("restart requested by operator", again.LastExitReason);
        }

        // A name that is not there is reported on its own line; the others are stopped all the same.
        var stop = await d.MmctlAsync("stop", "a", "ghost", "b");
        Assert.Equal(3, stop.ExitCode);
        Assert.Equal("mmctl: not found: no instance named 'ghost'", stop.StandardError.Trim());
        foreach (var name in new[] { "a", "b" })
            Assert.Equal((InstanceState.Stopped, "stopped by operator"), ((await d.GetAsync(name)).State, (await d.GetAsync(name)).LastExitReason));

        foreach (var name in new[] { "a", "b" }) Assert.Equal(0, (await d.MmctlAsync("start", name)).ExitCode);
        Assert.Equal(2, (await d.MmctlAsync("stop", "a", "--all")).ExitCode); // names or --all, not both
        var all = await d.MmctlAsync("stop", "--all");
        Assert.True(all.ExitCode == 0, all.ToString());
        foreach (var name in new[] { "a", "b" }) Assert.Equal(InstanceState.Stopped, (await d.GetAsync(name)).State);

        Assert.Equal(0, (await d.MmctlAsync("delete", "a", "b")).ExitCode);
        Assert.Empty((await d.MmctlAsync("ls", "-q")).StandardOutput.Trim());
    }

    [Fact]
    public async Task StopWithFlatten_ClosesThePosition_AndLeavesNoOrder()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        var journal = Path.Combine(d.StateDir, "instances", "bot", "journal.db");
        await StartBusyPaperBotAsync(d);
        var flattenFillsBefore = 0;
        for (var round = 1; ; round++)
        {
            // The paper market's order flow trades against the quotes: wait until the instance holds a position.
            await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Stats?.Cumulative is { } c
                                              && decimal.Parse(c.Position, System.Globalization.CultureInfo.InvariantCulture) != 0,
                "a position from fills", TimeSpan.FromSeconds(90));
            var stop = await d.MmctlAsync("stop", "bot", "--flatten");
            Assert.True(stop.ExitCode == 0, stop.ToString());
            Assert.Equal(0, (await d.GetAsync("bot")).Pid);
            var (position, flattenFills) = await JournalQuery.PositionAsync(journal);
            Assert.True(Math.Abs(position) < 0.01m, $"position {position} after the flatten (the template's step is 0.01)");
            if (flattenFills > flattenFillsBefore) break; // the flatten traded and closed the position
            // The flow took the position back to exactly zero before the stop: nothing was left to flatten. Another round.
            Assert.True(round < 4, "in every round the position was back at zero when the stop came, so the flatten never traded");
            flattenFillsBefore = flattenFills;
            Assert.Equal(0, (await d.MmctlAsync("start", "bot")).ExitCode);
        }
        // mmctl fills lists the flatten's fill among the quotes', newest next to the prompt.
        var fills = await d.MmctlAsync("fills", "bot", "--since", "1h", "--limit", "1000", "-o", "json");
        Assert.True(fills.ExitCode == 0, fills.ToString());
        var listed = JsonDocument.Parse(fills.StandardOutput).RootElement.GetProperty("fills").EnumerateArray().ToList();
        Assert.Contains(listed, f => f.GetProperty("purpose").GetString() == "ORDER_PURPOSE_FLATTEN" && !f.GetProperty("maker").GetBoolean());
        Assert.Contains(listed, f => f.GetProperty("purpose").GetString() == "ORDER_PURPOSE_QUOTE" && f.GetProperty("maker").GetBoolean());
        var table = await d.MmctlAsync("fills", "bot", "--limit", "1000");
        Assert.Matches(@" taker +flatten ", table.StandardOutput);
        Assert.Equal(listed.Count + 2, table.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // header and rule
        // The day's report adds the same fills up, and the day's net PnL is the worker's own figure.
        var report = await d.MmctlAsync("report", "bot", "--days", "1", "-o", "json");
        Assert.True(report.ExitCode == 0, report.ToString());
        var today = Assert.Single(JsonDocument.Parse(report.StandardOutput).RootElement.GetProperty("days").EnumerateArray());
        Assert.Equal(listed.Count, int.Parse(today.GetProperty("fills").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotEqual("", today.GetProperty("netPnl").GetString());
        Assert.StartsWith("  DATE (UTC) ", (await d.MmctlAsync("report", "bot")).StandardOutput, StringComparison.Ordinal);
        var bad = await d.MmctlAsync("fills", "bot", "--since", "yesterday");
        Assert.Equal((2, "mmctl: --since: 'yesterday' is not a duration like 30m, 2h or 3d"), (bad.ExitCode, bad.StandardError.Trim()));
        Assert.Equal(3, (await d.MmctlAsync("orders", "ghost")).ExitCode);
    }

    [Fact]
    public async Task APaperAccountStartedAfresh_ItsNewTradesAreCounted_NotTakenForTheJournalsEarlierOnes()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        var journal = Path.Combine(d.StateDir, "instances", "bot", "journal.db");
        await StartBusyPaperBotAsync(d);
        const string CountFills = "SELECT COUNT(*) AS Value FROM Fills";
        await Until.TrueAsync(async () => await JournalQuery.CountAsync(journal, CountFills) >= 2, "the market fills quotes", TimeSpan.FromSeconds(90));
        Assert.Equal(0, (await d.MmctlAsync("stop", "bot")).ExitCode);
        var before = await JournalQuery.CountAsync(journal, CountFills);

        // The paper account's files deleted to start it afresh; the instance's journal keeps its trades.
        foreach (var file in Directory.EnumerateFiles(Path.Combine(d.StateDir, "paper"))) File.Delete(file);
        Assert.Equal(0, (await d.MmctlAsync("start", "bot")).ExitCode);
        // Numbered from 1 again, the new trades' ids were the journal's: each was dropped as a fill counted already.
        await Until.TrueAsync(async () => await JournalQuery.CountAsync(journal, CountFills) >= before + 2, "the new account's trades are journaled",
            TimeSpan.FromSeconds(90));
        Assert.Equal(0, (await d.MmctlAsync("stop", "bot")).ExitCode);
        var stopped = await d.GetAsync("bot");
        Assert.Equal((ulong)await JournalQuery.CountAsync(journal, CountFills), stopped.Stats.Cumulative.Fills); // and in its figures
    }

    [Fact]
    public async Task KilledWorker_IsRestarted_WithCountAndReason()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-spot-mm", "bot")).ExitCode);
        var first = await d.WaitForAsync("bot", i => i.State == InstanceState.Running, "running");
        Signals.Kill(first.Pid, 9);
        var again = await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Pid != first.Pid, "running again in a new worker");
        Assert.Equal(1u, again.Restarts);
        Assert.Contains("signal 9", again.LastExitReason, StringComparison.Ordinal);
        var status = await d.MmctlAsync("status", "bot");
        Assert.Contains("signal 9", status.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"\bbot\s+RUNNING\s.*\s\d+s ago: killed by signal 9", (await d.MmctlAsync("status")).StandardOutput); // the table: when, then why

        // The history: both workers, the killed one ended before the new one started, and the events in between.
        var history = await d.MmctlAsync("history", "bot");
        Assert.Equal(0, history.ExitCode);
        Assert.Matches($@"(?s){first.Pid} .*killed by signal 9.*\n.*{again.Pid} .*running.*exit .*worker pid {first.Pid} ended: killed by signal 9.*restart 1: worker pid {again.Pid}", history.StandardOutput);
        var json = System.Text.Json.Nodes.JsonNode.Parse((await d.MmctlAsync("history", "bot", "-o", "json")).StandardOutput)!;
        var runs = json["runs"]!.AsArray();
        Assert.Equal([again.Pid, first.Pid], runs.Select(r => (int)r!["pid"]!));
        Assert.Null(runs[0]!["endedAt"]);
        var killedAt = DateTimeOffset.Parse((string)runs[1]!["endedAt"]!, System.Globalization.CultureInfo.InvariantCulture);
        var startedAt = DateTimeOffset.Parse((string)runs[0]!["startedAt"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(startedAt >= killedAt - TimeSpan.FromMilliseconds(20), $"the new worker started at {startedAt:O}, the killed one ended at {killedAt:O}");
        var newest = await d.MmctlAsync("history", "bot", "--since", "1h", "--limit", "1", "-o", "json");
        Assert.Single(System.Text.Json.Nodes.JsonNode.Parse(newest.StandardOutput)!["events"]!.AsArray());
        Assert.Equal(3, (await d.MmctlAsync("history", "ghost")).ExitCode); // not found
        Assert.Equal(2, (await d.MmctlAsync("history", "bot", "--limit", "5000")).ExitCode); // invalid
    }

    [Fact]
    public async Task Start_TakesSeveralExistingInstances_OrAll_AsStopDoes()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        foreach (var name in new[] { "a", "b" }) Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-spot-mm", name)).ExitCode);
        Assert.Equal(0, (await d.MmctlAsync("stop", "--all")).ExitCode);

        var both = await d.MmctlAsync("start", "a", "b");
        Assert.True(both.ExitCode == 0, both.ToString());
        foreach (var name in new[] { "a", "b" }) await d.WaitForAsync(name, i => i.State == InstanceState.Running, $"{name} running");
        Assert.Equal(0, (await d.MmctlAsync("stop", "a")).ExitCode);
        // Under the table, the two at a glance (the stopped one's last session counts too).
        Assert.Matches(@"(?m)^2 instances: 1 running, 1 stopped; this session: \d+ fills, net PnL -?[\d.]+ USDC$", (await d.MmctlAsync("status")).StandardOutput);
        var all = await d.MmctlAsync("start", "--all", "-q");
        Assert.Equal((0, "a"), (all.ExitCode, all.StandardOutput.Trim())); // b was running: only a is started
        await d.WaitForAsync("a", i => i.State == InstanceState.Running, "a running again");
        Assert.Equal("every instance is running (or starting) already", (await d.MmctlAsync("start", "--all")).StandardOutput.Trim());

        // A name that is not there is reported on its own line; the others start.
        Assert.Equal(0, (await d.MmctlAsync("stop", "b")).ExitCode);
        var partly = await d.MmctlAsync("start", "ghost", "b");
        Assert.Equal(3, partly.ExitCode);
        Assert.Contains("no instance named 'ghost'", partly.StandardError, StringComparison.Ordinal);
        await d.WaitForAsync("b", i => i.State == InstanceState.Running, "b running again");
        // Creating takes one name.
        var two = await d.MmctlAsync("start", "--template", "paper-spot-mm", "c", "e");
        Assert.Equal(2, two.ExitCode);
        Assert.Contains("a new instance takes one NAME", two.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, (await d.MmctlAsync("start", "--all", "a")).ExitCode);
        Assert.Equal(3, (await d.MmctlAsync("status", "c")).ExitCode);
    }

    [Fact]
    public async Task WorkerFailingAtStart_BacksOffWithGrowingDelays_IsAlertedWithNoDestination_AndRecovers()
    {
        // A run healthy for 3 s ends the crash loop (the default is 60 s).
        await using var d = await DaemonUnderTest.StartAsync(new() { ["initialBackoffSeconds"] = 0.4, ["maxBackoffSeconds"] = 3, ["resetAfterSeconds"] = 3 });
        // Hold the paper account's lock: every worker fails at start until it is released.
        Directory.CreateDirectory(Path.Combine(d.StateDir, "paper"));
        var held = new FileStream(Path.Combine(d.StateDir, "paper", "bot.json.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-spot-mm", "bot")).ExitCode);

        var delays = new List<TimeSpan>();
        var seen = new HashSet<uint>();
        await d.WaitForAsync("bot", i =>
        {
            if (i.State == InstanceState.Backoff && i.NextRetryAt is not null && i.LastExitAt is not null && seen.Add(i.ConsecutiveFailures))
                delays.Add(i.NextRetryAt.ToDateTimeOffset() - i.LastExitAt.ToDateTimeOffset());
            return i.ConsecutiveFailures >= 3 && i.CrashLoop;
        }, "a crash loop after three failures", TimeSpan.FromSeconds(60));
        Assert.True(delays.Count >= 2, string.Join(", ", delays));
        Assert.True(delays[^1] > delays[0], $"delays grow: {string.Join(", ", delays)}");
        // The run ends with the venue it could not open and why (the journal and the venue are opened side by side).
        var failing = await d.GetAsync("bot");
        Assert.Contains("cannot connect to paper", failing.LastExitReason, StringComparison.Ordinal);
        Assert.Contains("in use by another process", failing.LastExitReason, StringComparison.Ordinal);
        // The table shows it while the instance waits out a backoff; a slow mmctl may land while a retry is starting.
        await Until.TrueAsync(async () => (await d.MmctlAsync("status")).StandardOutput.Contains("crash loop", StringComparison.Ordinal),
            "mmctl status shows the crash loop");
        // No alert destination is configured: the crash loop is raised all the same, and mmctl alerts lists it.
        await Until.TrueAsync(async () => (await d.MmctlAsync("alerts")).StandardOutput.Contains("crash_loop", StringComparison.Ordinal),
            "mmctl alerts lists the crash loop");
        Assert.StartsWith("alerts are only kept here", (await d.MmctlAsync("alerts")).StandardOutput, StringComparison.Ordinal);
        var listed = System.Text.Json.JsonDocument.Parse((await d.MmctlAsync("alerts", "-o", "json")).StandardOutput).RootElement;
        var crashLoop = listed.GetProperty("alerts").EnumerateArray().First(a => a.GetProperty("condition").GetString() == "crash_loop");
        Assert.Equal(("critical", "bot"), (crashLoop.GetProperty("level").GetString(), crashLoop.GetProperty("instance").GetString()));
        Assert.Equal(0, crashLoop.TryGetProperty("deliveries", out var deliveries) ? deliveries.GetArrayLength() : 0);
        // It holds now: listed as such, and daemon status counts it (a loaded machine may add a resource condition).
        Assert.Contains(listed.GetProperty("active").EnumerateArray(), a => a.GetProperty("condition").GetString() == "crash_loop"
            && a.GetProperty("instance").GetString() == "bot" && a.GetProperty("message").GetString()!.StartsWith("crash loop: ", StringComparison.Ordinal));
        Assert.Matches(@"\n\d+ alert conditions? holds? now \(mmctl alerts\)\n", (await d.MmctlAsync("daemon", "status")).StandardOutput.ReplaceLineEndings("\n"));

        await held.DisposeAsync(); // the cause is removed
        var recovered = await d.WaitForAsync("bot", i => i.State == InstanceState.Running, "running after the lock is released", TimeSpan.FromSeconds(60));
        Assert.True(recovered.Restarts >= 3);
        // Over: no longer held, and said resolved.
        await Until.TrueAsync(async () =>
        {
            var output = (await d.MmctlAsync("alerts", "-o", "json")).StandardOutput;
            var after = System.Text.Json.JsonDocument.Parse(output).RootElement;
            return !(after.TryGetProperty("active", out var active) && active.EnumerateArray().Any(a => a.GetProperty("condition").GetString() == "crash_loop"))
                && after.GetProperty("alerts").EnumerateArray().Any(a => a.GetProperty("level").GetString() == "resolved" && a.GetProperty("condition").GetString() == "crash_loop");
        }, "the crash loop resolved in mmctl alerts");
    }

    [Fact]
    public async Task AppliedSpec_WaitsForARestart_ARestartedDaemonStillKnows_ApplyRestartTradesWithIt_WhereItTradesCannotChange()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-spot-mm", "bot")).ExitCode);
        var first = await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Health.Healthy, "running");
        // The worker's Hello says what it trades with, and it is the instance's spec: nothing pending.
        Assert.False(first.RestartPending);
        var spec = await d.MmctlAsync("spec", "bot");
        Assert.True(spec.ExitCode == 0, spec.ToString());
        var file = d.Dir.Combine("bot.json");
        await File.WriteAllTextAsync(file, spec.StandardOutput.Replace("\"spreadPct\": \"0.2\"", "\"spreadPct\": \"0.3\"", StringComparison.Ordinal));

        var apply = await d.MmctlAsync("apply", "-f", file);
        Assert.Equal((0, "bot: saved; applies at the next start (restart to apply it now)\n  spot_market_making.spread_pct: 0.2 -> 0.3"),
            (apply.ExitCode, apply.StandardOutput.Trim().ReplaceLineEndings("\n")));
        var pending = await d.GetAsync("bot");
        Assert.Equal((true, first.Pid, "0.3"), (pending.RestartPending, pending.Pid, pending.Spec.SpotMarketMaking.SpreadPct));
        Assert.Contains("updated since the worker started", (await d.MmctlAsync("status", "bot")).StandardOutput, StringComparison.Ordinal);

        // kill -9 the daemon: the re-adopted worker tells the new one it still trades with the spread of 0.2.
        d.Process!.Signal(9);
        await d.Process.WaitForExitAsync();
        await d.StartProcessAsync();
        var adopted = await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Health.Healthy, "re-adopted");
        Assert.Equal((first.Pid, true), (adopted.Pid, adopted.RestartPending));
        var again = await d.MmctlAsync("apply", "-f", file);
        Assert.Equal("bot: unchanged; the worker runs an earlier spec until restarted", again.StandardOutput.Trim());

        var restart = await d.MmctlAsync("apply", "-f", file, "--restart");
        Assert.Equal((0, "bot: unchanged; restarted"), (restart.ExitCode, restart.StandardOutput.Trim()));
        var restarted = await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Health.Healthy && !i.RestartPending, "restarted with the new spec");
        Assert.NotEqual(first.Pid, restarted.Pid);
        var events = JsonDocument.Parse((await d.MmctlAsync("history", "bot", "-o", "json")).StandardOutput).RootElement.GetProperty("events");
        Assert.Equal("spec updated: spot_market_making.spread_pct",
            events.EnumerateArray().Select(e => e.GetProperty("message").GetString()!).Single(m => m.StartsWith("spec updated", StringComparison.Ordinal)));

        // Supervision is the daemon's: it takes effect at once, nothing waits for a restart.
        var supervised = (await File.ReadAllTextAsync(file)).Replace("\"name\": \"bot\",", "\"name\": \"bot\", \"supervision\": { \"stopTimeout\": \"20s\" },", StringComparison.Ordinal);
        await File.WriteAllTextAsync(file, supervised);
        var supervision = await d.MmctlAsync("apply", "-f", file, "--restart");
        Assert.Equal("bot: saved; supervision applies at once\n  supervision.stop_timeout: (unset) -> 20s", supervision.StandardOutput.Trim().ReplaceLineEndings("\n"));
        Assert.Equal((restarted.Pid, false), ((await d.GetAsync("bot")).Pid, (await d.GetAsync("bot")).RestartPending));
        // A risk limit waits for a restart; a live change of the strategy (mmctl set) does not carry it to the worker.
        await File.WriteAllTextAsync(file, supervised.Replace("\"maxPosition\": \"50\"", "\"maxPosition\": \"40\"", StringComparison.Ordinal));
        Assert.Equal(0, (await d.MmctlAsync("apply", "-f", file)).ExitCode);
        Assert.Equal(0, (await d.MmctlAsync("set", "bot", "--spread", "0.35")).ExitCode);
        var stillPending = await d.GetAsync("bot");
        Assert.Equal((true, "0.35", "40"), (stillPending.RestartPending, stillPending.Spec.SpotMarketMaking.SpreadPct, stillPending.Spec.Risk.MaxPosition));

        // Another symbol is another instance: refused, one line per field, nothing changed.
        await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(file)).Replace("\"SOL_USDC\"", "\"BTC_USDC\"", StringComparison.Ordinal));
        var moved = await d.MmctlAsync("apply", "-f", file);
        Assert.Equal(2, moved.ExitCode);
        Assert.Contains("symbol: cannot change on an existing instance (from 'SOL_USDC' to 'BTC_USDC')", moved.StandardError, StringComparison.Ordinal);
        Assert.Equal("SOL_USDC", (await d.GetAsync("bot")).Spec.Symbol);
        // A file for an instance that does not exist creates it, stopped.
        await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(file)).Replace("\"bot\"", "\"bot2\"", StringComparison.Ordinal));
        var created = await d.MmctlAsync("apply", "-f", file);
        Assert.Equal((0, "bot2: created (stopped); start it with mmctl start bot2"), (created.ExitCode, created.StandardOutput.Trim()));
        Assert.Equal("BTC_USDC", (await d.GetAsync("bot2")).Spec.Symbol);
    }

    [Fact]
    public async Task KilledDaemon_WorkerKeepsTrading_NewDaemonReadoptsIt_WatchResumesOrSaysHistoryIsGone()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-spot-mm", "bot")).ExitCode);
        var before = await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Stats is not null, "running with stats");
        ulong lastSequence;
        using (var channel = d.Channel())
        {
            using var call = new StatsService.StatsServiceClient(channel).Watch(new WatchRequest { Names = { "bot" } });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
            lastSequence = call.ResponseStream.Current.Sequence;
        }

        d.Process!.Signal(9); // the daemon alone, not its process tree
        await d.Process.WaitForExitAsync();
        Assert.True(File.Exists(d.SocketPath), "kill -9 leaves the socket file behind");
        // With no daemon, the worker goes on placing orders (the paper market moves every 200 ms).
        var journal = Path.Combine(d.StateDir, "instances", "bot", "journal.db");
        const string placed = "SELECT COUNT(*) AS Value FROM orders";
        var placedAtKill = await JournalQuery.CountAsync(journal, placed);
        await Until.TrueAsync(async () => await JournalQuery.CountAsync(journal, placed) >= placedAtKill + 6, "the orphaned worker keeps quoting");
        Assert.True(ProcessExists(before.Pid), "the worker outlives the daemon");

        await d.StartProcessAsync(); // the stale socket is removed and the live worker adopted
        var after = await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Health.Healthy, "re-adopted and healthy");
        Assert.Equal(before.Pid, after.Pid);
        Assert.Equal(before.StartedAt, after.StartedAt);
        Assert.Equal(0u, after.Restarts);

        using (var channel = d.Channel())
        {
            var request = new WatchRequest { Names = { "bot" } };
            request.AfterSequence["bot"] = lastSequence;
            using var call = new StatsService.StatsServiceClient(channel).Watch(request);
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
            var first = call.ResponseStream.Current;
            // The new daemon numbers above anything handed out before: either the next number, or an explicit gap.
            Assert.True(first.Sequence == lastSequence + 1 || first.KindCase == WatchEvent.KindOneofCase.HistoryGone, first.ToString());
            Assert.True(first.Sequence > lastSequence);
        }
    }

    [Fact]
    public async Task DaemonJsonEditedWhileTheDaemonRuns_WorkersStillRunWithTheDaemonsConfiguration()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        // An operator prepares the next restart and leaves a typo: only a new daemon reads the file.
        await File.WriteAllTextAsync(d.ConfigPath, "{ \"stateDirr\": \"elsewhere\" }");

        Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-spot-mm", "bot")).ExitCode);
        var running = await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Stats?.OpenBuyOrders > 0, "running and quoting");
        Signals.Kill(running.Pid, 9);
        await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Pid != running.Pid && i.Stats?.OpenBuyOrders > 0, "restarted and quoting");
        Assert.True(File.Exists(Path.Combine(d.StateDir, "instances", "bot", "journal.db")), "the journal is in the daemon's state dir");
    }

    [Fact]
    public async Task DatabasesLeftLockedByAKilledMigration_HangNeitherTheDaemonNorAWorker()
    {
        // What a process killed in its first migration leaves: EF Core's lock row, which EF alone waits for forever.
        await using var d = await DaemonUnderTest.StartAsync(prepareState: async state =>
        {
            await SqliteFile.LeaveMigrationLockAsync(Path.Combine(state, "mmd.db"), "2026-12-02 06:30:45.101523+00:00");
            Directory.CreateDirectory(Path.Combine(state, "instances", "bot"));
            await SqliteFile.LeaveMigrationLockAsync(Path.Combine(state, "instances", "bot", "journal.db"), "2026-12-02 06:30:45.101523+00:00");
        });

        Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-spot-mm", "bot")).ExitCode);
        await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Stats?.OpenBuyOrders > 0, "running and quoting");
        // Said in the daemon's log and in the instance's (and in the worker's captured output).
        var saying = Directory.EnumerateFiles(d.Dir.Combine("logs"), "*", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains("removed EF Core's migration lock", StringComparison.Ordinal))
            .Select(Path.GetFileName).ToList();
        Assert.Contains(saying, f => f!.StartsWith("mmd", StringComparison.Ordinal));
        Assert.Contains(saying, f => f!.StartsWith("bot", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DatabaseFilesSqliteCannotUse_AreNamedInOneLine_AndLeftAsTheyAre()
    {
        var garbage = new byte[20_000];
        new Random(7).NextBytes(garbage);
        var journal = "";
        // A 5 s backoff: the delete below lands while the failed worker waits, not while its retry is being spawned (a
        // worker signalled before its runtime has started ends by the signal, and the delete then warns of orders).
        await using var d = await DaemonUnderTest.StartAsync(new() { ["initialBackoffSeconds"] = 5, ["maxBackoffSeconds"] = 10 }, prepareState: async state =>
        {
            journal = Path.Combine(state, "instances", "bad", "journal.db");
            Directory.CreateDirectory(Path.GetDirectoryName(journal)!);
            await File.WriteAllBytesAsync(journal, garbage);
        });

        // A worker whose journal is not a database fails its run saying which file and why, and backs off.
        await d.MmctlAsync("start", "--template", "paper-spot-mm", "bad");
        var failed = await d.WaitForAsync("bad", i => i.LastExitReason.Contains("cannot open the journal", StringComparison.Ordinal), "a failed run that names its journal");
        Assert.Contains(journal, failed.LastExitReason, StringComparison.Ordinal);
        Assert.Contains("file is not a database", failed.LastExitReason, StringComparison.Ordinal);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(journal));

        // A daemon whose database is not one refuses to start, in one line, and touches nothing.
        Assert.Equal(0, (await d.MmctlAsync("delete", "bad", "--force")).ExitCode);
        d.Process!.Terminate();
        await d.Process.WaitForExitAsync();
        var database = Path.Combine(d.StateDir, "mmd.db");
        SqliteConnection.ClearAllPools();
        foreach (var wal in new[] { database + "-wal", database + "-shm" }) File.Delete(wal);
        await File.WriteAllBytesAsync(database, garbage);
        using var refused = MmdProcess.StartWithConfig(d.Dir.Path, d.ConfigPath);
        Assert.Equal(1, await refused.WaitForExitAsync());
        var line = Assert.Single(refused.StandardError.Trim().Split('\n'));
        Assert.Contains("cannot start", line, StringComparison.Ordinal);
        Assert.Contains(database, line, StringComparison.Ordinal);
        Assert.Contains("file is not a database", line, StringComparison.Ordinal);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(database));
    }

    [Fact]
    public async Task Socket_IsPrivate_SecondDaemonRefused_NoDaemonIsOneClearLine()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(d.SocketPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(d.SocketPath)!));

        using var second = MmdProcess.StartWithConfig(d.Dir.Path, d.ConfigPath);
        Assert.Equal(5, await second.WaitForExitAsync());
        Assert.Contains("another mmd is running", second.StandardError, StringComparison.Ordinal);

        var none = await Cli.RunAsync(DaemonUnderTest.MmctlDll, ["status"], new() { ["MMCTL_SOCKET"] = d.Dir.Combine("nowhere.sock") }, d.Dir.Path);
        Assert.Equal(69, none.ExitCode);
        Assert.Single(none.StandardError.Trim().Split('\n'));
        Assert.Contains("no daemon at", none.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("localhost:80", none.StandardError, StringComparison.Ordinal);

        // The common options before the command, as ctr and kubectl take theirs; the flag wins over MMCTL_SOCKET.
        var nowhere = new Dictionary<string, string> { ["MMCTL_SOCKET"] = d.Dir.Combine("nowhere.sock") };
        foreach (var args in new string[][]
                 {
                     ["--socket", d.SocketPath, "daemon", "version"], [$"--socket={d.SocketPath}", "-o", "json", "ls"],
                     ["-s", d.SocketPath, "-q", "status"], ["-o", "json", "daemon", "status", "--socket", d.SocketPath],
                 })
        {
            var before = await Cli.RunAsync(DaemonUnderTest.MmctlDll, args, nowhere, d.Dir.Path);
            Assert.True(before.ExitCode == 0, $"mmctl {string.Join(' ', args)}: {before}");
        }
        var json = await Cli.RunAsync(DaemonUnderTest.MmctlDll, ["-o", "json", "--socket", d.SocketPath, "daemon", "status"], nowhere, d.Dir.Path);
        Assert.StartsWith("{", json.StandardOutput.TrimStart(), StringComparison.Ordinal);
        var typo = await Cli.RunAsync(DaemonUnderTest.MmctlDll, ["--socket", d.SocketPath, "stauts"], nowhere, d.Dir.Path);
        Assert.Equal((2, "mmctl: 'stauts' is not a command (did you mean start or status?); see mmctl --help"), (typo.ExitCode, typo.StandardError.Trim()));
        // Launched as `dotnet mmctl.dll` (the README's way) its help names mmctl, not the dotnet host.
        var help = await Cli.RunAsync(DaemonUnderTest.MmctlDll, ["stop", "--help"], nowhere, d.Dir.Path);
        Assert.Equal(0, help.ExitCode);
        Assert.StartsWith("Usage: mmctl stop ", help.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DaemonShutdown_LeavesWorkersTrading_ForTheNextDaemon_WithStopInstancesStopsThemAll()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-spot-mm", "bot")).ExitCode);
        var running = await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Stats?.OpenBuyOrders > 0, "running and quoting");
        using var watch = new StreamingCli(DaemonUnderTest.MmctlDll, ["watch", "bot", "-o", "json"], new() { ["MMCTL_SOCKET"] = d.SocketPath });
        var lastBefore = Sequence((await watch.ReadLinesAsync(2))[^1]);

        var shutdown = await d.MmctlAsync("daemon", "shutdown");
        Assert.Equal((0, "daemon shutting down; instances keep running and will be re-adopted"), (shutdown.ExitCode, shutdown.StandardOutput.Trim()));
        Assert.Equal(0, await d.Process!.WaitForExitAsync());
        Assert.True(ProcessExists(running.Pid), "the worker keeps trading without a daemon");

        await d.StartProcessAsync();
        var adopted = await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Pid == running.Pid, "re-adopted");
        Assert.Equal(running.StartedAt, adopted.StartedAt);
        // The watch waited out the shutdown and resumed with the next daemon: what it read next continues the
        // sequence, or says explicitly that the history between is gone (the history is kept in memory).
        var after = await watch.ReadUntilAsync(line => Sequence(line) > lastBefore);
        var resumed = JsonDocument.Parse(after[^1]).RootElement;
        Assert.True(Sequence(after[^1]) == lastBefore + 1 || resumed.TryGetProperty("historyGone", out _), after[^1]);

        var all = await d.MmctlAsync("daemon", "shutdown", "--stop-instances");
        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.Equal("daemon shutting down; 1 instance(s) stopped", all.StandardOutput.Trim());
        Assert.Equal(0, await d.Process!.WaitForExitAsync());
        Assert.False(ProcessExists(running.Pid), "the worker stopped with the daemon");
        Assert.Equal(0, await d.PaperOpenOrdersAsync("bot"));
    }

    /// <summary>
    /// Starts "bot", quoting two ticks from the mid on a busy paper market: fills within seconds (the template's quotes,
    /// behind ten background levels, waited tens of seconds for one).
    /// </summary>
    private static async Task StartBusyPaperBotAsync(DaemonUnderTest d)
    {
        var spec = d.Dir.Combine("bot.json");
        await File.WriteAllTextAsync(spec, """
            {
              "name": "bot", "venue": "paper", "symbol": "SOL_USDC",
              "spotMarketMaking": { "spreadPct": "0.05", "orderQuantity": "0.5", "levels": 2, "rebalanceEnabled": false, "interval": "30s" },
              "paper": { "seed": "7", "flowRate": "10", "volatilityPct": "0.05" }
            }
            """);
        Assert.Equal(0, (await d.MmctlAsync("start", "-f", spec)).ExitCode);
    }

    private static ulong Sequence(string watchLine) =>
        ulong.Parse(JsonDocument.Parse(watchLine).RootElement.GetProperty("sequence").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task LogFoldersOlderThanTheRetention_ArePruned_TodaysIsWritten()
    {
        await using var d = await DaemonUnderTest.StartAsync(settings: new() { ["logRetentionDays"] = 2 },
            prepareState: state => Task.FromResult(Directory.CreateDirectory(Path.Combine(state, "..", "logs", "2020-01-01"))));
        var logs = d.Dir.Combine("logs");
        Assert.False(Directory.Exists(Path.Combine(logs, "2020-01-01")));
        var today = Path.Combine(logs, DateTime.Now.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await Until.TrueAsync(() => File.Exists(Path.Combine(today, "mmd.log")), "today's daemon log");
    }

    [Fact]
    public async Task BadInput_ExitCodesFromOneTable()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        var bad = d.Dir.Combine("bad.json");
        await File.WriteAllTextAsync(bad, "{\n  \"name\": \"Bad Name\",\n  \"symbol\": \"SOL_USDC\",\n  \"spotMarketMaking\": { \"spreadPct\": \"-1\", \"levels\": 0 }\n}");
        var invalid = await d.MmctlAsync("start", "-f", bad);
        Assert.Equal(2, invalid.ExitCode);
        Assert.Contains("name:", invalid.StandardError, StringComparison.Ordinal);
        Assert.Contains("spot_market_making.spread_pct", invalid.StandardError, StringComparison.Ordinal);
        Assert.Contains("spot_market_making.levels", invalid.StandardError, StringComparison.Ordinal);
        // One line a problem: the daemon's message also lists them (for clients that do not read the details), mmctl once.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(invalid.StandardError, "spot_market_making.levels"));
        Assert.StartsWith("mmctl: invalid: ", invalid.StandardError, StringComparison.Ordinal);
        Assert.Equal(3, (await d.MmctlAsync("stop", "ghost")).ExitCode);
        var health = await d.MmctlAsync("health", "ghost");
        Assert.Equal((3, "mmctl: not found: no instance named 'ghost'"), (health.ExitCode, health.StandardError.Trim()));
        var extra = await d.MmctlAsync("status", "ghost", "phantom");
        Assert.Equal(2, extra.ExitCode);
        Assert.Contains("mmctl status: unexpected argument 'phantom': it takes 1 (NAME)", extra.StandardError, StringComparison.Ordinal);
        var extras = await d.MmctlAsync("grid", "adjust", "ghost", "a", "b");
        Assert.Equal(2, extras.ExitCode);
        Assert.Contains("mmctl grid adjust: unexpected arguments 'a' 'b'", extras.StandardError, StringComparison.Ordinal);
        // Every bad command line: one line, and the invalid-input code (Cocona's own were 1, and 129 for an unknown option).
        foreach (var (args, message) in new (string[], string)[]
                 {
                     (["pause"], "mmctl pause: NAME is required; see mmctl pause --help"),
                     (["restart"], "mmctl restart: give at least one NAME; see mmctl restart --help"),
                     (["start", "ghost", "--sprd", "1"], "mmctl start: unknown option --sprd; see mmctl start --help"),
                     (["start", "ghost", "--symbol", "SOL_USDC", "--levels", "abc"], "mmctl start: --levels: 'abc' is not a whole number of 0 or more; see mmctl start --help"),
                     (["stop", "ghost", "--timeout"], "mmctl stop: --timeout needs a value; see mmctl stop --help"),
                     (["stop", "ghost", "--flatten=yes"], "mmctl stop: --flatten: 'yes' is not true or false; see mmctl stop --help"), // Cocona read it as false
                     (["stat"], "mmctl: 'stat' is not a command (did you mean start, stop, status or set?); see mmctl --help"),
                     (["grid", "ajust", "ghost"], "mmctl grid: 'ajust' is not a command (did you mean adjust?); see mmctl grid --help"),
                     (["xyzzy"], "mmctl: 'xyzzy' is not a command; see mmctl --help"),
                     (["--bogus"], "Error: Unknown option 'bogus'"),
                 })
        {
            var refused = await d.MmctlAsync(args);
            Assert.Equal((2, message), (refused.ExitCode, refused.StandardError.Trim()));
        }
        foreach (var help in new[] { ["--help"], ["-h"], ["stop", "--help"], new[] { "daemon", "shutdown", "-h" } })
            Assert.Equal(0, (await d.MmctlAsync(help)).ExitCode); // Cocona ends help with 129
        Assert.Empty((await d.MmctlAsync("ls", "-q")).StandardOutput.Trim()); // nothing was created
    }

    private static bool ProcessExists(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z", StringComparison.Ordinal);
}
