using System.Globalization;
using Cocona;
using GrpcMM.Protos.V1;

namespace Mmctl.Commands;

/// <summary>`mmctl logs NAME [-f] [--since]`: the instance's log files from the daemon's daily log folders.</summary>
[UsageRules, IgnoreUnknownOptions]
public sealed class LogsCommand
{
    [Command("logs", Description = "An instance's log (and its captured stdout/stderr); -f follows")]
    public Task<int> Logs([Argument] string name, [Option('f', Description = "Follow")] bool follow,
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
        if (!follow) return last is null ? InstanceCommands.Fail($"mmctl: no log for '{name}' in {logDir} since {from:u}") : ExitCodes.Ok;
        last ??= Path.Combine(logDir, DateTimeOffset.Now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), name + ".log");
        await FollowAsync(last, ct);
        return ExitCodes.Ok;
    });

    private static async Task FollowAsync(string file, CancellationToken ct)
    {
        long position = File.Exists(file) ? new FileInfo(file).Length : 0;
        while (!ct.IsCancellationRequested)
        {
            if (File.Exists(file) && new FileInfo(file).Length > position)
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                stream.Seek(position, SeekOrigin.Begin);
                using var reader = new StreamReader(stream);
                await Console.Out.WriteAsync(await reader.ReadToEndAsync(ct));
                position = stream.Position;
            }
            await Task.Delay(250, ct);
        }
    }

    private static bool TryParseAge(string text, out TimeSpan age)
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
