using Mmd.Configuration;
using Mmd.Specs;
using Mmd.TestKit;
using Mmd.Worker;

namespace Mmd.Daemon.Tests;

public sealed class InstanceRunnerTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AStopBeforeTheRunBegan_EndsItAsOneThatSentNothing_WithTheStopsReason()
    {
        var json = await File.ReadAllBytesAsync(Repository.Combine("daemon", "templates", "paper-spot-mm.json"));
        var spec = SpecValidator.Validate(InstanceSpecJson.Parse("template", json, out _), "template");
        var config = new DaemonConfig { StateDir = _dir.Combine("state"), LogDir = _dir.Combine("logs") };
        using var stop = new StopRequest();
        stop.Request("stopped for deletion"); // before the journal and the venue are open

        var outcome = await InstanceRunner.RunAsync(spec, config, TimeSpan.FromMinutes(1), stop, logToConsole: false).DefaultTimeout();

        Assert.Equal(new RunOutcome(ExitCodes.CouldNotBegin, "stopped for deletion before the run began", 0), outcome);
        Assert.Null(ExitCodes.ConfirmsFlatBook(outcome.ExitCode)); // the daemon keeps what the run before said of the book
    }
}
