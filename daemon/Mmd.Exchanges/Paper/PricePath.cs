namespace Mmd.Exchanges.Paper;

/// <summary>
/// A scripted mid for one symbol: points (time since the venue started, price), joined by straight lines. While the
/// path lasts it replaces the random walk; after its last point the walk goes on from there.
/// </summary>
public sealed class PricePath
{
    private readonly (TimeSpan At, decimal Price)[] _points;

    public PricePath(IEnumerable<(TimeSpan At, decimal Price)> points)
    {
        _points = points.OrderBy(p => p.At).ToArray();
        if (_points.Length == 0) throw new ArgumentException("a price path needs at least one point", nameof(points));
        if (_points.Any(p => p.Price <= 0)) throw new ArgumentException("path prices must be positive", nameof(points));
    }

    public IReadOnlyList<(TimeSpan At, decimal Price)> Points => _points;

    public TimeSpan End => _points[^1].At;

    /// <summary>The scripted mid at <paramref name="elapsed"/>; null after the path ended.</summary>
    public decimal? At(TimeSpan elapsed)
    {
        if (elapsed > End) return null;
        if (elapsed <= _points[0].At) return _points[0].Price;
        // The first point at or after the moment (a recorded path has a point for every few seconds of a month): the
        // segment from the point before it holds the moment.
        int lo = 1, hi = _points.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_points[mid].At < elapsed) lo = mid + 1;
            else hi = mid;
        }
        var (t0, p0) = _points[lo - 1];
        var (t1, p1) = _points[lo];
        var span = (t1 - t0).Ticks;
        return span == 0 ? p1 : p0 + (p1 - p0) * (elapsed - t0).Ticks / span;
    }
}
