namespace Mmd.Trading.Strategies;

/// <summary>The validated parameters of one strategy, and how the engine drives it.</summary>
public abstract record StrategyConfig
{
    /// <summary>The forced refresh (the seed's interval): a quote is replaced once it has rested this long, regardless of tolerance.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A resting quote is kept while its price is within this % of the desired price.</summary>
    public decimal RefreshTolerancePct { get; init; } = 0.05m;

    /// <summary>
    /// Whether the forced refresh replaces resting quotes. Market makers re-quote; a grid's orders keep their
    /// time priority, so for grids the interval only re-asks the strategy.
    /// </summary>
    public virtual bool RefreshReplacesQuotes => true;

    /// <summary>The strategy's name in specs and stats, e.g. "spot_grid".</summary>
    public abstract string Kind { get; }

    public abstract IStrategy CreateStrategy();
}
