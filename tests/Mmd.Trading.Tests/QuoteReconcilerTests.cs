using Mmd.Trading.Engine;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Strategies;

namespace Mmd.Trading.Tests;

public class QuoteReconcilerTests
{
    private static TrackedOrder Live(string id, Side side, int level, decimal price, decimal qty = 1m, OrderStatus status = OrderStatus.Open, DateTimeOffset? placedAt = null)
    {
        var o = new TrackedOrder
        {
            ClientOrderId = id, Symbol = "SOL_USDC", Side = side, Type = Execution.OrderType.Limit, TimeInForce = Execution.TimeInForce.Gtc,
            Price = price, Quantity = qty, PostOnly = true, Level = level, CreatedAt = placedAt ?? DateTimeOffset.UnixEpoch,
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
    public void PendingCancel_IsIgnored_AndTheLevelRequoted()
    {
        var plan = QuoteReconciler.Plan([new DesiredQuote(Side.Buy, 0, 100m, 1m)], [Live("a", Side.Buy, 0, 99m, status: OrderStatus.PendingCancel)], 0.05m, null);
        Assert.Empty(plan.Cancels);
        Assert.Single(plan.Places);
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
}
