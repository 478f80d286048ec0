using Mmd.TestKit;

namespace Mmd.EndToEnd.Tests;

/// <summary>
/// mmctl published as the native (AOT) executable operators run, once per test class: proves that trimming kept every
/// command Cocona binds by reflection. Needs clang (`apt-get install clang`); .ci/run installs it.
/// </summary>
public sealed class NativeMmctl : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _dir = new();

    public string Path => _dir.Combine("mmctl");

    public async Task InitializeAsync()
    {
        if (!File.Exists("/usr/bin/clang"))
            throw new InvalidOperationException("Native AOT needs clang: apt-get install -y clang (bash .ci/run does)");
        var publish = await Cli.RunProgramAsync("dotnet",
            ["publish", Repository.Combine("cli", "Mmctl", "Mmctl.csproj"), "-c", "Release", "-o", _dir.Path, "--nologo"],
            [], Repository.Root, TimeSpan.FromMinutes(6));
        if (publish.ExitCode != 0 || !File.Exists(Path)) throw new InvalidOperationException($"dotnet publish of mmctl failed\n{publish}");
    }

    /// <summary>Runs the native mmctl against a socket, optionally as another uid (setpriv; the caller must be root).</summary>
    public Task<CliResult> RunAsync(string socket, string workingDirectory, params string[] args) =>
        Cli.RunProgramAsync(Path, args, new() { ["MMCTL_SOCKET"] = socket }, workingDirectory);

    public Task<CliResult> RunAsUidAsync(int uid, string socket, string workingDirectory, params string[] args) =>
        Cli.RunProgramAsync("setpriv", [$"--reuid={uid}", $"--regid={uid}", "--clear-groups", Path, .. args],
            new() { ["MMCTL_SOCKET"] = socket, ["HOME"] = "/tmp" }, workingDirectory);

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _dir.Dispose();
}
