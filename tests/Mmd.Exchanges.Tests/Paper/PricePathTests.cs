using Mmd.Exchanges.Paper;

namespace Mmd.Exchanges.Tests.Paper;

/// <summary>A scripted mid: straight lines between points, found by a search as a recorded path has millions of them.</summary>
public class PricePathTests
{
    [Fact]
    public void TheMid_IsOnTheSegmentThatHoldsTheMoment_AtEveryMoment_WithPointsSharingATime()
    {
        var random = new Random(7);
        var points = new List<(TimeSpan At, decimal Price)>();
        var at = TimeSpan.FromSeconds(5);
        for (var i = 0; i < 2000; i++)
        {
            points.Add((at, 100m + random.Next(-500, 500) / 100m));
            if (i % 4 == 3) points.Add((at, 100m + random.Next(-500, 500) / 100m)); // a candle's close and the next one's open
            at += TimeSpan.FromMilliseconds(random.Next(1, 3000));
        }
        var path = new PricePath(points);

        Assert.Equal(points[0].Price, path.At(TimeSpan.Zero)); // before the first point: the first price
        Assert.Null(path.At(path.End + TimeSpan.FromTicks(1)));
        for (var t = TimeSpan.Zero; t <= path.End; t += TimeSpan.FromMilliseconds(37))
            Assert.Equal(Expected(points, t), path.At(t));
        foreach (var (time, _) in points) Assert.Equal(Expected(points, time), path.At(time));
    }

    /// <summary>The segment that ends at the first point at or after the moment, walked to.</summary>
    private static decimal Expected(List<(TimeSpan At, decimal Price)> points, TimeSpan t)
    {
        if (t <= points[0].At) return points[0].Price;
        for (var i = 1; i < points.Count; i++)
        {
            if (t > points[i].At) continue;
            var (t0, p0) = points[i - 1];
            var (t1, p1) = points[i];
            return t1 == t0 ? p1 : p0 + (p1 - p0) * (t - t0).Ticks / (t1 - t0).Ticks;
        }
        return points[^1].Price;
    }
}
