namespace Mmd.Trading.Strategies.PerpMarketMaking;

/// <summary>What a stop-loss or take-profit does once the position is closed.</summary>
public enum ProtectiveAction
{
    /// <summary>Close the position and go on quoting (the seed since v2.4.0).</summary>
    KeepRunning = 1,
    /// <summary>Close the position and end the run.</summary>
    Stop = 2,
}

/// <summary>Validated parameters of the perpetual market maker (seed §1.2.1). Percent values are in percent units.</summary>
public sealed record PerpMarketMakerConfig : StrategyConfig
{
    public required decimal SpreadPct { get; init; }
    /// <summary>Fixed quantity per order; null sizes from the collateral.</summary>
    public decimal? OrderQuantity { get; init; }
    public int Levels { get; init; } = 3;
    /// <summary>Size (unsigned) the position may keep before it is reduced: target + threshold.</summary>
    public decimal TargetPosition { get; init; }
    /// <summary>Hard cap on the absolute position: above it the excess is closed at once, and no quote adds to it.</summary>
    public decimal MaxPosition { get; init; } = 1m;
    public decimal PositionThreshold { get; init; } = 0.1m;
    /// <summary>
    /// 0-1. At a full position (|position| = max) every quote moves by skew x mid against the position: skew 0.01 moves
    /// quotes 1 % of the price. The seed's scale, kept; it is far larger than a spread for any skew above ~0.005.
    /// </summary>
    public decimal InventorySkew { get; init; }
    /// <summary>Shown only; the venue's account setting decides the margin.</summary>
    public decimal Leverage { get; init; } = 1m;
    /// <summary>Loss of the whole position's unrealized PnL, in the quote asset, that closes it; null: off.</summary>
    public decimal? StopLoss { get; init; }
    /// <summary>Gain of the whole position's unrealized PnL, in the quote asset, that closes it; null: off.</summary>
    public decimal? TakeProfit { get; init; }
    public ProtectiveAction ProtectiveAction { get; init; } = ProtectiveAction.KeepRunning;
    /// <summary>Avellaneda-Stoikov quoting (the spread becomes its floor, the skew is replaced by the model); null: the seed's.</summary>
    public AvellanedaStoikov.AvellanedaStoikovConfig? AvellanedaStoikov { get; init; }

    public override string Kind => "perp_market_making";

    public override IStrategy CreateStrategy() => new PerpMarketMaker(this);
}
