using System.Diagnostics;
using Mmd.Supervision;

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
}
