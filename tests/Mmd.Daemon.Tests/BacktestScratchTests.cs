using Mmd.Backtest;
using Mmd.TestKit;

namespace Mmd.Daemon.Tests;

/// <summary>The journal folders of backtests killed before they could remove their own.</summary>
public class BacktestScratchTests
{
    /// <summary>Above the largest pid Linux can give (2^22), so no process ever has it.</summary>
    private const int NeverAPid = 4_194_305;

    [Fact]
    public void TheFoldersOfBacktestsWhoseProcessIsGone_OrWhosePidThisProcessNowHas_AreRemoved_ThoseOfLiveOnesAndOtherFoldersStay()
    {
        using var temp = new TempDirectory();
        string Folder(string name)
        {
            var path = temp.Combine(name);
            Directory.CreateDirectory(path);
            File.WriteAllText(Path.Combine(path, "journal.db"), "a run's journal");
            return path;
        }
        var dead = Folder($"mmd-backtest-{NeverAPid}-Ab12Cd");
        var deadToo = Folder($"mmd-backtest-{NeverAPid}-Ef34Gh");
        var reused = Folder($"mmd-backtest-{Environment.ProcessId}-Ij56Kl"); // an earlier process's, which had our pid
        var init = Folder("mmd-backtest-1-Mn78Op"); // pid 1 always runs
        var unnamed = Folder("mmd-backtest-x-Qr90St");
        var other = Folder($"not-a-backtest-{NeverAPid}-Uv12Wx");

        Assert.Equal(3, BacktestScratch.RemoveLeftovers(temp.Path, Environment.ProcessId));
        Assert.All(new[] { dead, deadToo, reused }, path => Assert.False(Directory.Exists(path), path));
        Assert.All(new[] { init, unnamed, other }, path => Assert.True(Directory.Exists(path), path));

        // Swept by another process: this one's folder is a live run's and stays.
        var live = Folder($"mmd-backtest-{Environment.ProcessId}-Yz34Ab");
        Assert.Equal(0, BacktestScratch.RemoveLeftovers(temp.Path, reusedPid: NeverAPid + 1));
        Assert.True(Directory.Exists(live));
    }
}
