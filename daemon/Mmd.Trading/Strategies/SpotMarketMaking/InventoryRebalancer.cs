using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;

namespace Mmd.Trading.Strategies.SpotMarketMaking;

/// <summary>The seed's spot inventory rebalance (§1.1.5): an IOC limit through the touch back to the base target.</summary>
public static class InventoryRebalancer
{
    /// <summary>Share of the portfolio value by which the base holding is off its target, in %.</summary>
    public static decimal ExposurePct(decimal baseTotal, decimal quoteTotal, decimal price, decimal targetPct)
    {
        var total = quoteTotal + baseTotal * price;
        if (total <= 0) return 0;
        var ideal = total * targetPct / 100m;
        return Math.Abs(baseTotal * price - ideal) / total * 100m;
    }

    /// <summary>The rebalance order, or null when none is needed or it would be below the venue minimum.</summary>
    public static OrderIntent? Plan(InstrumentSpec instrument, decimal baseTotal, decimal quoteTotal, decimal bestBid, decimal bestAsk, decimal targetPct, decimal thresholdPct)
    {
        var price = (bestBid + bestAsk) / 2m;
        var total = quoteTotal + baseTotal * price;
        // The seed skips portfolios worth less than ten minimum orders.
        if (total < instrument.MinQuantity * price * 10m) return null;
        if (ExposurePct(baseTotal, quoteTotal, price, targetPct) <= thresholdPct) return null;

        var ideal = total * targetPct / 100m;
        var actual = baseTotal * price;
        if (actual > ideal)
        {
            var quantity = instrument.RoundQuantity(Math.Min((actual - ideal) / price, baseTotal * 0.95m));
            var limit = instrument.RoundPrice(bestBid * 0.999m);
            return instrument.MeetsMinimums(limit, quantity)
                ? new OrderIntent(Side.Sell, OrderType.Limit, TimeInForce.Ioc, limit, quantity, OrderPurpose.Rebalance)
                : null;
        }
        else
        {
            var limit = instrument.RoundPrice(bestAsk * 1.001m);
            var quantity = instrument.RoundQuantity(Math.Min((ideal - actual) / price, quoteTotal * 0.95m / limit));
            return instrument.MeetsMinimums(limit, quantity)
                ? new OrderIntent(Side.Buy, OrderType.Limit, TimeInForce.Ioc, limit, quantity, OrderPurpose.Rebalance)
                : null;
        }
    }
}
