using Mmd.Trading.Orders;
using Mmd.Trading.Strategies;

namespace Mmd.Trading.Engine;

/// <summary>The place and cancel actions that turn the live quotes into the desired ones.</summary>
public sealed class ReconcilePlan
{
    public List<TrackedOrder> Cancels { get; } = [];
    public List<DesiredQuote> Places { get; } = [];
    public int Kept { get; set; }
    public bool IsEmpty => Cancels.Count == 0 && Places.Count == 0;
}

/// <summary>
/// Matches desired quotes to live quote orders by (side, level). A live order stays while its price is
/// within the refresh tolerance of the desired price, not beyond the quote's bound, and its size is the desired
/// size; anything else is cancelled and re-placed. An order placed one tick behind the touch because its quote would have
/// crossed the market stays while the quote still would (it is not re-pegged as the touch moves: a grid level the price
/// jumped past was replaced on every tick), and goes to the quote's own price once that no longer crosses. A level whose
/// order is in an unknown state gets nothing new until the venue has been asked: an ambiguous order is never duplicated.
/// Nor does one whose order ended before the venue answered its placing (<c>awaitingAnswer</c>): the answer may be a
/// refusal with a rule of its own. An order replaced is cancelled as its replacement is placed, but a level whose earlier
/// order is still leaving (its cancel not yet answered) gets nothing new until it has left: where the venue answers
/// cancels slowly (a request limit shared by several instances), a quote that moved on each few hundred ms otherwise left
/// an order per move resting on the book, six bids of a one-level quote. A level holds two orders at most.
/// </summary>
public static class QuoteReconciler
{
    /// <param name="refreshPlacedBy">A forced refresh: live quotes placed at or before this instant are replaced whatever their price; null for none.</param>
    /// <param name="placedAt">
    /// Where a quote at a price would be placed now: one tick behind the market's touch when it would cross it, else at
    /// the price. Null: orders placed behind the touch are always replaced.
    /// </param>
    /// <param name="awaitingAnswer">Quote orders that have ended (on the venue's stream) before the venue answered their placing.</param>
    public static ReconcilePlan Plan(IReadOnlyList<DesiredQuote> desired, IEnumerable<TrackedOrder> liveQuotes, decimal tolerancePct, DateTimeOffset? refreshPlacedBy,
        Func<Primitives.Side, decimal, decimal>? placedAt = null, IEnumerable<TrackedOrder>? awaitingAnswer = null)
    {
        var plan = new ReconcilePlan();
        var blocked = new HashSet<(Primitives.Side, int)>(); // nothing new on these levels
        var leaving = new HashSet<(Primitives.Side, int)>();
        foreach (var order in awaitingAnswer ?? []) blocked.Add((order.Side, order.Level));
        var byLevel = new Dictionary<(Primitives.Side, int), TrackedOrder>();

        foreach (var order in liveQuotes)
        {
            if (order.Purpose != OrderPurpose.Quote || !OrderStateMachine.IsLive(order.Status)) continue;
            var key = (order.Side, order.Level);
            switch (order.Status)
            {
                case OrderStatus.PendingCancel:
                    leaving.Add(key); // already leaving; its level is quoted again once it has left
                    continue;
                case OrderStatus.Unknown:
                    blocked.Add(key);
                    continue;
            }
            if (order.CreatedAt <= refreshPlacedBy || !byLevel.TryAdd(key, order)) plan.Cancels.Add(order); // duplicate on one level: keep the first
        }

        var wanted = new HashSet<(Primitives.Side, int)>();
        foreach (var quote in desired)
        {
            var key = (quote.Side, quote.Level);
            wanted.Add(key);
            if (byLevel.TryGetValue(key, out var live))
            {
                if (Keeps(live, quote, tolerancePct, placedAt)) { plan.Kept++; continue; }
                plan.Cancels.Add(live);
            }
            if (!blocked.Contains(key) && !leaving.Contains(key)) plan.Places.Add(quote);
        }

        foreach (var (key, live) in byLevel)
            if (!wanted.Contains(key)) plan.Cancels.Add(live);
        return plan;
    }

    public static bool Keeps(TrackedOrder live, DesiredQuote quote, decimal tolerancePct, Func<Primitives.Side, decimal, decimal>? placedAt = null)
    {
        // A partly filled order still matches: a quote of its full size, or one of what is left of it (grids ask for the rest).
        if (live.Price is not { } price || (live.Quantity != quote.Quantity && live.RemainingQuantity != quote.Quantity)) return false;
        if (live.ReduceOnly != quote.ReduceOnly) return false;
        if (quote.Bound is { } bound && (quote.Side == Primitives.Side.Buy ? price > bound : price < bound)) return false;
        if (live is { QuotedPrice: { } quoted, PostOnlyRetries: 0 })
        {
            // Behind the touch for a quote that would have crossed it: that quote's order while it still would.
            if (placedAt is null || placedAt(quote.Side, quote.Price) == quote.Price) return false;
            price = quoted;
        }
        return Math.Abs(price - quote.Price) <= quote.Price * tolerancePct / 100m;
    }
}
