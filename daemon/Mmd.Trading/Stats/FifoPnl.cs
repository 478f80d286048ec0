using Mmd.Trading.Primitives;

namespace Mmd.Trading.Stats;

/// <summary>
/// Realized PnL by true FIFO over both directions: a buy first closes the oldest open short lots,
/// a sell the oldest open long lots; whatever is left opens a lot. Short round trips count
/// (the seed ignored them, §9.2-15). Gross of fees.
/// </summary>
public sealed class FifoPnl
{
    private readonly LinkedList<FifoLot> _lots = new();

    public decimal Realized { get; private set; }

    /// <summary>Signed open quantity: long &gt; 0, short &lt; 0.</summary>
    public decimal OpenQuantity { get; private set; }

    /// <summary>Quantity-weighted price of the open lots, or 0 when flat.</summary>
    public decimal AverageOpenPrice
    {
        get
        {
            decimal qty = 0, cost = 0;
            foreach (var lot in _lots) { qty += lot.Quantity; cost += lot.Quantity * lot.Price; }
            return qty == 0 ? 0 : cost / qty;
        }
    }

    /// <summary>What the open lots cost, signed as the position: paid for a long (&gt; 0), received for a short (&lt; 0).</summary>
    public decimal OpenCost
    {
        get
        {
            var cost = 0m;
            foreach (var lot in _lots) cost += lot.Quantity * lot.Price;
            return Math.Sign(OpenQuantity) * cost;
        }
    }

    /// <summary>Applies one fill; returns the PnL it realized.</summary>
    public decimal Apply(Side side, decimal price, decimal quantity)
    {
        if (quantity <= 0) throw new ArgumentOutOfRangeException(nameof(quantity), quantity, "fill quantity must be positive");
        var sign = side.Sign();
        var remaining = quantity;
        var realized = 0m;
        // Close opposite lots, oldest first.
        while (remaining > 0 && _lots.First is { } first && Math.Sign(OpenQuantity) == -sign)
        {
            var lot = first.Value;
            var matched = Math.Min(remaining, lot.Quantity);
            // Long lot closed by a sell: (sell - buy); short lot closed by a buy: (sell - buy) too.
            realized += side == Side.Sell ? (price - lot.Price) * matched : (lot.Price - price) * matched;
            remaining -= matched;
            OpenQuantity += sign * matched;
            if (matched == lot.Quantity) _lots.RemoveFirst();
            else first.Value = lot with { Quantity = lot.Quantity - matched };
        }
        if (remaining > 0)
        {
            _lots.AddLast(new FifoLot(price, remaining));
            OpenQuantity += sign * remaining;
        }
        Realized += realized;
        return realized;
    }

    /// <summary>Mark-to-market of the open lots at <paramref name="mark"/>; shorts are valued too.</summary>
    public decimal Unrealized(decimal mark)
    {
        var total = 0m;
        var sign = Math.Sign(OpenQuantity);
        foreach (var lot in _lots) total += sign * (mark - lot.Price) * lot.Quantity;
        return total;
    }

    /// <summary>The open lots, oldest first (all on the side of <see cref="OpenQuantity"/>).</summary>
    public IReadOnlyList<FifoLot> Lots => [.. _lots];

    /// <summary>
    /// Starts from a saved state (a checkpoint). False, changing nothing, when the lots do not add up to
    /// <paramref name="openQuantity"/>: a state that does not hold together is not trusted.
    /// </summary>
    public bool Restore(IReadOnlyList<FifoLot> lots, decimal openQuantity, decimal realized)
    {
        if (lots.Any(l => l.Quantity <= 0) || lots.Sum(l => l.Quantity) != Math.Abs(openQuantity)) return false;
        _lots.Clear();
        foreach (var lot in lots) _lots.AddLast(lot);
        OpenQuantity = openQuantity;
        Realized = realized;
        return true;
    }
}

/// <summary>An open lot: what it was opened at, and how much of it is still open.</summary>
public readonly record struct FifoLot(decimal Price, decimal Quantity);
