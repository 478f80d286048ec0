using Mmd.Trading.Engine;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Strategies;

namespace Mmd.Trading.Tests;

public class QuoteReconcilerTests
{
    private static TrackedOrder Live(string id, Side side, int level, decimal price, decimal qty = 1m, OrderStatus status = OrderStatus.Open, DateTimeOffset? placedAt = null,
        decimal? quotedPrice = null, int postOnlyRetries = 0)
    {
        var o = new TrackedOrder
        {
            ClientOrderId = id, Symbol = "SOL_USDC", Side = side, Type = Execution.OrderType.Limit, TimeInForce = Execution.TimeInForce.Gtc,
            Price = price, Quantity = qty, PostOnly = true, Level = level, CreatedAt = placedAt ?? DateTimeOffset.UnixEpoch, QuotedPrice = quotedPrice,
            PostOnlyRetries = postOnlyRetries,
        };
        o.Restore(status, "v" + id, 0, DateTimeOffset.UnixEpoch, null);
        return o;
    }

    [Fact]
    public void OrderWithinTolerance_Stays()
    {
        var live = new[] { Live("a", Side.Buy, 0, 100.00m), Live("b", Side.Sell, 0, 100.40m) };
        var desired = new[] { new DesiredQuote(Side.Buy, 0, 100.02m, 1m), new DesiredQuote(Side.Sell, 0, 100.42m, 1m) };
        var plan = QuoteReconciler.Plan(desired, live, tolerancePct: 0.05m, refreshPlacedBy: null);
        Assert.True(plan.IsEmpty);
        Assert.Equal(2, plan.Kept);
    }

    [Fact]
    public void AQuoteWithinToleranceButPastItsBound_IsReplaced_OneBehindItsDesiredPrice_Stays()
    {
        // A cross-market hedge's bounds: bid at most 100.01, ask at least 100.41 (from the hedge market's touch).
        var live = new[] { Live("a", Side.Buy, 0, 100.02m), Live("b", Side.Sell, 0, 100.40m) };
        var desired = new[] { new DesiredQuote(Side.Buy, 0, 100.01m, 1m, Bound: 100.01m), new DesiredQuote(Side.Sell, 0, 100.41m, 1m, Bound: 100.41m) };
        var plan = QuoteReconciler.Plan(desired, live, tolerancePct: 0.05m, refreshPlacedBy: null);
        Assert.Equal(["a", "b"], plan.Cancels.Select(o => o.ClientOrderId).Order());
        Assert.Equal([100.01m, 100.41m], plan.Places.Select(q => q.Price).Order());

        // Behind the bound (a lower bid, a higher ask) and within tolerance: kept, not re-placed for a tick.
        live = [Live("c", Side.Buy, 0, 99.98m), Live("d", Side.Sell, 0, 100.44m)];
        plan = QuoteReconciler.Plan(desired, live, tolerancePct: 0.05m, refreshPlacedBy: null);
        Assert.True(plan.IsEmpty);
    }

    [Fact]
    public void MovedMid_ReplacesOnlyWhatMoved()
    {
        var live = new[] { Live("a", Side.Buy, 0, 100.00m), Live("b", Side.Sell, 0, 100.40m) };
        var desired = new[] { new DesiredQuote(Side.Buy, 0, 100.30m, 1m), new DesiredQuote(Side.Sell, 0, 100.42m, 1m) };
        var plan = QuoteReconciler.Plan(desired, live, 0.05m, null);
        Assert.Equal("a", Assert.Single(plan.Cancels).ClientOrderId);
        Assert.Equal(100.30m, Assert.Single(plan.Places).Price);
        Assert.Equal(1, plan.Kept);
    }

    [Fact]
    public void QuantityChange_Replaces()
    {
        var plan = QuoteReconciler.Plan([new DesiredQuote(Side.Buy, 0, 100m, 2m)], [Live("a", Side.Buy, 0, 100m, 1m)], 0.05m, null);
        Assert.Single(plan.Cancels);
        Assert.Single(plan.Places);
    }

    [Fact]
    public void ForcedRefresh_ReplacesWhatWasPlacedByItsCutOff_AtAnyPrice_AndKeepsWhatCameAfter()
    {
        var old = Live("a", Side.Buy, 0, 100m);
        var fresh = Live("b", Side.Sell, 0, 101m, placedAt: DateTimeOffset.UnixEpoch.AddSeconds(31));
        var desired = new[] { new DesiredQuote(Side.Buy, 0, 100m, 1m), new DesiredQuote(Side.Sell, 0, 101m, 1m) };
        var plan = QuoteReconciler.Plan(desired, [old, fresh], 0.05m, refreshPlacedBy: DateTimeOffset.UnixEpoch.AddSeconds(30));
        Assert.Equal("a", Assert.Single(plan.Cancels).ClientOrderId);
        Assert.Equal(Side.Buy, Assert.Single(plan.Places).Side);
        Assert.Equal(1, plan.Kept);
    }

    [Fact]
    public void PulledQuotes_CancelEverything()
    {
        var plan = QuoteReconciler.Plan([], [Live("a", Side.Buy, 0, 100m), Live("b", Side.Sell, 1, 101m)], 0.05m, null);
        Assert.Equal(2, plan.Cancels.Count);
        Assert.Empty(plan.Places);
    }

    [Fact]
    public void UnknownOrderOnALevel_BlocksANewOrderThere()
    {
        var plan = QuoteReconciler.Plan([new DesiredQuote(Side.Buy, 0, 100m, 1m)], [Live("a", Side.Buy, 0, 99m, status: OrderStatus.Unknown)], 0.05m, null);
        Assert.True(plan.IsEmpty); // never a duplicate while the venue has not said what happened
    }

    [Fact]
    public void AnOrderEndedBeforeItsPlacingWasAnswered_BlocksANewOrderOnItsLevel_NotOnTheOthers()
    {
        var bounced = Live("a", Side.Buy, 0, 100m, status: OrderStatus.Rejected);
        var plan = QuoteReconciler.Plan([new DesiredQuote(Side.Buy, 0, 100m, 1m), new DesiredQuote(Side.Buy, 1, 99m, 1m)], [], 0.05m, null,
            awaitingAnswer: [bounced]);
        Assert.Equal([1], plan.Places.Select(p => p.Level)); // level 0 waits for the answer (a refusal has its own rule)
    }

    [Fact]
    public void AnOrderReplacedNow_LeavesAsItsReplacementGoes_ButALevelWhoseEarlierOrderIsStillLeaving_GetsNoNewOneUntilThatCancelIsAnswered()
    {
        // A venue slow to answer cancels (Aster's order limit shared by three instances: answers 1.3 s late) and a quote
        // that moves each few hundred ms: a new order per move while the old ones still rested piled up six bids and seven
        // asks of a one-level hedge on the book.
        var quote = new DesiredQuote(Side.Buy, 0, 100m, 1m);
        var replaced = QuoteReconciler.Plan([quote], [Live("a", Side.Buy, 0, 99m)], 0.05m, null);
        Assert.Equal("a", Assert.Single(replaced.Cancels).ClientOrderId);
        Assert.Single(replaced.Places); // cancel and place at once: no gap in the quote

        var again = QuoteReconciler.Plan([quote with { Price = 101m }], [Live("a", Side.Buy, 0, 99m, status: OrderStatus.PendingCancel), Live("b", Side.Buy, 0, 100m)],
            0.05m, null);
        Assert.Equal("b", Assert.Single(again.Cancels).ClientOrderId);
        Assert.Empty(again.Places); // at most the two leaving ones on the book; the level is quoted once a's cancel is answered

        var leftEmpty = QuoteReconciler.Plan([quote], [Live("a", Side.Buy, 0, 99m, status: OrderStatus.PendingCancel)], 0.05m, null);
        Assert.True(leftEmpty.IsEmpty);
        Assert.Single(QuoteReconciler.Plan([quote, quote with { Level = 1, Price = 99.5m }], [Live("a", Side.Buy, 0, 99m, status: OrderStatus.PendingCancel)], 0.05m, null)
            .Places, p => p.Level == 1); // the other levels are quoted
    }

    [Fact]
    public void InFlightOrder_CountsAsLive_NoDuplicate()
    {
        var plan = QuoteReconciler.Plan([new DesiredQuote(Side.Buy, 0, 100m, 1m)], [Live("a", Side.Buy, 0, 100m, status: OrderStatus.Submitted)], 0.05m, null);
        Assert.True(plan.IsEmpty);
    }

    [Fact]
    public void TwoOrdersOnOneLevel_TheExtraIsCancelled()
    {
        var plan = QuoteReconciler.Plan([new DesiredQuote(Side.Buy, 0, 100m, 1m)], [Live("a", Side.Buy, 0, 100m), Live("b", Side.Buy, 0, 100m)], 0.05m, null);
        Assert.Equal("b", Assert.Single(plan.Cancels).ClientOrderId);
        Assert.Empty(plan.Places);
    }

    [Fact]
    public void ZeroTolerance_RequiresTheExactPrice()
    {
        var plan = QuoteReconciler.Plan([new DesiredQuote(Side.Buy, 0, 100.01m, 1m)], [Live("a", Side.Buy, 0, 100m)], 0m, null);
        Assert.Single(plan.Cancels);
    }

    /// <summary>The engine's placement with the market's best bid at <paramref name="bid"/>: a sell at or under it goes one tick above.</summary>
    private static Func<Side, decimal, decimal> TouchAt(decimal bid) => (side, price) => side == Side.Sell && price <= bid ? bid + 0.01m : price;

    [Fact]
    public void AQuotePlacedBehindTheTouch_StaysWhileItsPriceStillCrosses_AndGoesToItsPriceOnceItDoesNot()
    {
        // A grid's sell at its level 150, placed at 153.01 because the bid was 153 (the price had jumped past the level).
        var desired = new[] { new DesiredQuote(Side.Sell, 2, 150m, 0.99m) };
        var behind = Live("a", Side.Sell, 2, 153.01m, 0.99m, quotedPrice: 150m);

        // The touch moves (154, 152.5): the level still crosses it; the order is the quote, not re-pegged (that was an
        // order a tick, replaced and re-placed whenever the bid moved).
        foreach (var bid in new[] { 153m, 154m, 152.5m })
        {
            var plan = QuoteReconciler.Plan(desired, [behind], 0m, null, TouchAt(bid));
            Assert.True(plan.IsEmpty, $"bid {bid}");
        }

        // The market fell back under the level: the order goes to the level.
        var back = QuoteReconciler.Plan(desired, [behind], 0m, null, TouchAt(149.5m));
        Assert.Equal("a", Assert.Single(back.Cancels).ClientOrderId);
        Assert.Equal(150m, Assert.Single(back.Places).Price);

        // Not knowing the touch, it is never kept; nor for another quote's price.
        Assert.Single(QuoteReconciler.Plan(desired, [behind], 0m, null).Cancels);
        Assert.Single(QuoteReconciler.Plan([new DesiredQuote(Side.Sell, 2, 150.3m, 0.99m)], [behind], 0m, null, TouchAt(153m)).Cancels);
    }

    [Fact]
    public void APostOnlyRetry_IsJudgedByThePriceItRestsAt()
    {
        // Bounced at 100 and retried a tick further at 100.01: the tolerance decides, as for any order.
        var retry = Live("a", Side.Sell, 0, 100.01m, quotedPrice: 100m, postOnlyRetries: 1);
        Assert.True(QuoteReconciler.Plan([new DesiredQuote(Side.Sell, 0, 100m, 1m)], [retry], 0.05m, null, TouchAt(99m)).IsEmpty);
        Assert.Single(QuoteReconciler.Plan([new DesiredQuote(Side.Sell, 0, 100m, 1m)], [retry], 0m, null, TouchAt(99m)).Cancels);
    }
}
