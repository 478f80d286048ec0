namespace Mmd.Trading.Strategies.Grid;

/// <summary>Validated parameters of the spot grid (seed §1.4.1). Percent values are in percent units.</summary>
public sealed record SpotGridConfig : GridConfig
{
    /// <summary>Share of a bought quantity held back from its sell, for fees charged in the base asset (seed: 0.1 %).</summary>
    public decimal FeeAllowancePct { get; init; } = 0.1m;

    public override string Kind => "spot_grid";

    public override IStrategy CreateStrategy() => new SpotGrid(this);
}
