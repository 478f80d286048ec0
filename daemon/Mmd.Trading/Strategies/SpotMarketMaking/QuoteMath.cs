using Mmd.Trading.Primitives;

namespace Mmd.Trading.Strategies.SpotMarketMaking;

/// <summary>The seed's quote formulas (§1.1.2, §1.1.3), in decimal.</summary>
public static class QuoteMath
{
    /// <summary>Level offset in ticks: (i^1.5) x 1.5 -> 0, 1.5, 4.24, 7.79, 12, ...</summary>
    public static decimal LevelOffsetTicks(int level) => (decimal)Math.Pow(level, 1.5) * 1.5m;

    /// <summary>
    /// Bid and ask prices per level: mid -/+ spread/2, each level (i^1.5) x 1.5 ticks further out,
    /// rounded to the nearest tick (index 0 is closest to the mid).
    /// </summary>
    public static void Prices(InstrumentSpec instrument, decimal mid, decimal spreadPct, Span<decimal> bids, Span<decimal> asks)
    {
        var exactSpread = mid * spreadPct / 100m;
        Ladder(instrument, instrument.RoundPrice(mid - exactSpread / 2m), instrument.RoundPrice(mid + exactSpread / 2m), bids, asks);
    }

    /// <summary>The ladder from a best bid and ask: each level (i^1.5) x 1.5 ticks further out, rounded to the tick.</summary>
    public static void Ladder(InstrumentSpec instrument, decimal baseBuy, decimal baseSell, Span<decimal> bids, Span<decimal> asks)
    {
        for (var i = 0; i < bids.Length; i++)
        {
            var offset = LevelOffsetTicks(i) * instrument.TickSize;
            bids[i] = instrument.RoundPrice(baseBuy - offset);
            asks[i] = instrument.RoundPrice(baseSell + offset);
        }
    }

    /// <summary>Fixed size: the configured quantity floored to the step, never below the venue minimum.</summary>
    public static decimal FixedQuantity(InstrumentSpec instrument, decimal quantity) =>
        Math.Max(instrument.MinQuantity, instrument.RoundQuantity(quantity));

    /// <summary>Auto sizing: a share min(5 %, 1/(levels x 4)) of the total balance per order, per side.</summary>
    public static (decimal Buy, decimal Sell) AutoQuantities(InstrumentSpec instrument, int levels, decimal quoteTotal, decimal baseTotal, decimal averageBuyPrice)
    {
        var allocation = Math.Min(0.05m, 1m / (levels * 4m));
        var buy = averageBuyPrice > 0 ? instrument.RoundQuantity(quoteTotal * allocation / averageBuyPrice) : 0m;
        var sell = instrument.RoundQuantity(baseTotal * allocation);
        return (Math.Max(instrument.MinQuantity, buy), Math.Max(instrument.MinQuantity, sell));
    }
}
