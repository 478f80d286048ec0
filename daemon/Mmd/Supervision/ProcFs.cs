using System.Globalization;

namespace Mmd.Supervision;

/// <summary>What /proc says about a process: alive, its start time (to tell a reused pid apart), its memory and CPU time.</summary>
public static class ProcFs
{
    // When the machine booted, to the 10 ms of /proc/uptime (the clock /proc/PID/stat's starttime counts from). Not
    // /proc/stat's btime: it is whole seconds, truncated, which put a worker's start up to a second early (before the
    // end of the worker it replaced, in mmctl history).
    private static readonly Lazy<DateTimeOffset> BootTime = new(() =>
    {
        var uptime = File.ReadAllText("/proc/uptime");
        var now = DateTimeOffset.UtcNow;
        return now - TimeSpan.FromSeconds(double.Parse(uptime.AsSpan(0, uptime.IndexOf(' ')), CultureInfo.InvariantCulture));
    });

    /// <summary>The process's start time from /proc/PID/stat, or null when it does not exist (or is a zombie).</summary>
    public static DateTimeOffset? StartTime(int pid)
    {
        try
        {
            var fields = StatFields(pid);
            if (fields[0] == "Z") return null;
            var ticks = long.Parse(fields[19], CultureInfo.InvariantCulture); // field 22: starttime in clock ticks
            // USER_HZ is 100 on Linux; whole milliseconds, as the database keeps it.
            return DateTimeOffset.FromUnixTimeMilliseconds(BootTime.Value.AddSeconds(ticks / 100.0).ToUnixTimeMilliseconds());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>User plus system CPU time the process has used so far, or null when it is gone.</summary>
    public static TimeSpan? CpuTime(int pid)
    {
        try
        {
            var fields = StatFields(pid);
            // Fields 14 and 15: utime and stime, in clock ticks (USER_HZ, 100 on Linux).
            return TimeSpan.FromSeconds((long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    // The fields of /proc/PID/stat from the third on (state first): the command name is in parentheses and may hold
    // spaces, so they are counted after the last ')'.
    private static string[] StatFields(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    /// <summary>True when PID runs and started within a few seconds of <paramref name="startedAt"/> (so it is the same process).</summary>
    public static bool IsSameProcess(int pid, DateTimeOffset startedAt) =>
        StartTime(pid) is { } actual && (actual - startedAt).Duration() < TimeSpan.FromSeconds(5);

    /// <summary>Resident set size in bytes (VmRSS), or null when the process is gone.</summary>
    public static long? ResidentBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException) { }
        return null;
    }
}
