namespace Mmd.Trading.Execution;

/// <summary>
/// The candle intervals every connector serves, by their usual names (1m ... 1d). A venue that lacks one builds it
/// from a shorter one it has (<see cref="Aggregate"/>). Candles open at whole multiples of their interval since the
/// Unix epoch, as every venue's do.
/// </summary>
public static class CandleIntervals
{
    public static IReadOnlyList<(string Name, TimeSpan Interval)> All { get; } =
    [
        ("1m", TimeSpan.FromMinutes(1)), ("5m", TimeSpan.FromMinutes(5)), ("15m", TimeSpan.FromMinutes(15)), ("30m", TimeSpan.FromMinutes(30)),
        ("1h", TimeSpan.FromHours(1)), ("4h", TimeSpan.FromHours(4)), ("1d", TimeSpan.FromDays(1)),
    ];

    public static string Names => string.Join(", ", All.Select(i => i.Name));

    /// <summary>The interval named (any case); null for a name not in <see cref="All"/>.</summary>
    public static TimeSpan? Parse(string name)
    {
        foreach (var (known, interval) in All)
            if (string.Equals(known, name.Trim(), StringComparison.OrdinalIgnoreCase)) return interval;
        return null;
    }

    public static string Name(TimeSpan interval) =>
        All.FirstOrDefault(i => i.Interval == interval).Name ?? throw new ArgumentException($"{interval} is not a candle interval ({Names})", nameof(interval));

    /// <summary>The start of the interval that holds <paramref name="time"/>.</summary>
    public static DateTimeOffset Floor(DateTimeOffset time, TimeSpan interval) =>
        DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds() / (long)interval.TotalMilliseconds * (long)interval.TotalMilliseconds);

    /// <summary>Shorter candles, oldest first, joined into candles of <paramref name="interval"/>.</summary>
    public static IReadOnlyList<Candle> Aggregate(IEnumerable<Candle> candles, TimeSpan interval) =>
        candles.GroupBy(c => Floor(c.Time, interval))
            .Select(g => new Candle(g.Key, g.First().Open, g.Max(c => c.High), g.Min(c => c.Low), g.Last().Close, g.Sum(c => c.Volume)))
            .ToList();

    /// <summary>
    /// Reads [<paramref name="from"/>, <paramref name="to"/>) in windows of at most <paramref name="perRead"/> candles
    /// (a venue's limit per request), oldest first, and keeps each candle once.
    /// </summary>
    public static async Task<IReadOnlyList<Candle>> ReadPagedAsync(TimeSpan interval, DateTimeOffset from, DateTimeOffset to, int perRead,
        Func<DateTimeOffset, DateTimeOffset, CancellationToken, Task<IReadOnlyList<Candle>>> read, CancellationToken cancellationToken)
    {
        var candles = new List<Candle>();
        var start = Floor(from, interval);
        if (start < from) start += interval;
        while (start < to)
        {
            var end = start + interval * perRead < to ? start + interval * perRead : to;
            foreach (var c in (await read(start, end, cancellationToken).ConfigureAwait(false)).OrderBy(c => c.Time))
                if (c.Time >= start && c.Time < end && (candles.Count == 0 || c.Time > candles[^1].Time)) candles.Add(c);
            start = end;
        }
        return candles;
    }
}
