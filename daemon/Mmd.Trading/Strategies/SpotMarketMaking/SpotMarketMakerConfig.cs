namespace Mmd.Trading.Strategies.SpotMarketMaking;

/// <summary>Validated parameters of the spot market maker (seed §1.1.1). Percent values are in percent units.</summary>
public sealed record SpotMarketMakerConfig : StrategyConfig
{
    public required decimal SpreadPct { get; init; }
    /// <summary>Fixed quantity per order; null sizes from balances.</summary>
    public decimal? OrderQuantity { get; init; }
    public int Levels { get; init; } = 3;
    public bool RebalanceEnabled { get; init; } = true;
    public decimal BaseTargetPct { get; init; } = 30m;
    public decimal RebalanceThresholdPct { get; init; } = 15m;
    /// <summary>Avellaneda-Stoikov quoting (the spread becomes its floor); null: the seed's fixed spread.</summary>
    public AvellanedaStoikov.AvellanedaStoikovConfig? AvellanedaStoikov { get; init; }

    public override string Kind => "spot_market_making";

    public override IStrategy CreateStrategy() => new SpotMarketMaker(this);
}
