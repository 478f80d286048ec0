using GrpcMM.Protos.V1;
using Mmd.Configuration;
using Mmd.Specs;
using Mmd.Supervision;

namespace Mmd.Daemon.Tests;

public sealed class SupervisionSettingsTests
{
    private static readonly SupervisionSettings Defaults =
        SupervisionSettings.Resolve(new SupervisionOverrides(null, null, null, null, null, null), new SupervisionDefaults());

    [Fact]
    public void RunningWorker_FirstFailure_RestartsAtOnce_ThenBacksOffDoubling()
    {
        Assert.Equal(TimeSpan.Zero, Defaults.BackoffAfter(1, wasRunning: true));
        Assert.Equal(TimeSpan.FromSeconds(2), Defaults.BackoffAfter(2, wasRunning: true));
        Assert.Equal(TimeSpan.FromSeconds(4), Defaults.BackoffAfter(3, wasRunning: true));
    }

    [Fact]
    public void WorkerThatNeverRan_BacksOffFromTheInitialDelay_UpToTheCap()
    {
        Assert.Equal(new[] { 1d, 2, 4, 8, 16, 32, 60, 60 }, Enumerable.Range(1, 8).Select(n => Defaults.BackoffAfter(n, wasRunning: false).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(60), Defaults.BackoffAfter(int.MaxValue, wasRunning: false));
    }

    [Fact]
    public void SpecOverrides_WinOverTheDaemonDefaults()
    {
        var settings = SupervisionSettings.Resolve(
            new SupervisionOverrides(RestartPolicy.Never, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), null, 128, null), new SupervisionDefaults());
        Assert.Equal(RestartPolicy.Never, settings.Policy);
        Assert.False(settings.Restarts(failed: true));
        Assert.Equal(TimeSpan.FromMilliseconds(500), settings.BackoffAfter(2, wasRunning: false));
        Assert.Equal(TimeSpan.FromSeconds(1), settings.BackoffAfter(5, wasRunning: false));
        Assert.Equal(128L * 1024 * 1024, settings.MemoryLimitBytes);
    }
}
