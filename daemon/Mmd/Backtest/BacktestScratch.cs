using System.Globalization;

namespace Mmd.Backtest;

/// <summary>
/// The temporary folders backtests keep their journals in (<c>mmd-backtest-PID-*</c> under the temp path): a run removes
/// its own at the end, but a backtest killed outright (SIGKILL, the OOM killer) cannot, and each leftover holds the
/// journal of the span it ran (tens of megabytes for an hour of a busy market). A process's first run removes those
/// whose process is gone.
/// </summary>
public static class BacktestScratch
{
    private const string Prefix = "mmd-backtest-";

    private static int _swept;

    /// <summary>A new folder for a run of this process; the first also removes the leftovers of dead backtests.</summary>
    public static DirectoryInfo Create()
    {
        // Once, before this process has a folder of its own: a sweep's runs share the pid and run side by side.
        if (Interlocked.Exchange(ref _swept, 1) == 0) RemoveLeftovers(Path.GetTempPath(), Environment.ProcessId);
        return Directory.CreateTempSubdirectory($"{Prefix}{Environment.ProcessId}-");
    }

    /// <summary>
    /// Removes the backtest folders under <paramref name="temp"/> whose process no longer runs, and those of
    /// <paramref name="reusedPid"/> (this process's pid, which an earlier backtest had); the count removed.
    /// </summary>
    /// <remarks>
    /// A folder whose pid another live process has (its backtest, or a reused pid) is left: it costs a leftover at worst.
    /// One this user cannot remove (another user's, in a shared /tmp) is left too.
    /// </remarks>
    public static int RemoveLeftovers(string temp, int reusedPid)
    {
        var removed = 0;
        IEnumerable<string> folders;
        try
        {
            folders = Directory.EnumerateDirectories(temp, Prefix + "*").ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
        foreach (var folder in folders)
        {
            var rest = Path.GetFileName(folder.AsSpan())[Prefix.Length..];
            var dash = rest.IndexOf('-');
            if (dash <= 0 || !int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || (pid != reusedPid && Alive(pid))) continue;
            try
            {
                Directory.Delete(folder, recursive: true);
                removed++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to remove.
            }
        }
        return removed;
    }

    /// <summary>Whether a process with this pid exists (Linux: its /proc entry).</summary>
    private static bool Alive(int pid) => Directory.Exists($"/proc/{pid}");
}
