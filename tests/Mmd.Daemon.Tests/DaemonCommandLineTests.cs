using Mmd.Hosting;

namespace Mmd.Daemon.Tests;

/// <summary>Which command lines `mmd` starts as the daemon without building its subcommands (everything else gets the whole tree, help included).</summary>
public sealed class DaemonCommandLineTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(true, "--config", "daemon.json")]
    [InlineData(true, "-c", "/etc/grpcmm/daemon.json")]
    [InlineData(false, "--help")]
    [InlineData(false, "--version")]
    [InlineData(false, "run", "-f", "spec.json")]
    [InlineData(false, "--config", "daemon.json", "run")]
    [InlineData(false, "worker", "--instance")]
    public void OnlyNoArgumentsOrAConfigFile_AreTheDaemonAlone(bool daemonOnly, params string[] args) =>
        Assert.Equal(daemonOnly, DaemonCommand.IsDaemonOnly(args));
}
