using System.Globalization;
using Cocona;
using Mmctl.Completion;
using GrpcMM.Protos.V1;

namespace Mmctl.Commands;

/// <summary>`mmctl logs NAME [-f] [--since]`: the instance's log files from the daemon's daily log folders.</summary>
[UsageRules, IgnoreUnknownOptions]
public sealed class LogsCommand
{
    [Command("logs", Description = "An instance's log (and its captured stdout/stderr); -f follows")]
    public Task<int> Logs([Argument, InstanceNames] string name, [Option('f', Description = "Follow")] bool follow,
        [Option(Description = "Only this far back: 30m, 2h, 3d (default: today's folder)")] string? since, CommonOptions o) => InstanceCommands.Run(o, async (c, ct) =>
    {
        await c.Instances.GetInstanceAsync(new GetInstanceRequest { Name = name }, cancellationToken: ct); // NOT_FOUND for a typo
        var logDir = (await c.Daemon.GetDaemonStatusAsync(new GetDaemonStatusRequest(), cancellationToken: ct)).LogDir;
        TimeSpan? window = null;
        if (since is not null)
        {
            if (!TryParseAge(since, out var w)) return InstanceCommands.Fail($"mmctl: --since: '{since}' is not a duration like 30m, 2h or 3d");
            window = w;
        }
        var from = DateTimeOffset.Now - (window ?? TimeSpan.Zero);
        var days = Directory.Exists(logDir)
            ? Directory.EnumerateDirectories(logDir).Select(Path.GetFileName).Where(d => string.CompareOrdinal(d, from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) >= 0).Order(StringComparer.Ordinal).ToList()
            : [];
        string? last = null;
        foreach (var day in days)
        {
            var file = Path.Combine(logDir, day!, name + ".log");
            if (!File.Exists(file)) continue;
            last = file;
            foreach (var line in File.ReadLines(file))
                if (window is null || !TryStamp(line, out var at) || at >= from) await Console.Out.WriteLineAsync(line);
        }
        // The worker's captured stdout and stderr: only what bypassed the log, such as the runtime's report of a crash.
        // Its lines carry no time, so a file counts when it was written in the window: a worker writes to the folder of
        // the day it started.
        var written = window is null ? DateTime.Today : from.LocalDateTime;
        var outputs = Directory.Exists(logDir)
            ? Directory.EnumerateDirectories(logDir).Select(d => Path.Combine(d, name + ".out"))
                .Where(f => File.Exists(f) && new FileInfo(f).Length > 0 && File.GetLastWriteTime(f) >= written).Order(StringComparer.Ordinal).ToList()
            : [];
        foreach (var file in outputs)
        {
            await Console.Out.WriteLineAsync($"== {file} (the worker's own stdout and stderr) ==");
            foreach (var line in File.ReadLines(file)) await Console.Out.WriteLineAsync(line);
        }
        if (!follow) return last is null && outputs.Count == 0 ? InstanceCommands.Fail($"mmctl: no log for '{name}' in {logDir} since {from:u}") : ExitCodes.Ok;
        var today = Path.Combine(logDir, DateTimeOffset.Now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await FollowAsync([last ?? Path.Combine(today, name + ".log"), outputs.LastOrDefault() ?? Path.Combine(today, name + ".out")], ct);
        return ExitCodes.Ok;
    });

    /// <summary>Prints what is added to each file from now on, as it comes.</summary>
    private static async Task FollowAsync(IReadOnlyList<string> files, CancellationToken ct)
    {
        var positions = files.Select(f => File.Exists(f) ? new FileInfo(f).Length : 0).ToArray();
        while (!ct.IsCancellationRequested)
        {
            for (var i = 0; i < files.Count; i++)
            {
                if (!File.Exists(files[i]) || new FileInfo(files[i]).Length <= positions[i]) continue;
                await using var stream = new FileStream(files[i], FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                stream.Seek(positions[i], SeekOrigin.Begin);
                using var reader = new StreamReader(stream);
                await Console.Out.WriteAsync(await reader.ReadToEndAsync(ct));
                await Console.Out.FlushAsync(ct);
                positions[i] = stream.Position;
            }
            await Task.Delay(250, ct);
        }
    }

    internal static bool TryParseAge(string text, out TimeSpan age)
    {
        age = default;
        if (text.Length < 2 || !double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n < 0) return false;
        age = text[^1] switch { 's' => TimeSpan.FromSeconds(n), 'm' => TimeSpan.FromMinutes(n), 'h' => TimeSpan.FromHours(n), 'd' => TimeSpan.FromDays(n), _ => TimeSpan.MinValue };
        return age != TimeSpan.MinValue;
    }

    // Lines start "2026-11-24 10:00:00.000 +00:00 [INF] ..."
    private static bool TryStamp(string line, out DateTimeOffset at) =>
        DateTimeOffset.TryParseExact(line.Length >= 30 ? line[..30] : line, "yyyy-MM-dd HH:mm:ss.fff zzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out at);
}
