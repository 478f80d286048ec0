using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Health.V1;
using GrpcMM.Protos.V1;
using Mmd.TestKit;

namespace Mmd.Benchmarks;

/// <summary>
/// The daemon's control plane, measured against the built `mmd` (Release) on a real socket with real paper workers:
/// start to SERVING, mmctl cold start, warm unary RPCs, watch fan-out (1 000 watchers x 10 instances x ~10 Hz),
/// kill -9 of a worker to quoting again, and resident memory. Everything runs on this machine's cores at once
/// (daemon, ten workers, and this client), so the figures include that contention.
/// </summary>
public static class ControlPlaneBench
{
    private const int Instances = 10;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task RunAsync(string? nativeMmctl, TimeSpan soak, IReadOnlyList<int> watcherCounts, TimeSpan fanOutFor, bool fanOutOnly, FanOutClient client)
    {
        if (!fanOutOnly) await StartToServingAsync(runs: 8);
        // The daemon's default supervision (1 s initial backoff, 1 s health interval).
        await using var d = await DaemonUnderTest.StartAsync(new()
        {
            ["initialBackoffSeconds"] = 1, ["maxBackoffSeconds"] = 60, ["resetAfterSeconds"] = 60, ["healthIntervalSeconds"] = 1, ["healthFailureThreshold"] = 10,
        });
        await Task.Delay(TimeSpan.FromSeconds(2));
        Print($"idle daemon RSS: {Mb(d.Process!.Pid)}");
        if (!fanOutOnly && nativeMmctl is not null)
        {
            await MmctlColdAsync(nativeMmctl, d, runs: 60, "idle daemon, no instances");
            await LaunchCostAsync(d, runs: 60);
        }

        using var channel = d.Channel();
        var instances = new InstanceService.InstanceServiceClient(channel);
        // A quiet daemon first: eight instances of the shipped template (each is killed once below).
        string[] quiet = ["k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"];
        foreach (var name in quiet) await instances.CreateInstanceAsync(new CreateInstanceRequest { Template = "paper-spot-mm", Name = name, Start = true });
        foreach (var name in quiet) await d.WaitForAsync(name, x => x.State == InstanceState.Running && x.Stats is not null, "running", TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(3));
        if (!fanOutOnly)
        {
            if (nativeMmctl is not null)
            {
                // Right after eight workers started, their JIT still takes the cores; then once they have settled.
                await MmctlColdAsync(nativeMmctl, d, runs: 60, "8 instances, just started");
                var pids = new List<int>();
                foreach (var name in quiet) pids.Add((await d.GetAsync(name)).Pid);
                var settled = await SettledAsync(pids);
                await MmctlColdAsync(nativeMmctl, d, runs: 60, $"8 instances quoting, settled after {settled.TotalSeconds:0} s");
            }
            await MmctlColdAsync(null, d, runs: 10, "8 instances quoting");
            await KillToQuotingAsync(d, channel, instances, quiet); // each instance once: a first failure, restarted at once
        }
        foreach (var name in quiet) await instances.DeleteInstanceAsync(new DeleteInstanceRequest { Name = name, Force = true });

        // Then ten busy instances: a book event every 50 ms each.
        var template = JsonNode.Parse(await File.ReadAllTextAsync(Repository.Combine("daemon", "templates", "paper-spot-mm.json")))!;
        for (var i = 0; i < Instances; i++)
        {
            template["name"] = $"b{i}";
            template["paper"]!["tick"] = "0.05s"; // 20 book events a second: stats reach the 10 Hz cap
            template["paper"]!["seed"] = (42 + i).ToString(Invariant);
            await instances.CreateInstanceAsync(new CreateInstanceRequest { SpecJson = template.ToJsonString(), Start = true });
        }
        for (var i = 0; i < Instances; i++) await d.WaitForAsync($"b{i}", x => x.State == InstanceState.Running && x.Stats is not null, "running", TimeSpan.FromSeconds(60));
        Print($"{Instances} paper instances running; daemon RSS {Mb(d.Process.Pid)}");

        if (!fanOutOnly) await UnaryAsync(channel);
        var workers = new List<int>();
        for (var i = 0; i < Instances; i++) workers.Add((await d.GetAsync($"b{i}")).Pid);
        foreach (var watchers in watcherCounts) await FanOutAsync(d, workers, watchers, fanOutFor, client);

        if (soak > TimeSpan.Zero)
        {
            Print($"soak: {soak.TotalMinutes:0.#} min with {Instances} instances quoting ...");
            await Task.Delay(soak);
            var worker = (await d.GetAsync("b1")).Pid;
            Print($"after {soak.TotalMinutes:0.#} min: daemon RSS {Mb(d.Process.Pid)}, paper worker RSS {Mb(worker)}");
        }
    }

    public static async Task StartToServingAsync(int runs)
    {
        await using var d = await DaemonUnderTest.StartAsync(); // creates the folder, config and database once
        d.Process!.Terminate();
        await d.Process.WaitForExitAsync();
        await StartToServingAsync(d, runs, "no instances");
        // An operator's database holds instances: ten of them, stopped (the daemon loads each one's spec and last run).
        await d.StartProcessAsync();
        using (var channel = d.Channel())
        {
            var instances = new InstanceService.InstanceServiceClient(channel);
            for (var i = 0; i < 10; i++) await instances.CreateInstanceAsync(new CreateInstanceRequest { Template = "paper-spot-mm", Name = $"s{i}" });
        }
        d.Process.Terminate();
        await d.Process.WaitForExitAsync();
        await StartToServingAsync(d, runs, "10 stopped instances");
    }

    private static async Task StartToServingAsync(DaemonUnderTest d, int runs, string database)
    {
        var times = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var started = Stopwatch.GetTimestamp();
            using var mmd = MmdProcess.StartWithConfig(d.Dir.Path, d.ConfigPath);
            using var channel = d.Channel();
            await FirstServingAsync(mmd, d.SocketPath, new Health.HealthClient(channel));
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            mmd.Terminate();
            await mmd.WaitForExitAsync();
        }
        Print($"start -> SERVING (process launch to the first SERVING health answer, existing database, {database}), {runs} runs: {Summary(times, "ms")}");
    }

    /// <summary>
    /// Returns when the daemon first says SERVING. It asks as a supervisor would be told: once the socket is there, one
    /// health Watch that the daemon answers at every change, not a poll; a client asking every millisecond while it
    /// loads took CPU from its start on two cores (and every answer cost the daemon some more).
    /// </summary>
    private static async Task FirstServingAsync(MmdProcess mmd, string socketPath, Health.HealthClient health)
    {
        while (true)
        {
            if (mmd.HasExited) throw new InvalidOperationException($"mmd exited\n{mmd.Output}");
            if (File.Exists(socketPath))
            {
                try
                {
                    using var watch = health.Watch(new HealthCheckRequest());
                    await foreach (var answer in watch.ResponseStream.ReadAllAsync())
                        if (answer.Status == HealthCheckResponse.Types.ServingStatus.Serving) return;
                }
                catch (RpcException) { } // bound but not listening yet, the instant between the two
            }
            await Task.Delay(1);
        }
    }

    /// <summary>Waits until the workers together use under a tenth of a core (their start-up JIT done), at most a minute.</summary>
    private static async Task<TimeSpan> SettledAsync(IReadOnlyList<int> workers)
    {
        var started = Stopwatch.GetTimestamp();
        var before = workers.Sum(CpuSeconds);
        while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = workers.Sum(CpuSeconds);
            if (now - before < 0.1) break;
            before = now;
        }
        return Stopwatch.GetElapsedTime(started);
    }

    private static async Task MmctlColdAsync(string? native, DaemonUnderTest d, int runs, string load)
    {
        var env = new Dictionary<string, string> { ["MMCTL_SOCKET"] = d.SocketPath };
        var times = await LaunchTimesAsync(runs, () => native is null
            ? Cli.RunAsync(DaemonUnderTest.MmctlDll, ["status"], env, d.Dir.Path)
            : Cli.RunProgramAsync(native, ["status"], env, d.Dir.Path));
        Print($"mmctl status, {(native is null ? "JIT (dotnet mmctl.dll)" : "native " + native)}, {load}, {runs} runs: {Summary(times, "ms")}");
    }

    /// <summary>
    /// What the launch above costs by itself: the same start, pipes and wait for a program that does nothing. A .NET
    /// parent starts a child far more slowly than a shell does, so the figure above is mmctl's wall time plus this.
    /// </summary>
    private static async Task LaunchCostAsync(DaemonUnderTest d, int runs)
    {
        var times = await LaunchTimesAsync(runs, () => Cli.RunProgramAsync("/bin/true", [], new() { ["MMCTL_SOCKET"] = d.SocketPath }, d.Dir.Path));
        Print($"the same launch of /bin/true (the launcher's own cost), {runs} runs: {Summary(times, "ms")}");
    }

    /// <summary>Wall times of <paramref name="runs"/> launches, in ms, after three that fill the page cache.</summary>
    private static async Task<List<double>> LaunchTimesAsync(int runs, Func<Task<CliResult>> launch)
    {
        var times = new List<double>();
        for (var run = 0; run < runs + 3; run++)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await launch();
            if (result.ExitCode != 0) throw new InvalidOperationException(result.ToString());
            if (run >= 3) times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return times;
    }

    private static async Task UnaryAsync(global::Grpc.Net.Client.GrpcChannel channel)
    {
        var health = new Health.HealthClient(channel);
        var instances = new InstanceService.InstanceServiceClient(channel);
        var daemon = new DaemonService.DaemonServiceClient(channel);
        await Measure("Health.Check", () => health.CheckAsync(new HealthCheckRequest()).ResponseAsync);
        await Measure("InstanceService.GetInstance", () => instances.GetInstanceAsync(new GetInstanceRequest { Name = "b0" }).ResponseAsync);
        await Measure($"InstanceService.ListInstances ({Instances})", () => instances.ListInstancesAsync(new ListInstancesRequest()).ResponseAsync);
        await Measure("DaemonService.GetDaemonStatus", () => daemon.GetDaemonStatusAsync(new GetDaemonStatusRequest()).ResponseAsync);

        static async Task Measure<T>(string what, Func<Task<T>> call)
        {
            for (var i = 0; i < 2_000; i++) await call();
            var times = new double[20_000];
            for (var i = 0; i < times.Length; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await call();
                times[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            }
            Print($"warm unary {what}, 20 000 sequential calls: {Summary(times, "µs")}");
        }
    }

    private static async Task FanOutAsync(DaemonUnderTest d, IReadOnlyList<int> workers, int watchers, TimeSpan duration, FanOutClient client)
    {
        // By default 100 streams per HTTP/2 connection, as a client's default allows.
        var perConnection = client.StreamsPerConnection;
        ArgumentOutOfRangeException.ThrowIfLessThan(perConnection, 1, "--streams-per-connection");
        var channels = Enumerable.Range(0, (watchers + perConnection - 1) / perConnection).Select(_ => d.Channel()).ToList();
        using var stop = new CancellationTokenSource();
        var latencies = new List<double>[watchers];
        var received = new long[watchers];
        var dropped = new long[watchers];
        var firstSequence = new Dictionary<string, ulong>[watchers];
        var lastSequence = new Dictionary<string, ulong>[watchers];
        var measuring = 0;
        var lastLatency = new double[watchers]; // written by each watcher, read by the warm-up below
        var tasks = Enumerable.Range(0, watchers).Select(w => Task.Run(async () =>
        {
            latencies[w] = new List<double>((int)(duration.TotalSeconds * 12 * Instances)); // 10 Hz per instance, with room
            firstSequence[w] = [];
            lastSequence[w] = [];
            try
            {
                await foreach (var e in WatchProbe.WatchAsync(channels[w / perConnection], client.FullMessages, stop.Token))
                {
                    var now = DateTime.UtcNow;
                    if (Volatile.Read(ref measuring) == 0)
                    {
                        if (e.IsStats) Volatile.Write(ref lastLatency[w], (now - e.Time).TotalMilliseconds);
                        continue;
                    }
                    received[w]++;
                    dropped[w] += (long)e.Dropped;
                    firstSequence[w].TryAdd(e.Instance, e.Sequence);
                    lastSequence[w][e.Instance] = e.Sequence;
                    if (e.IsStats) latencies[w].Add((now - e.Time).TotalMilliseconds);
                }
            }
            catch (RpcException) when (stop.IsCancellationRequested) { }
            catch (OperationCanceledException) { }
        })).ToList();
        var warmUp = await WarmUpAsync(lastLatency);
        Volatile.Write(ref measuring, 1);
        var cpuBefore = (Daemon: CpuSeconds(d.Process!.Pid), Workers: workers.Sum(CpuSeconds), Client: CpuSeconds(Environment.ProcessId));
        var gcBefore = (Pause: GC.GetTotalPauseDuration(), Allocated: GC.GetTotalAllocatedBytes(), Collections: GC.CollectionCount(0));
        await Task.Delay(duration);
        var cpuAfter = (Daemon: CpuSeconds(d.Process.Pid), Workers: workers.Sum(CpuSeconds), Client: CpuSeconds(Environment.ProcessId));
        var clientGcPause = GC.GetTotalPauseDuration() - gcBefore.Pause;
        var clientAllocated = GC.GetTotalAllocatedBytes() - gcBefore.Allocated;
        var clientCollections = GC.CollectionCount(0) - gcBefore.Collections;
        Volatile.Write(ref measuring, 0);
        await stop.CancelAsync();
        await Task.WhenAll(tasks);
        foreach (var c in channels) c.Dispose();

        var all = latencies.SelectMany(l => l).ToArray();
        // Gaps: a watcher that kept up sees every sequence number of every instance between its first and last message.
        long expected = 0, gaps = 0;
        for (var w = 0; w < watchers; w++)
            foreach (var (name, first) in firstSequence[w])
            {
                var span = (long)(lastSequence[w][name] - first) + 1;
                expected += span;
            }
        gaps = expected - received.Sum();
        var perInstanceHz = received.Sum() / (double)watchers / Instances / duration.TotalSeconds;
        Print($"watch fan-out ({(client.FullMessages ? "each message parsed whole" : "each message read through a probe of its sequence and time")}, {channels.Count} connections): {watchers} watchers x {Instances} instances for {duration.TotalSeconds:0} s after a {warmUp.TotalSeconds:0} s warm-up: {received.Sum():N0} messages " +
              $"({received.Sum() / duration.TotalSeconds:N0}/s, {perInstanceHz:0.0} Hz per instance per watcher); dropped {dropped.Sum()}, sequence gaps {gaps}");
        Print($"watch delivery (hub publish -> client read, stats messages): {Summary(all, "ms")}");
        string Share(double seconds) => string.Create(Invariant, $"{100 * seconds / duration.TotalSeconds:0}% of a core");
        Print($"CPU while fanning out: daemon {Share(cpuAfter.Daemon - cpuBefore.Daemon)} " +
              $"({1e6 * (cpuAfter.Daemon - cpuBefore.Daemon) / Math.Max(1, received.Sum()):0.0} µs per message delivered), " +
              $"{Instances} workers {Share(cpuAfter.Workers - cpuBefore.Workers)}, this client {Share(cpuAfter.Client - cpuBefore.Client)} (of {Environment.ProcessorCount} cores); " +
              $"the client's GC paused it {clientGcPause.TotalMilliseconds:0} ms in {clientCollections} collections ({clientAllocated / (double)Math.Max(1, received.Sum()):0} bytes allocated per message, {ClientArrayPool.Describe()})");
    }

    /// <summary>
    /// Until the watchers have read off what piled up while a thousand streams opened and the JIT warmed the client
    /// and the daemon: five seconds, then until no watcher's last stats message was a second late for three seconds
    /// running (at most a minute).
    /// </summary>
    private static async Task<TimeSpan> WarmUpAsync(double[] lastLatency)
    {
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(TimeSpan.FromSeconds(5));
        var onTime = 0;
        while (onTime < 15 && Stopwatch.GetElapsedTime(started) < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200));
            var worst = 0.0;
            for (var w = 0; w < lastLatency.Length; w++) worst = Math.Max(worst, Volatile.Read(ref lastLatency[w]));
            onTime = worst < 1000 ? onTime + 1 : 0;
        }
        return Stopwatch.GetElapsedTime(started);
    }

    private static async Task KillToQuotingAsync(DaemonUnderTest d, global::Grpc.Net.Client.GrpcChannel channel, InstanceService.InstanceServiceClient instances, string[] names)
    {
        // The new worker's first stats are read from a watch of the instance, not by polling: a poll every few
        // milliseconds would itself take CPU from the worker that is starting.
        var stats = new StatsService.StatsServiceClient(channel);
        var times = new List<double>();
        foreach (var name in names)
        {
            var before = (await instances.GetInstanceAsync(new GetInstanceRequest { Name = name })).Instance;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            using var watch = stats.Watch(new WatchRequest { Names = { name } }, cancellationToken: timeout.Token);
            await watch.ResponseStream.MoveNext(timeout.Token); // the watch is open: its first message is the current state
            var killedAt = DateTime.UtcNow;
            var started = Stopwatch.GetTimestamp();
            Signals.Kill(before.Pid, 9);
            while (true)
            {
                if (!await watch.ResponseStream.MoveNext(timeout.Token)) throw new InvalidOperationException($"{name}: the watch ended");
                // Stats stamped after the kill come from the new worker: the old one is gone.
                if (watch.ResponseStream.Current.Stats is { } s && s.Time.ToDateTime() > killedAt && s.OpenBuyOrders + s.OpenSellOrders > 0) break;
            }
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            var after = (await instances.GetInstanceAsync(new GetInstanceRequest { Name = name })).Instance;
            if (after.Pid == before.Pid || after.State != InstanceState.Running) throw new InvalidOperationException($"{name}: not restarted: {after}");
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        Print($"kill -9 of a worker -> the new worker's first stats with quotes on the book, {names.Length} kills: {Summary(times, "ms")} (each: {string.Join(", ", times.Select(t => t.ToString("0", Invariant)))})");
    }


    /// <summary>How the fan-out's one client process reads: whole messages or probes, and how many watch streams share a connection.</summary>
    public sealed record FanOutClient(bool FullMessages, int StreamsPerConnection);

    private static string Mb(int pid) => Mmd.Supervision.ProcFs.ResidentBytes(pid) is { } bytes ? $"{bytes / (1024.0 * 1024):0.0} MB" : "?";

    private static double CpuSeconds(int pid) => Mmd.Supervision.ProcFs.CpuTime(pid)?.TotalSeconds ?? 0;

    private static string Summary(IReadOnlyCollection<double> values, string unit)
    {
        if (values.Count == 0) return "no samples";
        var sorted = values.Order().ToArray();
        double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return string.Create(Invariant, $"p50 {P(0.5):0.0} {unit}, p90 {P(0.9):0.0}, p99 {P(0.99):0.0}, min {sorted[0]:0.0}, max {sorted[^1]:0.0} (n={sorted.Length})");
    }

    private static void Print(string line) => Console.WriteLine(line);
}
