using System.Globalization;
using GrpcMM.Protos.V1;
using Mmd.TestKit;

namespace Mmd.EndToEnd.Tests;

/// <summary>`mmctl logs`: an instance's log, what its worker wrote outside the log, --since, and -f.</summary>
public sealed class LogsTests
{
    [Fact]
    public async Task Logs_ShowTheInstancesLog_AndWhatTheWorkerWroteOutsideIt_SinceFilters_FollowShowsNewLines()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-spot-mm", "bot")).ExitCode);
        await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Stats?.OpenBuyOrders > 0, "running and quoting");

        var log = await d.MmctlAsync("logs", "bot");
        Assert.True(log.ExitCode == 0, log.ToString());
        Assert.Contains("bot: quoting SOL_USDC on paper", log.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("reconciled at start", log.StandardOutput, StringComparison.Ordinal);
        // The worker's captured stdout and stderr hold what bypassed the log, not each log line a second time.
        var today = d.Dir.Combine("logs", DateTime.Now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Assert.True(File.Exists(Path.Combine(today, "bot.out")));
        Assert.DoesNotContain("quoting SOL_USDC", await File.ReadAllTextAsync(Path.Combine(today, "bot.out")), StringComparison.Ordinal);
        Assert.DoesNotContain("the worker's own stdout", log.StandardOutput, StringComparison.Ordinal); // empty: not shown

        // --since: once the start is more than a second back, its lines are left out (asked until it is, not slept for).
        CliResult recent = log;
        await Until.TrueAsync(async () => !(recent = await d.MmctlAsync("logs", "bot", "--since", "1s")).StandardOutput.Contains("reconciled at start", StringComparison.Ordinal),
            "the start's lines left out of the last second");
        Assert.True(recent.ExitCode == 0, recent.ToString());
        Assert.DoesNotContain("reconciled at start", recent.StandardOutput, StringComparison.Ordinal);

        // What the runtime writes when a worker crashes lands in the captured output: logs shows it after the log.
        await File.AppendAllTextAsync(Path.Combine(today, "bot.out"), "Unhandled exception. System.InvalidOperationException: boom\n   at Mmd.Somewhere()\n");
        var withCrash = await d.MmctlAsync("logs", "bot");
        Assert.Contains($"== {Path.Combine(today, "bot.out")} (the worker's own stdout and stderr) ==", withCrash.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Unhandled exception. System.InvalidOperationException: boom", withCrash.StandardOutput, StringComparison.Ordinal);

        // -f prints lines as they are written: an operator command's line comes through.
        using var follow = new StreamingCli(DaemonUnderTest.MmctlDll, ["logs", "bot", "-f"], new() { ["MMCTL_SOCKET"] = d.SocketPath });
        await follow.ReadUntilAsync(line => line.Contains("at Mmd.Somewhere()", StringComparison.Ordinal)); // what was there, then it follows
        Assert.Equal(0, (await d.MmctlAsync("pause", "bot")).ExitCode);
        var followed = await follow.ReadUntilAsync(line => line.Contains("operator command", StringComparison.Ordinal));
        Assert.Contains("bot: operator command", followed[^1], StringComparison.Ordinal);

        var ghost = await d.MmctlAsync("logs", "ghost");
        Assert.Equal((3, "mmctl: not found: no instance named 'ghost'"), (ghost.ExitCode, ghost.StandardError.Trim()));
    }
}
