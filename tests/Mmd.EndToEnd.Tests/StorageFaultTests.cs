using System.Text;
using GrpcMM.Protos.V1;
using Mmd.TestKit;

namespace Mmd.EndToEnd.Tests;

/// <summary>
/// Storage failing under a trading instance. The disk under the state folder fills (the logs that filled it, a backup):
/// the worker that cannot journal cancels its orders before it ends, the daemon that cannot record a worker never loses
/// one (no second worker trading beside it), it keeps answering, and everything runs again once there is room. A journal
/// lost after a worker was killed: the next worker cannot quote, but cancels what the killed one left.
/// </summary>
public sealed class StorageFaultTests
{
    [TmpfsFact]
    public async Task AFullDisk_EndsTheWorkerWithItsOrdersCancelled_NeverLeavesTwoWorkers_AndTradingResumesOnceThereIsRoom()
    {
        string? state = null;
        try
        {
            await using (var d = await DaemonUnderTest.StartAsync(prepareState: folder =>
            {
                Tmpfs.Mount(state = folder, 24);
                return Task.CompletedTask;
            }))
            {
                Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-spot-mm", "diskfull")).ExitCode);
                var first = await d.WaitForAsync("diskfull", i => i.State == InstanceState.Running && i.Stats?.OpenBuyOrders > 0, "running and quoting");

                var filler = Path.Combine(state!, "filler");
                Tmpfs.Fill(filler);
                var mostWorkers = 0;
                try
                {
                    await Until.TrueAsync(() =>
                    {
                        mostWorkers = Math.Max(mostWorkers, WorkersOf("diskfull"));
                        return d.Process!.StandardOutput.Contains($"worker pid {first.Pid} ended: ", StringComparison.Ordinal);
                    }, "the worker ended on the full disk", TimeSpan.FromSeconds(60));
                }
                catch (TimeoutException ex)
                {
                    throw new TimeoutException($"{ex.Message}\n{d.Process!.Output}");
                }
                var ended = d.Process!.StandardOutput.Split('\n').First(l => l.Contains($"worker pid {first.Pid} ended: ", StringComparison.Ordinal));
                Assert.True(ended.Contains("database or disk is full", StringComparison.Ordinal) && ended.TrimEnd().EndsWith("(every own order cancelled first)", StringComparison.Ordinal),
                    $"{ended}\n{d.Process.Output}\n{WorkerOutput(d)}");

                // Three seconds on the full disk: restarts that fail, never a worker the daemon lost track of.
                var until = DateTime.UtcNow.AddSeconds(3);
                while (DateTime.UtcNow < until)
                {
                    mostWorkers = Math.Max(mostWorkers, WorkersOf("diskfull"));
                    await Task.Delay(100);
                }
                Assert.True(mostWorkers <= 1, $"{mostWorkers} workers of one instance at once\n{d.Process.Output}");
                var status = await d.MmctlAsync("status", "diskfull");
                Assert.Equal(0, status.ExitCode);

                File.Delete(filler);
                var again = await d.WaitForAsync("diskfull", i => i.State == InstanceState.Running && i.Pid != first.Pid && i.Stats?.OpenBuyOrders > 0,
                    "running and quoting again once there is room", TimeSpan.FromSeconds(60));
                Assert.True(again.Restarts >= 1);
                Assert.Equal(0, (await d.MmctlAsync("stop", "diskfull")).ExitCode);
                Assert.Equal(0, await d.PaperOpenOrdersAsync("diskfull"));
            }
        }
        finally
        {
            if (state is not null)
            {
                Tmpfs.Unmount(state);
                Directory.Delete(state);
            }
        }
    }

    [Fact]
    public async Task AJournalLost_AfterAWorkerWasKilled_TheNextWorkerCannotQuote_ButCancelsTheOrdersTheKilledOneLeft()
    {
        await using var d = await DaemonUnderTest.StartAsync(new() { ["initialBackoffSeconds"] = 5, ["maxBackoffSeconds"] = 10 });
        Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-spot-mm", "lost")).ExitCode);
        var first = await d.WaitForAsync("lost", i => i.State == InstanceState.Running && i.Stats?.OpenBuyOrders > 0, "running and quoting");
        await Until.TrueAsync(async () => await d.PaperOpenOrdersAsync("lost") > 0, "its quotes rest on the paper venue");

        // Frozen, so it writes nothing more; its journal is lost (overwritten, as by a failing disk); then it is killed.
        Signals.Kill(first.Pid, 19);
        var journal = Path.Combine(d.StateDir, "instances", "lost", "journal.db");
        foreach (var file in new[] { journal + "-wal", journal + "-shm" }) File.Delete(file);
        await File.WriteAllTextAsync(journal, "not a database, just text that is long enough to be read as a header");
        Signals.Kill(first.Pid, 9);

        var failed = await d.WaitForAsync("lost", i => i.LastExitReason.Contains("cannot open the journal", StringComparison.Ordinal), "a run that could not open its journal");
        Assert.Matches(@"^exit code 7: cannot open the journal: .*file is not a database.* \(cancelled [1-9]\d* own orders an earlier run left\)$", failed.LastExitReason);
        Assert.Equal(0, await d.PaperOpenOrdersAsync("lost"));
    }

    /// <summary>The instance's log and its workers' captured output, for a failure's message.</summary>
    private static string WorkerOutput(DaemonUnderTest d) =>
        string.Join("\n", Directory.EnumerateFiles(d.Dir.Combine("logs"), "diskfull.*", SearchOption.AllDirectories).Select(f => $"--- {f} ---\n{File.ReadAllText(f)}"));

    /// <summary>Live worker processes of the instance (a zombie has no command line).</summary>
    private static int WorkersOf(string instance)
    {
        var wanted = Encoding.UTF8.GetBytes($"worker\0--instance\0{instance}\0");
        var count = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            try
            {
                if (File.ReadAllBytes(Path.Combine(dir, "cmdline")).AsSpan().IndexOf(wanted) >= 0) count++;
            }
            catch (IOException) { } // it ended meanwhile
            catch (UnauthorizedAccessException) { }
        }
        return count;
    }
}
