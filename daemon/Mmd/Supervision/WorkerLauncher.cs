using System.Diagnostics;
using Google.Protobuf;
using GrpcMM.Protos.V1;
using GrpcMM.Protos.Worker.V1;
using Mmd.Configuration;

namespace Mmd.Supervision;

/// <summary>
/// Starts `mmd worker` for an instance: in its own session (setsid), so it outlives the daemon (live restore);
/// stdout and stderr appended to a file rather than a pipe, which would break when the daemon goes; the spec and
/// anything secret passed through the environment only, never the command line.
/// </summary>
public sealed class WorkerLauncher(DaemonConfig config)
{
    private readonly string _settings = WorkerSettingsEncoding.Encode(config);

    public const string SpecVariable = "MMD_WORKER_SPEC";
    public const string SocketVariable = "MMD_WORKER_SOCKET";
    public const string HealthIntervalVariable = "MMD_WORKER_HEALTH_INTERVAL_MS";
    public const string SettingsVariable = "MMD_WORKER_SETTINGS";
    /// <summary>How many instances share each venue's request limits at launch (base64 of mm.worker.v1.RequestShares).</summary>
    public const string RequestSharesVariable = "MMD_WORKER_REQUEST_SHARES";

    /// <summary>A sweep's stop timeout in milliseconds: it reconciles and cancels within it (a sweep is stopped from its start).</summary>
    public const string SweepWithinVariable = "MMD_WORKER_SWEEP_WITHIN_MS";

    /// <param name="sweepWithin">
    /// A worker that only reconciles and cancels what is left (see InstanceActor.SpawnSweepAsync), within the stop's
    /// timeout; null: a worker that runs.
    /// </param>
    /// <param name="operatorStart">The first worker of an operator's start or restart, which clears a tripped kill switch.</param>
    public Process Start(string name, InstanceSpec spec, TimeSpan healthInterval, TimeSpan? sweepWithin = null, bool operatorStart = false,
        IDictionary<string, uint>? requestShares = null)
    {
        var sweep = sweepWithin is not null;
        var (program, leadingArgs) = SelfCommand();
        var output = WorkerOutputPath(name, DateTimeOffset.Now);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        // exec keeps one pid from sh to the worker: sh -> setsid (not a group leader, so no fork) -> mmd.
        var info = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = false,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
            WorkingDirectory = config.StateDir,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec setsid \"$@\" </dev/null >>\"$MMD_WORKER_OUTPUT\" 2>&1");
        info.ArgumentList.Add("mmd-worker");
        info.ArgumentList.Add(program);
        foreach (var a in leadingArgs) info.ArgumentList.Add(a);
        info.ArgumentList.Add("worker");
        info.ArgumentList.Add("--instance");
        info.ArgumentList.Add(name);
        if (sweep) info.ArgumentList.Add("--sweep"); // in ps too: this one will not quote
        if (operatorStart) info.ArgumentList.Add("--operator-start");
        info.Environment[SpecVariable] = WorkerSpec.Encode(spec);
        info.Environment[SocketVariable] = config.WorkerSocketPath;
        info.Environment[HealthIntervalVariable] = ((long)healthInterval.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["MMD_WORKER_OUTPUT"] = output;
        info.Environment[SettingsVariable] = _settings;
        if (sweepWithin is { } within) info.Environment[SweepWithinVariable] = ((long)within.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment[RequestSharesVariable] = Convert.ToBase64String(new RequestShares { Instances = { requestShares ?? new Dictionary<string, uint>() } }.ToByteArray());
        // systemd's notify and watchdog variables are the daemon's: a worker is not the service systemd watches.
        foreach (var systemd in SystemdVariables) info.Environment.Remove(systemd);
        // The alert destinations' secrets are the daemon's alone: a worker never needs them.
        info.Environment.Remove(Alerts.AlertDestinations.WebhookSecret);
        info.Environment.Remove(Alerts.AlertDestinations.TelegramSecret);
        return Process.Start(info) ?? throw new InvalidOperationException("the worker process did not start");
    }

    private static readonly string[] SystemdVariables = ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"];

    /// <summary>logs/&lt;date&gt;/&lt;name&gt;.out: what the worker wrote to stdout and stderr.</summary>
    public string WorkerOutputPath(string name, DateTimeOffset now) =>
        Path.Combine(config.LogDir, now.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), name + ".out");

    /// <summary>How to run this same mmd again: the apphost itself, or `dotnet mmd.dll`.</summary>
    private static (string Program, string[] Args) SelfCommand()
    {
        var process = Environment.ProcessPath ?? "dotnet";
        var assembly = typeof(WorkerLauncher).Assembly.Location;
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? (process, [assembly]) : (process, []);
    }
}
