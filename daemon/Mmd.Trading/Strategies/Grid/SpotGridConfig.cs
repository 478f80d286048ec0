namespace Mmd.Trading.Strategies.Grid;

/// <summary>Validated parameters of the spot grid (seed §1.4.1). Percent values are in percent units.</summary>
public sealed record SpotGridConfig : StrategyConfig
{
    /// <summary>Bounds; both null (or <see cref="AutoRange"/>) places the range around the first mid.</summary>
    public decimal? Lower { get; init; }
    public decimal? Upper { get; init; }
    public bool AutoRange { get; init; }
    public decimal PriceRangePct { get; init; } = 5m;
    /// <summary>Price levels, both bounds included (seed --grid-num).</summary>
    public int Levels { get; init; } = 10;
    public GridMode Mode { get; init; } = GridMode.Arithmetic;
    /// <summary>Base quantity per level; null sizes from the balances at start.</summary>
    public decimal? OrderQuantity { get; init; }
    /// <summary>Share of a bought quantity held back from its sell, for fees charged in the base asset (seed: 0.1 %).</summary>
    public decimal FeeAllowancePct { get; init; } = 0.1m;

    public override bool RefreshReplacesQuotes => false;

    public override string Kind => "spot_grid";

    public override IStrategy CreateStrategy() => new SpotGrid(this);
}
