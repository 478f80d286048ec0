using System.Globalization;
using Serilog;
using Serilog.Configuration;

namespace Mmd.Hosting;

/// <summary>Logs go to one folder per day (logs/2026-11-24/mmd.log, logs/2026-11-24/NAME.log); old folders are pruned.</summary>
public static class LogFolders
{
    public const string OutputTemplate = "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {Message:lj}{NewLine}{Exception}";

    public static string Today(string logDir, DateTimeOffset now) => Path.Combine(logDir, now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    /// <summary>A file sink that follows the day: each event goes to its own day's folder.</summary>
    public static LoggerConfiguration DailyFile(this LoggerSinkConfiguration sink, string logDir, string fileName) =>
        sink.Map(e => e.Timestamp.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            (day, to) => to.File(Path.Combine(logDir, day, fileName), outputTemplate: OutputTemplate, shared: true),
            sinkMapCountLimit: 2);

    /// <summary>
    /// Prunes again every hour for as long as the process runs: pruning only at start kept every day's logs of a
    /// daemon that ran for months.
    /// </summary>
    public static async Task PruneHourlyAsync(string logDir, int retentionDays, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken)) Prune(logDir, retentionDays, time.GetLocalNow());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
    }

    /// <summary>Deletes day folders older than the retention.</summary>
    public static int Prune(string logDir, int retentionDays, DateTimeOffset now)
    {
        if (!Directory.Exists(logDir)) return 0;
        var oldest = DateOnly.FromDateTime(now.LocalDateTime).AddDays(-(retentionDays - 1));
        var removed = 0;
        foreach (var dir in Directory.EnumerateDirectories(logDir))
            if (DateOnly.TryParseExact(Path.GetFileName(dir), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day < oldest)
            {
                try { Directory.Delete(dir, recursive: true); removed++; }
                catch (IOException) { }
            }
        return removed;
    }
}
