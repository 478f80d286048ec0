using GrpcMM.Protos.V1;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Mmd.Daemon;

namespace Mmd.Daemon.Tests;

/// <summary>What mmd tells systemd, on a fake clock: the watchdog pings only while every instance's supervisor steps.</summary>
public sealed class SystemdNotificationTests
{
    private sealed class RecordingNotifier : ISystemdNotifier
    {
        public List<string> Sent { get; } = [];
        public bool IsEnabled => true;
        public void Notify(ServiceState state) => Sent.Add(state.ToString());
    }

    [Fact]
    public void TheWatchdog_PingsAtHalfItsTimeout_WithholdsWhileAnInstanceSupervisorIsStuck_AndResumes()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_795_000_000));
        var notifier = new RecordingNotifier();
        var steps = new Dictionary<string, DateTimeOffset> { ["a"] = time.GetUtcNow(), ["b"] = time.GetUtcNow() };
        Instance[] instances = [new() { State = InstanceState.Running }, new() { State = InstanceState.Running }, new() { State = InstanceState.Stopped }];
        using var systemd = new SystemdNotification(notifier, () => instances, () => steps.Select(s => (s.Key, s.Value)), time, NullLogger.Instance,
            TimeSpan.FromSeconds(20));
        Assert.Equal(["READY=1\nSTATUS=serving; 3 instances: 2 running, 1 stopped"], notifier.Sent);

        // Both step (ticks every 250 ms): a ping every 10 s.
        for (var second = 1; second <= 20; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            steps["a"] = steps["b"] = time.GetUtcNow();
        }
        Assert.Equal(2, notifier.Sent.Count(m => m.StartsWith("WATCHDOG=1\n", StringComparison.Ordinal)));

        // b's actor is stuck (a store write that hangs, say): after a whole period without a step, no ping.
        notifier.Sent.Clear();
        for (var second = 1; second <= 20; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            steps["a"] = time.GetUtcNow();
        }
        Assert.Equal(["WATCHDOG=1\nSTATUS=serving; 3 instances: 2 running, 1 stopped", "STATUS=not progressing: the supervisor of 'b' has handled nothing for 20 s"],
            notifier.Sent);

        // It steps again: pings resume.
        notifier.Sent.Clear();
        steps["b"] = time.GetUtcNow();
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(["WATCHDOG=1\nSTATUS=serving; 3 instances: 2 running, 1 stopped"], notifier.Sent);

        systemd.Stopping();
        systemd.Stopping(); // the host's stopping, then the dispose: said once
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("STOPPING=1\nSTATUS=stopping", Assert.Single(notifier.Sent.Skip(1)));
    }

    [Fact]
    public void WithoutAWatchdog_TheStatusIsRenewed_AndNoPingIsSent()
    {
        var time = new FakeTimeProvider();
        var notifier = new RecordingNotifier();
        Instance[] instances = [];
        using var systemd = new SystemdNotification(notifier, () => instances, () => [], time, NullLogger.Instance, watchdogTimeout: null);
        instances = [new() { State = InstanceState.Backoff }];
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(["READY=1\nSTATUS=serving; no instances", "STATUS=serving; 1 instance: 1 backoff"], notifier.Sent);
    }

    private sealed class RefusingNotifier : ISystemdNotifier
    {
        public int Tries { get; private set; }
        public bool IsEnabled => true;
        public void Notify(ServiceState state)
        {
            Tries++;
            throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused);
        }
    }

    [Fact]
    public void ANotifySocketThatRefuses_IsLogged_AndTheDaemonServesOn()
    {
        // A NOTIFY_SOCKET left in the environment from elsewhere, or a unit being torn down: nothing to tell, nothing thrown.
        var time = new FakeTimeProvider();
        var notifier = new RefusingNotifier();
        using var systemd = new SystemdNotification(notifier, () => [], () => [], time, NullLogger.Instance, TimeSpan.FromSeconds(2));
        time.Advance(TimeSpan.FromSeconds(3));
        systemd.Stopping();
        Assert.Equal(5, notifier.Tries); // READY, three pings, STOPPING
    }

    [Theory]
    [InlineData("20000000", null, 20.0)]
    [InlineData("20000000", "4242", 20.0)] // WATCHDOG_PID is this process
    [InlineData("20000000", "1", null)] // another process is the one watched (a child that inherited the variables)
    [InlineData(null, null, null)]
    [InlineData("soon", null, null)]
    [InlineData("0", null, null)]
    public void TheWatchdogTimeout_IsWatchdogUsec_WhenItIsForThisProcess(string? usec, string? pid, double? seconds)
    {
        var environment = new Dictionary<string, string?> { ["WATCHDOG_USEC"] = usec, ["WATCHDOG_PID"] = pid };
        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, SystemdNotification.WatchdogTimeout(name => environment.GetValueOrDefault(name), 4242));
    }
}
