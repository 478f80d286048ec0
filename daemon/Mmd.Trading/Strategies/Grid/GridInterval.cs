using Mmd.Trading.Primitives;
using Mmd.Trading.Stats;

namespace Mmd.Trading.Strategies.Grid;

/// <summary>
/// One interval of a spot grid, between level <c>Index</c> and <c>Index + 1</c>. It owns one order at a time: a buy
/// at its lower level (holding quote) or a sell at its upper level (holding base). When that order completes the
/// interval flips. Every two phases make a round trip (buy then sell, or, for inventory the grid started with, sell
/// then buy), whose profit is booked when its second order completes.
/// </summary>
internal sealed class GridInterval(int index)
{
    private decimal _notional;
    private decimal _netBase;
    // The leg the previous phase opened, closed by the current one; zero quantity when the current phase opens one.
    private decimal _legQuantity;
    private decimal _legNotional;
    private bool _fromInventory;

    public int Index { get; } = index;
    public Side Phase { get; private set; }
    /// <summary>Size of the current phase's order.</summary>
    public decimal Quantity { get; private set; }
    public decimal Filled { get; private set; }
    public decimal Remaining => Quantity - Filled;
    /// <summary>Bought at the lower level and holding it until it sells higher: the seed's level lock.</summary>
    public bool Locked => Phase == Side.Sell && !_fromInventory;

    /// <summary>A fresh interval: buying below the price, or selling inventory above it.</summary>
    public void Start(Side phase, decimal quantity)
    {
        Phase = phase;
        Quantity = quantity;
        Filled = _notional = _netBase = _legQuantity = _legNotional = 0;
        _fromInventory = phase == Side.Sell;
    }

    /// <summary>
    /// Resumes from an order found resting after a restart. With the interval's state from the last run's snapshot (same
    /// phase), it carries on exactly; without it, a sell at the upper level is taken as bought at the lower one (the grid
    /// placed it after a buy there, or as inventory: either way the round trip is priced at the level). What the order
    /// filled before the restart is counted at its price (a post-only order fills at its limit).
    /// </summary>
    public void Resume(Side phase, decimal quantity, decimal remaining, decimal price, decimal lowerPrice, GridIntervalState? last)
    {
        Phase = phase;
        Quantity = quantity;
        Filled = quantity - remaining;
        _notional = Filled * price;
        _netBase = phase == Side.Buy ? Filled : 0m;
        if (last is not null && last.Phase == phase)
        {
            (_legQuantity, _legNotional, _fromInventory) = (last.LegQuantity, last.LegNotional, last.FromInventory);
            return;
        }
        (_legQuantity, _legNotional) = phase == Side.Sell ? (quantity, quantity * lowerPrice) : (0m, 0m);
        _fromInventory = false;
    }

    public GridIntervalState State => new(Phase, _legQuantity, _legNotional, _fromInventory);

    public void Apply(decimal price, decimal quantity, decimal baseFee)
    {
        Filled += quantity;
        _notional += price * quantity;
        _netBase += quantity - baseFee;
    }

    /// <summary>Ends the current phase and starts the opposite one; returns the round trip it closed, if any.</summary>
    /// <param name="buyQuantity">Size of the next buy (the grid's per-level quantity).</param>
    /// <param name="sellQuantity">Rounds what a buy received, less the fee allowance, to a sellable size.</param>
    public RoundTrip? Complete(decimal buyQuantity, Func<decimal, decimal> sellQuantity)
    {
        RoundTrip? closed = null;
        decimal legQuantity = 0, legNotional = 0;
        if (_legQuantity > 0 && Filled > 0)
        {
            var open = _legNotional / _legQuantity;
            var close = _notional / Filled;
            closed = new RoundTrip(Phase == Side.Sell ? (close - open) * Filled : (open - close) * Filled);
        }
        else if (Filled > 0)
        {
            (legQuantity, legNotional) = (Filled, _notional);
        }
        var next = Phase == Side.Buy ? Side.Sell : Side.Buy;
        var quantity = next == Side.Sell ? sellQuantity(_netBase) : buyQuantity;
        Phase = next;
        Quantity = quantity;
        Filled = _notional = _netBase = 0;
        (_legQuantity, _legNotional) = (legQuantity, legNotional);
        _fromInventory = false;
        return closed;
    }
}

/// <summary>A completed buy-sell pair of one grid interval and its gross profit (fees are in the trading figures).</summary>
internal readonly record struct RoundTrip(decimal Profit);
