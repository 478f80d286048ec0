namespace Mmd.Trading.Risk;

/// <summary>Pre-trade limits. A null limit is off.</summary>
public sealed record RiskLimits
{
    public decimal? MaxPosition { get; init; }
    public decimal? MaxOrderNotional { get; init; }
    public int MaxOrdersPerSecond { get; init; } = 20;
    public decimal PriceBandPct { get; init; } = 5m;
    public decimal? MaxDrawdown { get; init; }
    /// <summary>Largest loss of one UTC day (net PnL at its start minus now, quote units): quoting halts until the next day.</summary>
    public decimal? MaxDailyLoss { get; init; }
}
