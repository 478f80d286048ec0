using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;

namespace Mmd.Trading.Strategies;

/// <summary>One of our fills as a strategy sees it: what was traded, and which of its orders traded.</summary>
/// <param name="Level">The quote level of the order (grid level index for grids); -1 for one-off orders.</param>
/// <param name="OrderRemaining">What the order still has open after this fill; 0 when it is complete.</param>
public readonly record struct StrategyFill(
    Side Side,
    decimal Price,
    decimal Quantity,
    decimal Fee,
    string FeeAsset,
    bool IsMaker,
    OrderPurpose Purpose,
    int Level,
    decimal OrderPrice,
    decimal OrderRemaining)
{
    /// <summary>The fill is on the instance's hedge market (a cross-market hedge), not where it quotes.</summary>
    public bool OnHedgeMarket { get; init; }
}

/// <summary>One of the strategy's orders the venue refused.</summary>
public readonly record struct StrategyRejection(Side Side, int Level, OrderPurpose Purpose, Execution.RejectCode Code, bool ReduceOnly, string? Message,
    DateTimeOffset At = default);

/// <summary>One of the strategy's resting orders adopted at start: its key, side, price and what is left of it.</summary>
public readonly record struct AdoptedOrder(Side Side, int Level, decimal Price, decimal Quantity, decimal Remaining);
