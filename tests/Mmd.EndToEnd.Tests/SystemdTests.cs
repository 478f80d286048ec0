using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using GrpcMM.Protos.V1;
using Mmd.TestKit;

namespace Mmd.EndToEnd.Tests;

/// <summary>mmd under systemd's notify protocol (daemon/deploy/mmd.service): the test plays systemd, a datagram socket that NOTIFY_SOCKET names.</summary>
public sealed class SystemdTests
{
    [Fact]
    public async Task UnderSystemd_ReadyOnceServing_WatchdogPings_StatusOfItsInstances_StoppingAtTheEnd_AndWorkersInheritNone()
    {
        using var dir = new TempDirectory();
        var notifyPath = dir.Combine("notify.sock");
        using var systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        systemd.Bind(new UnixDomainSocketEndPoint(notifyPath));
        var received = Channel.CreateUnbounded<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var receiving = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            try
            {
                while (true) received.Writer.TryWrite(Encoding.UTF8.GetString(buffer, 0, await systemd.ReceiveAsync(buffer, SocketFlags.None, stop.Token)));
            }
            catch (OperationCanceledException) { }
        });
        // The next message that passes the test, within a bound.
        async Task<string> NextAsync(Func<string, bool> wanted, string what)
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
            bound.CancelAfter(TimeSpan.FromSeconds(30));
            try
            {
                while (true)
                    if (await received.Reader.ReadAsync(bound.Token) is var m && wanted(m)) return m;
            }
            catch (OperationCanceledException) { throw new TimeoutException($"no message from mmd: {what}"); }
        }

        // WatchdogSec=1: a ping every half second.
        await using var d = await DaemonUnderTest.StartAsync(environment: new() { ["NOTIFY_SOCKET"] = notifyPath, ["WATCHDOG_USEC"] = "1000000" });
        var ready = await NextAsync(_ => true, "the first");
        Assert.Equal("READY=1\nSTATUS=serving; no instances", ready);
        // Said once it serves: the daemon answers for its (here no) instances, and its health is SERVING.
        Assert.Equal(0, (await d.MmctlAsync("health")).ExitCode);
        // Their period (half of WatchdogSec) is SystemdNotificationTests' to check, on a fake clock.
        for (var ping = 0; ping < 3; ping++) await NextAsync(m => m.StartsWith("WATCHDOG=1\n", StringComparison.Ordinal), "watchdog pings");

        Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-spot-mm", "bot")).ExitCode);
        var worker = await d.WaitForAsync("bot", i => i.State == InstanceState.Running, "running");
        await NextAsync(m => m == "WATCHDOG=1\nSTATUS=serving; 1 instance: 1 running", "a ping whose status counts the running instance");
        // systemd's variables are the daemon's alone: a worker is not the service systemd watches.
        Assert.Contains("NOTIFY_SOCKET=" + notifyPath, Environ(d.Process!.Pid));
        Assert.DoesNotContain(Environ(worker.Pid), v => v.StartsWith("NOTIFY_SOCKET=", StringComparison.Ordinal) || v.StartsWith("WATCHDOG_", StringComparison.Ordinal));

        // systemctl stop: SIGTERM to mmd alone (KillMode=process). It says STOPPING=1 and exits 0; the worker trades on.
        d.Process.Terminate();
        await NextAsync(m => m.StartsWith("STOPPING=1", StringComparison.Ordinal), "STOPPING=1");
        Assert.Equal(0, await d.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(Directory.Exists($"/proc/{worker.Pid}"), "the worker outlives the daemon, for the next one to re-adopt");
        await stop.CancelAsync();
        await receiving;
    }

    private static string[] Environ(int pid) => File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries);
}
