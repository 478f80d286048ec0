namespace Mmd.Trading.Stats;

/// <summary>
/// Durations of the last minute, for live percentiles: the newest samples (at most <see cref="Capacity"/>) with the
/// time each was taken. Exact ranks of a bounded ring, not a histogram's buckets: a minute of a market maker's requests
/// is a few thousand samples, and the summary is read at most ten times a second. Used on the engine's loop only.
/// </summary>
public sealed class LatencyWindow(TimeProvider time)
{
    public static readonly TimeSpan Span = TimeSpan.FromMinutes(1);

    /// <summary>A burst beyond this in one minute is summarized by its newest samples.</summary>
    public const int Capacity = 4096;

    private readonly long[] _takenAt = new long[Capacity];
    private readonly TimeSpan[] _values = new TimeSpan[Capacity];
    private readonly TimeSpan[] _sorted = new TimeSpan[Capacity];
    private int _next, _count;

    public void Add(TimeSpan value)
    {
        _takenAt[_next] = time.GetTimestamp();
        _values[_next] = value < TimeSpan.Zero ? TimeSpan.Zero : value;
        _next = (_next + 1) % Capacity;
        if (_count < Capacity) _count++;
    }

    /// <summary>The samples of the last <see cref="Span"/>: how many, the median, the 99th percentile and the slowest (nearest rank).</summary>
    public LatencySummary Summarize()
    {
        // The oldest samples sit just after the newest in the ring: drop those past the span.
        while (_count > 0 && time.GetElapsedTime(_takenAt[(_next - _count + Capacity) % Capacity]) > Span) _count--;
        if (_count == 0) return default;
        for (var i = 0; i < _count; i++) _sorted[i] = _values[(_next - _count + i + Capacity) % Capacity];
        var sorted = _sorted.AsSpan(0, _count);
        sorted.Sort();
        return new LatencySummary(_count, Rank(sorted, 0.50), Rank(sorted, 0.99), sorted[^1]);
    }

    private static TimeSpan Rank(ReadOnlySpan<TimeSpan> sorted, double quantile) =>
        sorted[Math.Max(0, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
}
