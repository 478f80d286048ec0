using System.Globalization;
using Mmd.Persistence;

namespace Mmd.Alerts;

/// <summary>
/// Once a UTC day, just after midnight: each instance's trading of the day that ended, from its journal, as an info alert
/// (the daily report a trader reads on the phone). Not the day the daemon started on: it was not up at that midnight.
/// </summary>
public sealed class DailyDigest(DateOnly startedOn)
{
    private DateOnly _said = startedOn;

    /// <summary>The day to sum up now (the one that just ended), once; null when it is not yet due or said.</summary>
    public DateOnly? Due(DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (today <= _said) return null;
        _said = today;
        return today.AddDays(-1);
    }

    /// <summary>
    /// An alert for each instance that traded on <paramref name="day"/> (a fill, or a net PnL its worker kept); an
    /// instance whose journal cannot be read is said as such rather than left out.
    /// </summary>
    public static async Task<IReadOnlyList<Alert>> ForAsync(IEnumerable<(string Name, string? Journal)> instances, DateOnly day, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var alerts = new List<Alert>();
        foreach (var (name, journal) in instances)
        {
            if (journal is null || !File.Exists(journal)) continue;
            try
            {
                var traded = (await JournalBrowser.DailyAsync(journal, name, day, cancellationToken)).FirstOrDefault(d => d.Day == day);
                if (traded is { Fills: > 0 } or { NetPnl: not null }) alerts.Add(new Alert(now, AlertLevel.Info, name, "daily", Message(traded)));
            }
            catch (DatabaseUnusableException ex)
            {
                alerts.Add(new Alert(now, AlertLevel.Warning, name, "daily", $"{Date(day)}: its journal cannot be read: {ex.Message}"));
            }
        }
        return alerts;
    }

    /// <summary>"2026-12-05: 1234 fills (610 buys, 624 sells), bought 12.5, sold 12.4, volume 1876.25, maker 98.5 %, fees 0.4 USDC, net PnL +3.21".</summary>
    public static string Message(DailyTrading day)
    {
        var parts = new List<string>
        {
            $"{Date(day.Day)}: {Count(day.Fills, "fill")} ({Count(day.BuyFills, "buy")}, {Count(day.SellFills, "sell")})",
        };
        if (day.Fills > 0)
        {
            parts.Add(Invariant($"bought {day.Bought}, sold {day.Sold}, volume {day.QuoteVolume:0.##}"));
            if (day.QuoteVolume > 0) parts.Add(Invariant($"maker {day.MakerQuoteVolume / day.QuoteVolume * 100m:0.#} %"));
            parts.Add("fees " + string.Join(" + ", day.FeesByAsset.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => Invariant($"{f.Value:0.########} {f.Key}"))));
        }
        if (day.NetPnl is { } net) parts.Add(Invariant($"net PnL {net:+0.########;-0.########;0}"));
        return string.Join(", ", parts);
    }

    private static string Count(long n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";

    private static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
