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
        var (spec, config) = await PaperSpotAsync();
        using var stop = new StopRequest();
        stop.Request("stopped for deletion"); // before the journal and the venue are open

        var outcome = await InstanceRunner.RunAsync(spec, config, TimeSpan.FromMinutes(1), stop, logToConsole: false).DefaultTimeout();

        Assert.Equal(new RunOutcome(ExitCodes.CouldNotBegin, "stopped for deletion before the run began", 0), outcome);
        Assert.Null(ExitCodes.ConfirmsFlatBook(outcome.ExitCode)); // the daemon keeps what the run before said of the book
    }

    [Fact]
    public async Task TheRunsShutdownTime_IsOfTheStopsNamedTimeout_ElseTheSpecs_ElseTheDaemons()
    {
        var (spec, config) = await PaperSpotAsync();
        config.Supervision.StopTimeoutSeconds = 20;
        var ownTimeout = spec with { Supervision = SupervisionOverrides.None with { StopTimeout = TimeSpan.FromSeconds(60) } };

        Assert.Equal(TimeSpan.FromSeconds(18), InstanceRunner.ShutdownTimeoutFor(spec, config, named: null));
        Assert.Equal(TimeSpan.FromSeconds(58), InstanceRunner.ShutdownTimeoutFor(ownTimeout, config, named: null));
        Assert.Equal(TimeSpan.FromSeconds(4), InstanceRunner.ShutdownTimeoutFor(ownTimeout, config, named: TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task AnInstanceAnotherWorkerRuns_IsNotStarted_ItsJournalAndVenueLeftUnopened()
    {
        var (spec, config) = await PaperSpotAsync();
        using (await WorkerLocks.AcquireAsync(WorkerLocks.For(spec, config), spec.Name, TimeSpan.Zero, TimeProvider.System, CancellationToken.None))
        {
            using var stop = new StopRequest();
            var outcome = await InstanceRunner.RunAsync(spec, config, TimeSpan.FromMinutes(1), stop, logToConsole: false).DefaultTimeout();

            Assert.Equal(ExitCodes.AlreadyRunning, outcome.ExitCode);
            Assert.Equal($"another worker of instance '{spec.Name}' (pid {Environment.ProcessId}) runs on this state dir: one worker per instance; stop that one first, "
                + $"or give this run another name ({config.WorkerLockPath(spec.Name)} is locked)", outcome.Reason);
            Assert.Null(ExitCodes.ConfirmsFlatBook(outcome.ExitCode)); // it sent nothing
            Assert.False(File.Exists(config.JournalPath(spec.Name)));
            Assert.False(Directory.Exists(Path.Combine(config.StateDir, "paper")), "the paper venue was not opened");
        }

        // Let go (the other worker ended): the run begins, and a stop ends it.
        using var next = new StopRequest();
        Trading.Engine.InstanceEngine? engine = null;
        var run = InstanceRunner.RunAsync(spec, config, TimeSpan.FromMinutes(1), next, logToConsole: false, onEngine: e => Volatile.Write(ref engine, e));
        await Until.TrueAsync(() => Volatile.Read(ref engine)?.State == Trading.Engine.EngineState.Running, "the run quoting");
        next.Request("stopped by operator");
        Assert.Equal(ExitCodes.Ok, (await run.DefaultTimeout()).ExitCode);
    }

    [Fact]
    public async Task ASweep_StoppedFromTheStart_OpensTheJournalAndVenueAllTheSame_ReconcilesAndConfirmsTheBook()
    {
        var (spec, config) = await PaperSpotAsync();
        using var stop = new StopRequest();
        stop.Request("sweep: reconcile and cancel only");

        var outcome = await InstanceRunner.RunAsync(spec, config, TimeSpan.FromMinutes(1), stop, logToConsole: false, sweep: true).DefaultTimeout();

        Assert.Equal(new RunOutcome(ExitCodes.Ok, "sweep: reconcile and cancel only", 0), outcome);
        Assert.True(ExitCodes.ConfirmsFlatBook(outcome.ExitCode));
        var log = await File.ReadAllTextAsync(Directory.EnumerateFiles(config.LogDir, spec.Name + ".log", SearchOption.AllDirectories).Single());
        Assert.Contains("the stop came while it started; reconciled, quoting nothing", log, StringComparison.Ordinal);
    }

    private async Task<(ValidatedSpec Spec, DaemonConfig Config)> PaperSpotAsync()
    {
        var json = await File.ReadAllBytesAsync(Repository.Combine("daemon", "templates", "paper-spot-mm.json"));
        return (SpecValidator.Validate(InstanceSpecJson.Parse("template", json, out _), "template"),
            new DaemonConfig { StateDir = _dir.Combine("state"), LogDir = _dir.Combine("logs") });
    }
}
