namespace Mmd.Trading.Strategies.Grid;

/// <summary>What every grid shares: its range (fixed, or around the price at start), levels and spacing.</summary>
public abstract record GridConfig : StrategyConfig
{
    /// <summary>Bounds; null (or <see cref="AutoRange"/>) places the range around the first mid.</summary>
    public decimal? Lower { get; init; }
    public decimal? Upper { get; init; }
    public bool AutoRange { get; init; }
    public decimal PriceRangePct { get; init; } = 5m;
    /// <summary>Price levels, both bounds included (seed --grid-num).</summary>
    public int Levels { get; init; } = 10;
    public GridMode Mode { get; init; } = GridMode.Arithmetic;
    /// <summary>Base quantity per level; null sizes it at start (each grid by its own rule).</summary>
    public decimal? OrderQuantity { get; init; }

    public override bool RefreshReplacesQuotes => false;

    /// <summary>The fixed range, when there is one.</summary>
    public (decimal Lower, decimal Upper)? FixedRange => !AutoRange && Lower is { } lower && Upper is { } upper ? (lower, upper) : null;
}
