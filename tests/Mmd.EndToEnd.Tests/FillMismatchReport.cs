using Mmd.Persistence.Entities;
using Xunit.Abstractions;

namespace Mmd.EndToEnd.Tests;

/// <summary>
/// When a venue's fills and an instance's journal disagree, writes the evidence before the check fails: the trades
/// on one side only, and the instance log's reconcile, warning, error and stop lines.
/// </summary>
internal static class FillMismatchReport
{
    /// <param name="venue">The venue's fills: the trade id the journal keeps for each, and how to describe it.</param>
    public static async Task WriteAsync(ITestOutputHelper output, IReadOnlyList<(string TradeId, string Text)> venue, IReadOnlyList<FillEntity> journaled,
        string daemonDir, string instance)
    {
        var journalIds = journaled.Select(f => f.TradeId).ToHashSet(StringComparer.Ordinal);
        var venueIds = venue.Select(f => f.TradeId).ToHashSet(StringComparer.Ordinal);
        foreach (var (id, text) in venue.Where(f => !journalIds.Contains(f.TradeId)))
            output.WriteLine($"venue only: trade {id} {text}");
        foreach (var f in journaled.Where(f => !venueIds.Contains(f.TradeId)))
            output.WriteLine($"journal only: trade {f.TradeId} order {f.VenueOrderId} client {f.ClientOrderId} {f.Side} {f.Quantity} @ {f.Price} {f.Purpose} at {f.TimestampMs}");
        foreach (var log in Directory.EnumerateFiles(daemonDir, "*.log", SearchOption.AllDirectories).Where(l => Path.GetFileName(l).Contains(instance, StringComparison.Ordinal)))
            foreach (var line in await File.ReadAllLinesAsync(log))
                if (line.Contains("reconciled", StringComparison.Ordinal) || line.Contains("WRN", StringComparison.Ordinal) || line.Contains("ERR", StringComparison.Ordinal) || line.Contains("stopp", StringComparison.Ordinal))
                    output.WriteLine($"{Path.GetFileName(log)}: {line}");
    }
}
