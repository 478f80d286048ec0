namespace Mmd.Trading.Strategies.AvellanedaStoikov;

/// <summary>
/// Avellaneda-Stoikov quoting for the market makers: the reservation price moves against the inventory and the spread
/// follows volatility and book intensity, both estimated online. The market maker's spread_pct is the floor.
/// </summary>
public sealed record AvellanedaStoikovConfig
{
    /// <summary>Risk aversion γ, per quote unit of price: larger skews harder against inventory and widens the spread.</summary>
    public required decimal RiskAversion { get; init; }
    /// <summary>The horizon T - t of the model, held constant for a market that never closes.</summary>
    public TimeSpan Horizon { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Half-life of the volatility estimate (an exponentially weighted variance of mid changes per second).</summary>
    public TimeSpan VolatilityHalfLife { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Book levels a side used to estimate the intensity κ.</summary>
    public int DepthLevels { get; init; } = 10;
    /// <summary>Cap on the full spread, in % of the mid.</summary>
    public decimal MaxSpreadPct { get; init; } = 2m;
}
