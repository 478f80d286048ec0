using System.Globalization;
using GrpcMM.Protos.V1;
using Mmd.Configuration;

namespace Mmd.Daemon;

/// <summary>Disk, memory and load readings against daemon.json's thresholds.</summary>
public static class ResourceHealth
{
    public static IReadOnlyList<ResourceCheck> Read(DaemonConfig config)
    {
        var t = config.Health;
        var checks = new List<ResourceCheck>();
        var freeMb = new DriveInfo(Path.GetFullPath(config.StateDir)).AvailableFreeSpace / (1024 * 1024);
        checks.Add(Check("disk_free_mb (state dir)", freeMb.ToString(CultureInfo.InvariantCulture), $">= {t.MinFreeDiskMb}", freeMb >= t.MinFreeDiskMb));
        if (MemAvailableMb() is { } memMb)
            checks.Add(Check("memory_available_mb", memMb.ToString(CultureInfo.InvariantCulture), $">= {t.MinAvailableMemoryMb}", memMb >= t.MinAvailableMemoryMb));
        if (LoadAverage() is { } load)
        {
            var perCore = load / Environment.ProcessorCount;
            checks.Add(Check("load_per_core (1 min)", perCore.ToString("0.00", CultureInfo.InvariantCulture), $"<= {t.MaxLoadPerCore.ToString(CultureInfo.InvariantCulture)}", perCore <= t.MaxLoadPerCore));
        }
        return checks;
    }

    private static ResourceCheck Check(string name, string value, string threshold, bool ok) => new() { Name = name, Value = value, Threshold = threshold, Ok = ok };

    private static long? MemAvailableMb()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(13).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException) { }
        return null;
    }

    private static double? LoadAverage()
    {
        try { return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture); }
        catch (Exception ex) when (ex is IOException or FormatException) { return null; }
    }
}
