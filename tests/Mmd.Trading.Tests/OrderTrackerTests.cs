using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;

namespace Mmd.Trading.Tests;

public class OrderTrackerTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    private static VenueOrder Report(TrackedOrder o, VenueOrderStatus status, decimal filled = 0) =>
        new("V1", o.ClientOrderId, o.Symbol, o.Side, o.Type, o.TimeInForce, o.Price, o.Quantity, filled, status, true, false, Now, Now);

    private static VenueFill Fill(string tradeId, TrackedOrder o, decimal qty) =>
        new(tradeId, "V1", o.ClientOrderId, o.Symbol, o.Side, o.Price!.Value, qty, 0.01m, "USDC", true, Now);

    [Fact]
    public void Add_RejectsForeignPrefix()
    {
        var tracker = new OrderTracker("mm");
        Assert.Throws<ArgumentException>(() => tracker.Add(OrderStateMachineTests.Order("other_1")));
    }

    [Fact]
    public void EndedSince_ListsOrdersTheVenueHadTaken_UntilTheyEndedLongerAgo()
    {
        var tracker = new OrderTracker("mm");
        var rested = Submitted(tracker, OrderStateMachineTests.Order("mm_1"));
        var refused = Submitted(tracker, OrderStateMachineTests.Order("mm_2"));
        RestedThenCancelled(tracker, rested, Now.AddSeconds(1));
        tracker.ApplyPlaceResult(refused, new PlaceOrderResult(CommandOutcome.Rejected, null, RejectCode.PostOnlyWouldTake, "would take"), Now.AddSeconds(1));

        Assert.Equal(["mm_1"], tracker.EndedSince(Now.AddSeconds(1)).Select(o => o.ClientOrderId)); // never on the book: not listed
        Assert.Empty(tracker.EndedSince(Now.AddSeconds(1.5)));

        // An order that never rests (an IOC hedge) is not listed; the housekeeping prune empties a list nobody reads.
        var hedge = Submitted(tracker, new TrackedOrder
        {
            ClientOrderId = "mm_3", Symbol = "SOL_USDC", Side = Side.Sell, Type = OrderType.Limit, TimeInForce = TimeInForce.Ioc, Price = 99m, Quantity = 1m, CreatedAt = Now,
        });
        RestedThenCancelled(tracker, hedge, Now.AddSeconds(2));
        RestedThenCancelled(tracker, Submitted(tracker, OrderStateMachineTests.Order("mm_4")), Now.AddSeconds(2));
        Assert.Equal(["mm_4"], tracker.EndedSince(Now.AddSeconds(2)).Select(o => o.ClientOrderId));
        tracker.PruneTerminal(Now.AddSeconds(3));
        Assert.Empty(tracker.EndedSince(DateTimeOffset.MinValue));
    }

    private static TrackedOrder Submitted(OrderTracker tracker, TrackedOrder order)
    {
        tracker.Add(order);
        tracker.MarkSubmitted(order, Now);
        return order;
    }

    private static void RestedThenCancelled(OrderTracker tracker, TrackedOrder order, DateTimeOffset cancelledAt)
    {
        tracker.ApplyVenueOrder(Report(order, VenueOrderStatus.Open), Now);
        tracker.ApplyVenueOrder(Report(order, VenueOrderStatus.Cancelled), cancelledAt);
    }

    [Fact]
    public void Add_RejectsDuplicateClientId()
    {
        var tracker = new OrderTracker("mm");
        tracker.Add(OrderStateMachineTests.Order("mm_1"));
        Assert.Throws<InvalidOperationException>(() => tracker.Add(OrderStateMachineTests.Order("mm_1")));
    }

    [Fact]
    public void Fill_SameTradeIdTwice_CountedOnce()
    {
        var tracker = new OrderTracker("mm");
        var order = OrderStateMachineTests.Order("mm_1", quantity: 2m);
        tracker.Add(order);
        tracker.MarkSubmitted(order, Now);
        Assert.True(tracker.ApplyFill(Fill("T1", order, 1m), Now, out _));
        Assert.False(tracker.ApplyFill(Fill("T1", order, 1m), Now, out _));
        Assert.Equal(1m, order.FilledQuantity);
        Assert.Equal(OrderStatus.PartiallyFilled, order.Status);
        Assert.True(tracker.ApplyFill(Fill("T2", order, 1m), Now, out _));
        Assert.Equal(OrderStatus.Filled, order.Status);
    }

    [Fact]
    public void ATradeBetweenTwoOfOurOrders_IsAFillOfEach_AndEachSideIsCountedOnce()
    {
        // A venue whose self-trade prevention lets our IOC hedge trade with our own resting quote reports one trade id
        // for both: the bid's fill and the ask's. Keyed by trade id alone, the second was taken for a repeat and dropped,
        // and the position missed the hedge.
        var (tracker, bid, ask) = BidAndAskSubmitted();
        Assert.True(tracker.ApplyFill(Fill("T7", bid, 1m), Now, out _));
        Assert.True(tracker.ApplyFill(Fill("T7", ask, 1m), Now, out _));
        Assert.False(tracker.ApplyFill(Fill("T7", ask, 1m), Now, out _)); // a repeat of either side still counts once
        Assert.Equal(OrderStatus.Filled, bid.Status);
        Assert.Equal(OrderStatus.Filled, ask.Status);
    }

    [Fact]
    public void AFillMarkedSeenAtStart_HidesOnlyItsOwnSideOfTheTrade()
    {
        var (tracker, bid, ask) = BidAndAskSubmitted();
        tracker.MarkFillSeen(Fill("T7", bid, 1m));
        Assert.False(tracker.ApplyFill(Fill("T7", bid, 1m), Now, out _));
        Assert.True(tracker.ApplyFill(Fill("T7", ask, 1m), Now, out _));
    }

    private static (OrderTracker Tracker, TrackedOrder Bid, TrackedOrder Ask) BidAndAskSubmitted()
    {
        var tracker = new OrderTracker("mm");
        var bid = OrderStateMachineTests.Order("mm_1", Side.Buy, quantity: 1m);
        var ask = OrderStateMachineTests.Order("mm_2", Side.Sell, quantity: 1m);
        tracker.Add(bid);
        tracker.Add(ask);
        tracker.MarkSubmitted(bid, Now);
        tracker.MarkSubmitted(ask, Now);
        return (tracker, bid, ask);
    }

    [Fact]
    public void TradesMarkedSeenAtStart_KeepOnlyTheNewest_HoweverLongTheJournal()
    {
        // A start replays every journaled fill; the set of their trade ids was kept whole (a million strings for a
        // million fills). The newest 100 000 stay: a venue sends recent fills again, not a month-old one.
        var tracker = new OrderTracker("mm");
        var order = OrderStateMachineTests.Order("mm_1", quantity: 2m);
        for (var i = 0; i < 100_001; i++) tracker.MarkFillSeen(Fill("T" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), order, 1m));
        tracker.Add(order);
        tracker.MarkSubmitted(order, Now);
        Assert.False(tracker.ApplyFill(Fill("T100000", order, 1m), Now, out _)); // the newest: seen
        Assert.True(tracker.ApplyFill(Fill("T0", order, 1m), Now, out _)); // the oldest is forgotten (the journal refuses it again)
    }

    [Fact]
    public void OrderReport_ThenFillOfTheSameQuantity_DoesNotDoubleCount()
    {
        var tracker = new OrderTracker("mm");
        var order = OrderStateMachineTests.Order("mm_1", quantity: 2m);
        tracker.Add(order);
        tracker.MarkSubmitted(order, Now);
        tracker.ApplyVenueOrder(Report(order, VenueOrderStatus.PartiallyFilled, filled: 1m), Now);
        tracker.ApplyFill(Fill("T1", order, 1m), Now, out _);
        Assert.Equal(1m, order.FilledQuantity);
    }

    [Theory]
    [InlineData(VenueOrderStatus.Open, OrderStatus.Open)]
    [InlineData(VenueOrderStatus.PartiallyFilled, OrderStatus.PartiallyFilled)]
    [InlineData(VenueOrderStatus.Filled, OrderStatus.Filled)]
    [InlineData(VenueOrderStatus.Cancelled, OrderStatus.Cancelled)]
    public void JournaledNew_ReportedByTheVenue_TakesTheVenuesState(VenueOrderStatus reported, OrderStatus expected)
    {
        // A worker killed after journaling an order and sending it, before Submitted was journaled, restores it as New.
        var tracker = new OrderTracker("mm");
        var order = OrderStateMachineTests.Order("mm_1", quantity: 2m);
        tracker.Restore(order, 0m);
        tracker.ApplyVenueOrder(Report(order, reported, filled: reported == VenueOrderStatus.Filled ? 2m : reported == VenueOrderStatus.PartiallyFilled ? 1m : 0m), Now);
        Assert.Equal(expected, order.Status);
        Assert.Equal(OrderStateMachine.IsLive(expected), tracker.Live.Contains(order));
    }

    [Fact]
    public void JournaledNew_AFillProvesItWasReceived()
    {
        var tracker = new OrderTracker("mm");
        var order = OrderStateMachineTests.Order("mm_1", quantity: 2m);
        tracker.Restore(order, 0m);
        Assert.True(tracker.ApplyFill(Fill("T1", order, 2m), Now, out _));
        Assert.Equal(OrderStatus.Filled, order.Status);
        Assert.Equal(2m, order.FilledQuantity);
    }

    [Fact]
    public void StaleOpenReport_AfterFilled_IsIgnored()
    {
        var tracker = new OrderTracker("mm");
        var order = OrderStateMachineTests.Order("mm_1");
        tracker.Add(order);
        tracker.MarkSubmitted(order, Now);
        tracker.ApplyFill(Fill("T1", order, 1m), Now, out _);
        tracker.ApplyVenueOrder(Report(order, VenueOrderStatus.Open), Now);
        Assert.Equal(OrderStatus.Filled, order.Status);
    }

    [Fact]
    public void OpenReport_WhileCancelPending_KeepsPendingCancel()
    {
        var tracker = new OrderTracker("mm");
        var order = OrderStateMachineTests.Order("mm_1");
        tracker.Add(order);
        tracker.MarkSubmitted(order, Now);
        tracker.ApplyVenueOrder(Report(order, VenueOrderStatus.Open), Now);
        tracker.MarkPendingCancel(order, Now);
        tracker.ApplyVenueOrder(Report(order, VenueOrderStatus.Open), Now);
        Assert.Equal(OrderStatus.PendingCancel, order.Status);
        tracker.ApplyVenueOrder(Report(order, VenueOrderStatus.Cancelled), Now);
        Assert.Equal(OrderStatus.Cancelled, order.Status);
    }

    [Fact]
    public void UnknownPlaceOutcome_MarksUnknown_NotRejected()
    {
        var tracker = new OrderTracker("mm");
        var order = OrderStateMachineTests.Order("mm_1");
        tracker.Add(order);
        tracker.MarkSubmitted(order, Now);
        tracker.ApplyPlaceResult(order, PlaceOrderResult.Unknown("timeout"), Now);
        Assert.Equal(OrderStatus.Unknown, order.Status);
    }

    [Fact]
    public void TakeChanged_ReturnsEachChangedOrderOnce()
    {
        var tracker = new OrderTracker("mm");
        var order = OrderStateMachineTests.Order("mm_1");
        tracker.Add(order);
        tracker.MarkSubmitted(order, Now);
        Assert.Single(tracker.TakeChanged());
        Assert.Empty(tracker.TakeChanged());
    }

    [Fact]
    public void ClientOrderIds_CarryPrefix_AreUnique_AndNeverMatchALongerName()
    {
        var ids = new ClientOrderIds("mm", DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000));
        var set = Enumerable.Range(0, 10_000).Select(_ => ids.Next()).ToHashSet();
        Assert.Equal(10_000, set.Count);
        Assert.All(set, id => Assert.True(ClientOrderIds.IsOwnedBy(id, "mm")));
        Assert.All(set, id => Assert.True(id.Length <= 36 - 18)); // a 20-character name still fits 36
        var other = new ClientOrderIds("mm-b", DateTimeOffset.UnixEpoch).Next();
        Assert.False(ClientOrderIds.IsOwnedBy(other, "mm"));
        Assert.False(ClientOrderIds.IsOwnedBy("mm", "mm"));
    }

    [Fact]
    public void ClientOrderIds_TwoRuns_DoNotCollide()
    {
        var a = new ClientOrderIds("mm", DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000));
        var b = new ClientOrderIds("mm", DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_001));
        Assert.NotEqual(a.Next(), b.Next());
    }
}

public class OrderTrackerCancelRaceTests
{
    [Fact]
    public void CancelRejected_WithAFilledReport_SettlesAsFilled()
    {
        var now = DateTimeOffset.UnixEpoch;
        var tracker = new OrderTracker("mm");
        var order = OrderStateMachineTests.Order("mm_1");
        tracker.Add(order);
        tracker.MarkSubmitted(order, now);
        tracker.MarkPendingCancel(order, now);
        var report = new VenueOrder("V1", "mm_1", "SOL_USDC", Side.Buy, OrderType.Limit, TimeInForce.Gtc, 100m, 1m, 1m, VenueOrderStatus.Filled, true, false, now, now);
        tracker.ApplyCancelResult(order, new CancelOrderResult(CommandOutcome.Rejected, report, RejectCode.OrderNotFound, "order is Filled"), now);
        Assert.Equal(OrderStatus.Filled, order.Status);
        Assert.Equal(1m, order.FilledQuantity);
    }
}
