namespace Mmd.Trading.Strategies.AvellanedaStoikov;

/// <summary>One quote of the model: the reservation price and the half spread around it, both in price units.</summary>
public readonly record struct ModelQuote(decimal Reservation, decimal HalfSpread, double Sigma, double Kappa);

/// <summary>
/// The Avellaneda-Stoikov (2008) quotes for an infinite-horizon market held at a constant T - t:
/// reservation r = s - q γ σ² T, full spread δ = γ σ² T + (2/γ) ln(1 + γ/κ), with q the inventory in order units.
/// The spread is kept between the floor and the cap, and the reservation within half the cap of the mid, so no
/// estimate (a quiet book, a burst of volatility) can quote absurdly.
/// </summary>
public sealed class AvellanedaStoikovModel(AvellanedaStoikovConfig config)
{
    private readonly VolatilityEstimator _volatility = new(config.VolatilityHalfLife);
    private readonly BookIntensityEstimator _intensity = new(config.DepthLevels);

    public AvellanedaStoikovConfig Config => config;

    /// <summary>The latest quote; null until both estimators have data.</summary>
    public ModelQuote? Last { get; private set; }

    public void Observe(MarketData.OrderBook book, decimal mid, DateTimeOffset now)
    {
        _volatility.Observe(mid, now);
        _intensity.Observe(book, mid);
    }

    /// <param name="inventory">Position in order units (position / order size), signed.</param>
    /// <param name="minSpreadPct">The floor of the full spread, in % of the mid.</param>
    public ModelQuote? Quote(decimal mid, decimal inventory, decimal minSpreadPct)
    {
        if (_volatility.Variance is not { } variance || _intensity.Kappa is not { } kappa || kappa <= 0) return null;
        var gamma = (double)config.RiskAversion;
        var t = config.Horizon.TotalSeconds;
        var shift = (double)inventory * gamma * variance * t;
        var spread = gamma * variance * t + 2 / gamma * Math.Log(1 + gamma / kappa);
        var floor = (double)(mid * minSpreadPct / 100m);
        var cap = (double)(mid * config.MaxSpreadPct / 100m);
        var half = Math.Clamp(spread, floor, Math.Max(floor, cap)) / 2;
        var maxShift = cap / 2;
        var quote = new ModelQuote(mid - (decimal)Math.Clamp(shift, -maxShift, maxShift), (decimal)half, Math.Sqrt(variance), kappa);
        Last = quote;
        return quote;
    }
}
