using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Grpc.Net.Client;
using GrpcMM.Protos.V1;

namespace Mmd.TestKit;

/// <summary>
/// A real `mmd` daemon in a temp folder (its own daemon.json, socket, state and logs), an mmctl runner, and a gRPC
/// channel to it. Disposing stops every instance and kills any worker left, so no test leaves a process behind.
/// </summary>
public sealed class DaemonUnderTest : IAsyncDisposable
{
    private readonly List<int> _workerPids = [];

    private DaemonUnderTest(TempDirectory dir)
    {
        Dir = dir;
    }

    public TempDirectory Dir { get; }
    public IReadOnlyDictionary<string, string> Environment { get; private init; } = new Dictionary<string, string>();
    public MmdProcess? Process { get; private set; }
    public string ConfigPath => Dir.Combine("daemon.json");
    public string SocketPath => Dir.Combine("state", "mmd.sock");
    public string StateDir => Dir.Combine("state");

    public static string MmctlDll => Path.Combine(AppContext.BaseDirectory, "mmctl.dll");

    /// <summary>
    /// Writes a daemon.json with fast supervision timings (overridable), plus any other keys, and starts the daemon;
    /// <paramref name="prepareState"/> is given the (new) state folder before that, to leave files a past run would have.
    /// </summary>
    /// <param name="environment">Variables added to the daemon's environment, at every start.</param>
    public static async Task<DaemonUnderTest> StartAsync(Dictionary<string, object>? supervision = null, Dictionary<string, object>? settings = null,
        Func<string, Task>? prepareState = null, Dictionary<string, string>? environment = null)
    {
        var daemon = new DaemonUnderTest(new TempDirectory()) { Environment = environment ?? [] };
        var sup = new Dictionary<string, object>
        {
            ["initialBackoffSeconds"] = 0.5, ["maxBackoffSeconds"] = 4, ["resetAfterSeconds"] = 30,
            ["healthIntervalSeconds"] = 0.5, ["healthFailureThreshold"] = 6, ["startupGraceSeconds"] = 20, ["stopTimeoutSeconds"] = 15,
        };
        foreach (var (k, v) in supervision ?? []) sup[k] = v;
        var config = new Dictionary<string, object>
        {
            ["socketPath"] = "state/mmd.sock", ["stateDir"] = "state", ["logDir"] = "logs", ["supervision"] = sup,
            // The end-to-end tests run two at a time on two cores: a load above the default 4 a core is theirs, not a
            // fault of the daemon under test (daemon status would exit 1 for it, and a resource alert go out).
            ["health"] = new Dictionary<string, object> { ["maxLoadPerCore"] = 64 },
        };
        foreach (var (k, v) in settings ?? []) config[k] = v;
        await File.WriteAllTextAsync(daemon.ConfigPath, JsonSerializer.Serialize(config));
        if (prepareState is not null)
        {
            Directory.CreateDirectory(daemon.StateDir);
            await prepareState(daemon.StateDir);
        }
        await daemon.StartProcessAsync();
        return daemon;
    }

    /// <summary>Starts (or starts again) the daemon process and waits until it answers.</summary>
    public async Task StartProcessAsync()
    {
        Process = MmdProcess.StartWithConfig(Dir.Path, ConfigPath, Environment);
        using var channel = Channel();
        var client = new DaemonService.DaemonServiceClient(channel);
        await Until.TrueAsync(async () =>
        {
            if (Process.HasExited) throw new InvalidOperationException($"mmd exited early\n{Process.Output}");
            if (!File.Exists(SocketPath)) return false;
            try { await client.GetVersionAsync(new GetVersionRequest()); return true; }
            catch (global::Grpc.Core.RpcException) { return false; }
        }, "the daemon answers on its socket");
    }

    public GrpcChannel Channel() => GrpcMM.Protos.UnixSocketChannel.Create(SocketPath);

    /// <summary>How many of the instance's orders rest on the paper venue, read from the venue's own saved state.</summary>
    public async Task<int> PaperOpenOrdersAsync(string instance)
    {
        using var venue = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(StateDir, "paper", instance + ".json")));
        return venue.RootElement.GetProperty("Orders").EnumerateArray()
            .Count(o => o.GetProperty("ClientOrderId").GetString()!.StartsWith(instance + "_", StringComparison.Ordinal)
                        && o.GetProperty("Status").GetString() is not ("Cancelled" or "Filled" or "Rejected" or "Expired"));
    }

    /// <summary>Runs mmctl against this daemon; returns exit code and output.</summary>
    public Task<CliResult> MmctlAsync(params string[] args) => Cli.RunAsync(MmctlDll, args, new() { ["MMCTL_SOCKET"] = SocketPath }, Dir.Path);

    public async Task<Instance> GetAsync(string name)
    {
        using var channel = Channel();
        var instance = (await new InstanceService.InstanceServiceClient(channel).GetInstanceAsync(new GetInstanceRequest { Name = name })).Instance;
        if (instance.Pid != 0) lock (_workerPids) if (!_workerPids.Contains(instance.Pid)) _workerPids.Add(instance.Pid);
        return instance;
    }

    /// <summary>Polls until the instance satisfies the condition; fails with its last state and the daemon's output.</summary>
    public async Task<Instance> WaitForAsync(string name, Func<Instance, bool> condition, string what, TimeSpan? timeout = null)
    {
        Instance? last = null;
        try
        {
            await Until.TrueAsync(async () => condition(last = await GetAsync(name)), what, timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{name}: {what}; last seen: {last}\n{Process?.Output}");
        }
        return last!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Process is { HasExited: false })
        {
            try
            {
                using var channel = Channel();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                await new DaemonService.DaemonServiceClient(channel).ShutdownAsync(new ShutdownRequest { StopInstances = true }, cancellationToken: cts.Token);
                await Process.WaitForExitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception ex) when (ex is global::Grpc.Core.RpcException or TimeoutException or OperationCanceledException) { }
        }
        Process?.Dispose();
        lock (_workerPids)
            foreach (var pid in _workerPids)
                try { using var p = System.Diagnostics.Process.GetProcessById(pid); p.Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
        Dir.Dispose();
    }
}

public sealed record CliResult(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";
}

/// <summary>Runs a program (or a .NET console dll) as a child process with a bounded time.</summary>
public static class Cli
{
    public static Task<CliResult> RunAsync(string dll, IEnumerable<string> args, Dictionary<string, string> env, string workingDirectory, TimeSpan? timeout = null)
        => RunProgramAsync("dotnet", [dll, .. args], env, workingDirectory, timeout);

    public static async Task<CliResult> RunProgramAsync(string program, IEnumerable<string> args, Dictionary<string, string> env, string workingDirectory, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in env) info.Environment[k] = v;
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TaskExtensions.Timeout);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', info.ArgumentList)} did not finish in time");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
