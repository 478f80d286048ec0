using Mmd.Trading.MarketData;

namespace Mmd.Trading.Strategies.AvellanedaStoikov;

/// <summary>σ²: an exponentially weighted variance of mid changes per second (price² / s), updated at most every 100 ms.</summary>
public sealed class VolatilityEstimator(TimeSpan halfLife)
{
    private static readonly TimeSpan MinSpacing = TimeSpan.FromMilliseconds(100);
    private decimal? _lastMid;
    private DateTimeOffset _lastAt;

    /// <summary>Price² per second; null until two mids some time apart were seen.</summary>
    public double? Variance { get; private set; }

    public void Observe(decimal mid, DateTimeOffset now)
    {
        if (_lastMid is not { } last) { (_lastMid, _lastAt) = (mid, now); return; }
        var dt = (now - _lastAt).TotalSeconds;
        if (dt < MinSpacing.TotalSeconds) return;
        var change = (double)(mid - last);
        var sample = change * change / dt;
        var weight = 1 - Math.Exp(-dt * Math.Log(2) / halfLife.TotalSeconds);
        Variance = Variance is { } v ? v + weight * (sample - v) : sample;
        (_lastMid, _lastAt) = (mid, now);
    }
}

/// <summary>
/// κ, the order-book intensity: if resting liquidity thins out as e^(-κδ) with the distance δ from the mid, its mean
/// distance is 1/κ. Estimated from the depth-weighted mean distance of the top levels, smoothed.
/// </summary>
public sealed class BookIntensityEstimator(int levels)
{
    private const double Smoothing = 0.2;

    /// <summary>Per unit of price; null before a two-sided book was seen.</summary>
    public double? Kappa { get; private set; }

    public void Observe(OrderBook book, decimal mid)
    {
        double weighted = 0, total = 0;
        for (var i = 0; i < Math.Min(levels, book.BidCount); i++)
        {
            var l = book.Bid(i);
            weighted += (double)(l.Quantity * (mid - l.Price));
            total += (double)l.Quantity;
        }
        for (var i = 0; i < Math.Min(levels, book.AskCount); i++)
        {
            var l = book.Ask(i);
            weighted += (double)(l.Quantity * (l.Price - mid));
            total += (double)l.Quantity;
        }
        if (total <= 0 || weighted <= 0) return;
        var kappa = total / weighted;
        Kappa = Kappa is { } k ? k + Smoothing * (kappa - k) : kappa;
    }
}
