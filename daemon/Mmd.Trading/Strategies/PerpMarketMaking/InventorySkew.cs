using Mmd.Trading.Primitives;

namespace Mmd.Trading.Strategies.PerpMarketMaking;

/// <summary>The seed's inventory skew (§1.2.2), with its scale documented rather than changed.</summary>
public static class InventorySkew
{
    /// <summary>
    /// Price shift of every quote: mid x skew x clamp(position / max, -1, 1). Long positions move all quotes down
    /// (sells get hit sooner, buys later), shorts up. Note the scale: a fraction of the price, not of the spread.
    /// </summary>
    public static decimal Offset(decimal mid, decimal skew, decimal position, decimal maxPosition)
    {
        if (skew <= 0 || maxPosition <= 0) return 0m;
        var ratio = Math.Clamp(position / maxPosition, -1m, 1m);
        return mid * skew * ratio;
    }

    /// <summary>
    /// Shifts both ladders by -offset, re-rounded to the tick. A shift that would make the best bid reach the best
    /// ask is not applied (the seed's guard), and neither is one for a position below the venue minimum.
    /// </summary>
    public static bool Apply(InstrumentSpec instrument, Span<decimal> bids, Span<decimal> asks, decimal mid, decimal skew, decimal position, decimal maxPosition)
    {
        if (Math.Abs(position) < instrument.MinQuantity) return false;
        var offset = Offset(mid, skew, position, maxPosition);
        if (offset == 0 || bids.Length == 0) return false;
        if (instrument.RoundPrice(bids[0] - offset) >= instrument.RoundPrice(asks[0] - offset)) return false;
        for (var i = 0; i < bids.Length; i++)
        {
            bids[i] = instrument.RoundPrice(bids[i] - offset);
            asks[i] = instrument.RoundPrice(asks[i] - offset);
        }
        return true;
    }
}
