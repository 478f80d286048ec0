using System.Diagnostics;
using System.Text;

namespace Mmd.TestKit;

/// <summary>
/// The built <c>mmd</c> as a child process with its own state and log folders. Output is captured; a test
/// that fails gets it in its message through <see cref="Output"/>.
/// </summary>
public sealed class MmdProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private MmdProcess(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;

    /// <summary>
    /// The mmd beside the tests, or another build (GRPCMM_MMD: an mmd.dll, run with dotnet, or a published mmd
    /// executable; the control-plane bench measures a published one).
    /// </summary>
    public static string Mmd => Environment.GetEnvironmentVariable("GRPCMM_MMD") is { Length: > 0 } other ? other : Path.Combine(AppContext.BaseDirectory, "mmd.dll");

    /// <summary>The runtime's size for its shared ArrayPool; a bench's client may raise it for itself (Mmd.Benchmarks.ClientArrayPool).</summary>
    public const string SharedArrayPoolSizeVariable = "DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION";

    private static ProcessStartInfo NewStartInfo()
    {
        var dll = Mmd.EndsWith(".dll", StringComparison.Ordinal);
        // Through env(1), which resets SIGINT to its default and execs (the pid stays mmd's): a test run started in the
        // background of a non-interactive shell ignores SIGINT, every child inherits that, and mmd's Ctrl-C handling
        // (as .NET does) leaves an ignored SIGINT ignored; the tests that interrupt mmd must reach it as a terminal would.
        var info = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("--default-signal=INT");
        info.ArgumentList.Add(dll ? "dotnet" : Mmd);
        if (dll) info.ArgumentList.Add(Mmd);
        // The daemon runs with the runtime's own pool sizes, whatever the bench's client was given.
        info.Environment.Remove(SharedArrayPoolSizeVariable);
        return info;
    }

    public static MmdProcess Start(string stateDir, params string[] args)
    {
        var info = NewStartInfo();
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["MMD_STATE_DIR"] = Path.Combine(stateDir, "state");
        info.Environment["MMD_LOG_DIR"] = Path.Combine(stateDir, "logs");
        info.Environment["MMD_CONFIG"] = null;
        info.WorkingDirectory = stateDir;
        return Launch(info);
    }

    /// <summary>The daemon (or any command) with an explicit daemon.json and no MMD_* overrides.</summary>
    public static MmdProcess StartWithConfig(string workingDirectory, string configPath, params string[] args) =>
        StartWithConfig(workingDirectory, configPath, new Dictionary<string, string>(), args);

    /// <summary>As above, with variables added to its environment (systemd's, say).</summary>
    public static MmdProcess StartWithConfig(string workingDirectory, string configPath, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = NewStartInfo();
        foreach (var (name, value) in environment) info.Environment[name] = value;
        foreach (var a in args) info.ArgumentList.Add(a);
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(configPath);
        info.WorkingDirectory = workingDirectory;
        return Launch(info);
    }

    private static MmdProcess Launch(ProcessStartInfo info)
    {
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var mmd = new MmdProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (mmd._stdout) mmd._stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (mmd._stderr) mmd._stderr.AppendLine(e.Data); };
        process.Exited += (_, _) => mmd._exited.TrySetResult(process.ExitCode);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return mmd;
    }

    public string StandardOutput { get { lock (_stdout) return _stdout.ToString(); } }
    public string StandardError { get { lock (_stderr) return _stderr.ToString(); } }
    public string Output => $"--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";

    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>The exit code, once the process ends (bounded by <paramref name="timeout"/>).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        try
        {
            var code = await _exited.Task.WaitAsync(timeout ?? TaskExtensions.Timeout);
            await _process.WaitForExitAsync(); // drains the output
            return code;
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"mmd did not exit in time\n{Output}");
        }
    }

    public void Signal(int signal) => Signals.Kill(_process.Id, signal);

    public void Terminate() => Signal(15);

    public void Interrupt() => Signal(2);

    public void KillHard() => _process.Kill(entireProcessTree: true);

    public void Dispose()
    {
        if (!HasExited) { try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }
        _process.Dispose();
    }
}
