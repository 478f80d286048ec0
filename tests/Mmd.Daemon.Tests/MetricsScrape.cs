using Prometheus;

namespace Mmd.Daemon.Tests;

/// <summary>A registry's metrics as Prometheus scrapes them: the text format.</summary>
internal static class MetricsScrape
{
    public static async Task<string> TextAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
