using GrpcMM.Protos.V1;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Mmd.Configuration;
using Mmd.Persistence.Daemon;
using Mmd.Supervision;
using Mmd.TestKit;
using Mmd.Watching;

namespace Mmd.Daemon.Tests;

/// <summary>
/// One instance's actor on a fake clock with real worker processes, and no supervisor: nothing ticks it, so what wakes it
/// is its own doing.
/// </summary>
public sealed class InstanceActorRetryTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ABackoff_StartsTheNextWorkerAsItEnds_WithoutWaitingForTheSupervisorsTick()
    {
        var config = new DaemonConfig { SocketPath = _dir.Combine("state", "mmd.sock"), StateDir = _dir.Combine("state"), LogDir = _dir.Combine("logs") };
        Directory.CreateDirectory(config.StateDir);
        await DaemonDatabase.OpenAsync(config.DatabasePath, CancellationToken.None).DefaultTimeout();
        var context = new ActorContext(_time, new DaemonStore(config.DatabasePath, _time), new StatsHub(_time), new WorkerLauncher(config), new WorkerJournals(config),
            (_, _) => { }, NullLogger.Instance, new RequestBudgets());
        var settings = new SupervisionSettings(RestartPolicy.OnFailure, InitialBackoff: TimeSpan.FromSeconds(10), MaxBackoff: TimeSpan.FromSeconds(60),
            ResetAfter: TimeSpan.FromSeconds(60), MemoryLimitBytes: 0, StopTimeout: TimeSpan.FromSeconds(5), HealthInterval: TimeSpan.FromSeconds(1),
            HealthFailureThreshold: 3, StartupGrace: TimeSpan.FromSeconds(20));
        // A spec the worker refuses (no symbol): each worker exits at once with exit code 2, and the start backs off.
        var spec = new InstanceSpec { Name = "rt", Venue = "paper", Symbol = "", SpotMarketMaking = new SpotMarketMakingConfig { SpreadPct = "0.2", OrderQuantity = "0.5", Levels = 1 } };
        var actor = new InstanceActor("rt", spec, "{}", settings, DesiredState.Stopped, _time.GetUtcNow(), 0, context);
        using var stop = new CancellationTokenSource();
        var loop = actor.RunAsync(stop.Token);
        try
        {
            var start = actor.StartAsync(CancellationToken.None);
            // The exit waits a moment (on the clock) for the worker's last messages: move the clock until the start answers.
            await Until.TrueAsync(() =>
            {
                if (!start.IsCompleted) _time.Advance(TimeSpan.FromMilliseconds(100));
                return start.IsCompleted;
            }, "the first worker failed and the start answered");
            var backingOff = await start;
            Assert.Equal((InstanceState.Backoff, 0u), (backingOff.State, backingOff.Restarts));
            Assert.Contains("exit code 2", backingOff.LastExitReason, StringComparison.Ordinal);

            // The clock moves up to its retry and past it in small steps, and no message comes: the actor starts the next worker
            // by itself as the retry comes. (The clock moved on in steps as the actor backed off, so it may have been armed
            // a step late.)
            var retryAt = backingOff.NextRetryAt.ToDateTimeOffset();
            _time.Advance(retryAt - _time.GetUtcNow() - TimeSpan.FromMilliseconds(100));
            Assert.Equal(0u, actor.Snapshot.Restarts);
            await Until.TrueAsync(() =>
            {
                if (actor.Snapshot.Restarts == 0) _time.Advance(TimeSpan.FromMilliseconds(10));
                return actor.Snapshot.Restarts == 1;
            }, "the next worker started as the backoff ended", TimeSpan.FromSeconds(30));
            Assert.True(_time.GetUtcNow() - retryAt < TimeSpan.FromSeconds(1), $"started {(_time.GetUtcNow() - retryAt).TotalMilliseconds} ms after its retry, on the clock");
        }
        finally
        {
            await stop.CancelAsync();
            await loop;
        }
    }
}
