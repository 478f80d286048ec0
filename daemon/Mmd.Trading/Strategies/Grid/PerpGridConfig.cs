using Mmd.Trading.Strategies.PerpMarketMaking;

namespace Mmd.Trading.Strategies.Grid;

/// <summary>Which way a perpetual grid opens positions.</summary>
public enum GridType
{
    /// <summary>Buys below the price and sells above it: long and short levels side by side.</summary>
    Neutral = 1,
    /// <summary>Only opens longs, on levels at or below the price.</summary>
    LongOnly = 2,
    /// <summary>Only opens shorts, on levels at or above the price.</summary>
    ShortOnly = 3,
}

/// <summary>What a perpetual grid does when the price leaves its range (seed §1.5.9).</summary>
public enum BoundaryAction
{
    /// <summary>Cancel every order, close the position at market, end the run.</summary>
    EmergencyClose = 1,
    /// <summary>Move the range around the price (as the auto range) and rebuild the grid, keeping the position covered.</summary>
    AdjustRange = 2,
    /// <summary>Cancel every order, keep the position, end the run.</summary>
    StopOnly = 3,
}

/// <summary>Validated parameters of the perpetual grid (seed §1.5.1). Percent values are in percent units.</summary>
public sealed record PerpGridConfig : GridConfig
{
    public GridType Type { get; init; } = GridType.Neutral;
    /// <summary>Cap on |position|: opens that could pass it are left out, and an excess is closed at market.</summary>
    public decimal MaxPosition { get; init; } = 1m;
    public decimal? StopLoss { get; init; }
    public decimal? TakeProfit { get; init; }
    /// <summary>After a stop-loss or take-profit: rebuild the grid (keep running) or end the run.</summary>
    public ProtectiveAction ProtectiveAction { get; init; } = ProtectiveAction.KeepRunning;
    public bool BoundaryCheck { get; init; } = true;
    /// <summary>How far past a bound (a fraction of it) the price may go before the boundary action.</summary>
    public decimal BoundaryTolerance { get; init; } = 0.001m;
    public BoundaryAction BoundaryAction { get; init; } = BoundaryAction.EmergencyClose;
    /// <summary>Rejected close orders of a level before it is closed at market instead.</summary>
    public int CloseRetries { get; init; } = 3;

    public override string Kind => "perp_grid";

    public override IStrategy CreateStrategy() => new PerpGrid(this);
}
