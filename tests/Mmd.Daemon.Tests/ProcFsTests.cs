using System.Diagnostics;
using Mmd.Supervision;
using Mmd.TestKit;

namespace Mmd.Daemon.Tests;

public class ProcFsTests
{
    [Fact]
    public void CpuTime_IsWhatTheProcessUsed_AndNullForAProcessThatIsGone()
    {
        using var self = Process.GetCurrentProcess();
        var used = self.TotalProcessorTime;
        var read = ProcFs.CpuTime(Environment.ProcessId);
        Assert.NotNull(read);
        // /proc counts in hundredths of a second; the two reads are moments apart.
        Assert.InRange(read.Value, used - TimeSpan.FromSeconds(1), used + TimeSpan.FromSeconds(1));
        Assert.True(read.Value > TimeSpan.Zero);
        Assert.Null(ProcFs.CpuTime(int.MaxValue));
    }

    [Fact]
    public void StartTime_OfThisProcess_IsBeforeNow_AndNullForAProcessThatIsGone()
    {
        Assert.True(ProcFs.StartTime(Environment.ProcessId) <= DateTimeOffset.UtcNow);
        Assert.Null(ProcFs.StartTime(int.MaxValue));
    }

    [Fact]
    public async Task StartTime_OfAChild_IsWhenItWasStarted_ToTheHundredthOfASecond()
    {
        // /proc/stat's btime is whole seconds: a start time built on it came up to a second early.
        var before = DateTimeOffset.UtcNow;
        using var child = Process.Start(new ProcessStartInfo("sleep", "5") { UseShellExecute = false })!;
        var after = DateTimeOffset.UtcNow;
        try
        {
            var started = ProcFs.StartTime(child.Id);
            Assert.NotNull(started);
            // Clock ticks are hundredths, truncated; the boot time is /proc/uptime's, also in hundredths.
            Assert.InRange(started.Value, before - TimeSpan.FromMilliseconds(30), after + TimeSpan.FromMilliseconds(30));
        }
        finally
        {
            child.Kill();
            await child.WaitForExitAsync().DefaultTimeout();
        }
    }
}
