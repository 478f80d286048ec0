using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;

namespace Mmd.Trading.Strategies.PerpMarketMaking;

/// <summary>Why a position is being closed by the strategy.</summary>
public enum PositionTrigger
{
    None = 0,
    AboveMax = 1,
    AboveTarget = 2,
    StopLoss = 3,
    TakeProfit = 4,
}

/// <summary>The seed's position management (§1.2.3) and stop-loss / take-profit (§1.2.5), as pure functions.</summary>
public static class PositionControl
{
    /// <summary>
    /// How much of the position to close now: the excess above max, else the excess above target + threshold;
    /// never more than the position. Only ever reduces; it never trades toward the target.
    /// </summary>
    public static (PositionTrigger Trigger, decimal Quantity) Excess(decimal position, decimal target, decimal threshold, decimal max)
    {
        var size = Math.Abs(position);
        if (size > max) return (PositionTrigger.AboveMax, size - max);
        if (size > target + threshold) return (PositionTrigger.AboveTarget, size - (target + threshold));
        return (PositionTrigger.None, 0m);
    }

    /// <summary>Stop-loss and take-profit on the whole position's unrealized PnL in quote units (not prices, not per trade).</summary>
    public static PositionTrigger Protective(decimal position, decimal unrealizedPnl, decimal? stopLoss, decimal? takeProfit, decimal minQuantity)
    {
        if (Math.Abs(position) <= minQuantity / 10m) return PositionTrigger.None;
        if (stopLoss is { } sl && unrealizedPnl <= -sl) return PositionTrigger.StopLoss;
        if (takeProfit is { } tp && unrealizedPnl >= tp) return PositionTrigger.TakeProfit;
        return PositionTrigger.None;
    }

    /// <summary>
    /// An IOC market order closing <paramref name="quantity"/> of the position, reduce-only unless the account's position
    /// refuses that (<see cref="ReduceOnlyRefusal"/>); null below the venue minimum.
    /// </summary>
    public static OrderIntent? Close(InstrumentSpec instrument, decimal position, decimal quantity, decimal mid, bool reduceOnly = true)
    {
        var size = instrument.RoundQuantity(Math.Min(Math.Abs(quantity), Math.Abs(position)));
        if (size <= 0 || !instrument.MeetsMinimums(mid, size)) return null;
        return new OrderIntent(position > 0 ? Side.Sell : Side.Buy, OrderType.Market, TimeInForce.Ioc, null, size,
            OrderPurpose.Reduce, ReduceOnly: reduceOnly);
    }
}
