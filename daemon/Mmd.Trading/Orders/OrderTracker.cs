using Mmd.Trading.Collections;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Trading.Orders;

/// <summary>
/// Every order of one instance, keyed by client order id. Venue reports arrive out of order over
/// REST and WebSocket; a report that would move an order backwards is ignored rather than trusted.
/// Orders whose state changed are collected so the caller can journal them in one write.
/// </summary>
public sealed class OrderTracker
{
    private readonly Dictionary<string, TrackedOrder> _orders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, decimal> _filledByFills = new(StringComparer.Ordinal);
    // A journal of millions is replayed at start: the newest trades are the ones a venue may send again. A fill is its
    // trade and side: a trade between two of our own orders (a venue whose self-trade prevention let it through) is two fills.
    private readonly RecentSet<(string TradeId, Side Side)> _seenFills = new(100_000);
    private readonly HashSet<TrackedOrder> _dirty = [];
    // Orders that may rest on or enter the book. Kept apart so that every evaluation costs the live
    // orders, not every order the instance placed in the last minutes.
    private readonly HashSet<TrackedOrder> _live = [];
    // Orders the venue had taken that left the book, in the order they left: a book stream the account stream has outrun
    // may still show them.
    private readonly Queue<TrackedOrder> _ended = new();
    private readonly string _instanceName;

    public OrderTracker(string instanceName) => _instanceName = instanceName;

    public int Count => _orders.Count;

    public IEnumerable<TrackedOrder> All => _orders.Values;

    public IReadOnlyCollection<TrackedOrder> Live => _live;

    /// <summary>Orders the venue had taken that ended at or after <paramref name="since"/> (older ones are forgotten here).</summary>
    public IReadOnlyCollection<TrackedOrder> EndedSince(DateTimeOffset since)
    {
        while (_ended.TryPeek(out var oldest) && oldest.UpdatedAt < since) _ended.Dequeue();
        return _ended;
    }

    public TrackedOrder? Find(string clientOrderId) => _orders.GetValueOrDefault(clientOrderId);

    public bool Owns(string? clientOrderId) => ClientOrderIds.IsOwnedBy(clientOrderId, _instanceName);

    /// <summary>Adds a new order (state New). It must be journaled before it is submitted.</summary>
    public void Add(TrackedOrder order)
    {
        if (!Owns(order.ClientOrderId))
            throw new ArgumentException($"client order id {order.ClientOrderId} does not carry instance prefix {ClientOrderIds.PrefixOf(_instanceName)}");
        if (!_orders.TryAdd(order.ClientOrderId, order))
            throw new InvalidOperationException($"duplicate client order id {order.ClientOrderId}");
        _dirty.Add(order);
    }

    /// <summary>Restores an order read back from the journal, in whatever state it was left.</summary>
    public void Restore(TrackedOrder order, decimal filledByFills)
    {
        _orders[order.ClientOrderId] = order;
        if (filledByFills > 0) _filledByFills[order.ClientOrderId] = filledByFills;
        TrackLiveness(order);
    }

    public void MarkSubmitted(TrackedOrder order, DateTimeOffset now) => Move(order, OrderStatus.Submitted, now);

    /// <summary>Settles an order the venue never received (found at startup or after a lost request).</summary>
    public void MarkNeverReceived(TrackedOrder order, DateTimeOffset now)
    {
        order.LastError = TrackedOrder.NeverReceivedError;
        TryMove(order, OrderStatus.Rejected, now);
        _dirty.Add(order);
    }

    public void MarkPendingCancel(TrackedOrder order, DateTimeOffset now)
    {
        if (OrderStateMachine.CanTransition(order.Status, OrderStatus.PendingCancel)) Move(order, OrderStatus.PendingCancel, now);
    }

    public void ApplyPlaceResult(TrackedOrder order, PlaceOrderResult result, DateTimeOffset now)
    {
        switch (result.Outcome)
        {
            case CommandOutcome.Accepted when result.Order is not null:
                ApplyVenueOrder(order, result.Order, now);
                break;
            case CommandOutcome.Rejected:
                order.LastError = $"{result.Code}: {result.Message}";
                TryMove(order, OrderStatus.Rejected, now);
                break;
            case CommandOutcome.Withdrawn:
                // Never sent: ended here, nothing to ask the venue.
                order.LastError = result.Message;
                TryMove(order, OrderStatus.Cancelled, now);
                break;
            default:
                order.LastError = result.Message;
                TryMove(order, OrderStatus.Unknown, now);
                break;
        }
    }

    public void ApplyCancelResult(TrackedOrder order, CancelOrderResult result, DateTimeOffset now)
    {
        switch (result.Outcome)
        {
            case CommandOutcome.Accepted when result.Order is not null:
                ApplyVenueOrder(order, result.Order, now);
                break;
            case CommandOutcome.Accepted:
                TryMove(order, OrderStatus.Cancelled, now);
                break;
            case CommandOutcome.Rejected when result.Order is not null:
                // The cancel lost a race (typically with a fill); the venue's report says how the order ended.
                order.LastError = result.Message;
                ApplyVenueOrder(order, result.Order, now);
                break;
            case CommandOutcome.Rejected when result.Code == RejectCode.OrderNotFound:
                // Not on the book any more: filled or cancelled; a query settles which.
                order.LastError = result.Message;
                TryMove(order, OrderStatus.Unknown, now);
                break;
            case CommandOutcome.Rejected:
                order.LastError = result.Message;
                TryMove(order, order.FilledQuantity > 0 ? OrderStatus.PartiallyFilled : OrderStatus.Open, now);
                break;
            default:
                order.LastError = result.Message;
                TryMove(order, OrderStatus.Unknown, now);
                break;
        }
    }

    /// <summary>Applies a venue report of one order. Returns the tracked order, or null if it is not ours.</summary>
    public TrackedOrder? ApplyVenueOrder(VenueOrder report, DateTimeOffset now)
    {
        if (report.ClientOrderId is null || !_orders.TryGetValue(report.ClientOrderId, out var order)) return null;
        ApplyVenueOrder(order, report, now);
        return order;
    }

    private void ApplyVenueOrder(TrackedOrder order, VenueOrder report, DateTimeOffset now)
    {
        MarkReceived(order, now);
        if (order.VenueOrderId is null && report.VenueOrderId.Length > 0)
        {
            order.VenueOrderId = report.VenueOrderId;
            _dirty.Add(order);
        }
        if (report.FilledQuantity > order.FilledQuantity)
        {
            order.FilledQuantity = Math.Min(report.FilledQuantity, order.Quantity);
            _dirty.Add(order);
        }
        var next = report.Status switch
        {
            VenueOrderStatus.Open => order.FilledQuantity > 0 ? OrderStatus.PartiallyFilled : OrderStatus.Open,
            VenueOrderStatus.PartiallyFilled => OrderStatus.PartiallyFilled,
            VenueOrderStatus.Filled => OrderStatus.Filled,
            VenueOrderStatus.Rejected => OrderStatus.Rejected,
            _ => OrderStatus.Cancelled,
        };
        // An "open" report must not undo a cancel we are waiting on.
        if (order.Status == OrderStatus.PendingCancel && next is OrderStatus.Open or OrderStatus.PartiallyFilled) return;
        TryMove(order, next, now);
    }

    /// <summary>
    /// Applies a fill. Returns false when its trade and side were already seen in this process (the journal's
    /// unique key is the durable guard). The order, if ours, is returned in <paramref name="order"/>.
    /// </summary>
    public bool ApplyFill(VenueFill fill, DateTimeOffset now, out TrackedOrder? order)
    {
        order = fill.ClientOrderId is null ? null : _orders.GetValueOrDefault(fill.ClientOrderId);
        if (!_seenFills.Add(fill.Key)) return false;
        if (order is null) return true;

        MarkReceived(order, now);
        var byFills = _filledByFills.GetValueOrDefault(order.ClientOrderId) + fill.Quantity;
        _filledByFills[order.ClientOrderId] = byFills;
        if (byFills > order.FilledQuantity) order.FilledQuantity = Math.Min(byFills, order.Quantity);
        order.VenueOrderId ??= fill.VenueOrderId;
        _dirty.Add(order);
        if (order.FilledQuantity >= order.Quantity) TryMove(order, OrderStatus.Filled, now);
        else if (order.Status != OrderStatus.PendingCancel) TryMove(order, OrderStatus.PartiallyFilled, now);
        return true;
    }

    /// <summary>How much of an order its applied fills account for (the venue's report may run ahead of the fills).</summary>
    public decimal FilledByFills(TrackedOrder order) => _filledByFills.GetValueOrDefault(order.ClientOrderId);

    /// <summary>Marks a fill as already counted (restored from the journal at start).</summary>
    public void MarkFillSeen(VenueFill fill) => _seenFills.Add(fill.Key);

    /// <summary>Orders changed since the last call, for one journal write.</summary>
    public IReadOnlyList<TrackedOrder> TakeChanged()
    {
        if (_dirty.Count == 0) return [];
        var changed = _dirty.ToArray();
        _dirty.Clear();
        return changed;
    }

    /// <summary>Forgets terminal orders (they live on in the journal) to keep the working set small.</summary>
    public int PruneTerminal(DateTimeOffset olderThan)
    {
        EndedSince(olderThan); // a market nobody asks (a hedge market's) keeps none longer
        var stale = _orders.Values.Where(o => o.IsTerminal && o.UpdatedAt < olderThan && !_dirty.Contains(o)).Select(o => o.ClientOrderId).ToList();
        foreach (var id in stale)
        {
            _orders.Remove(id);
            _filledByFills.Remove(id);
        }
        return stale.Count;
    }

    /// <summary>Resting exposure of live orders on one side (remaining quantity).</summary>
    public decimal OpenQuantity(Side side)
    {
        var total = 0m;
        foreach (var o in _live) if (o.Side == side) total += o.RemainingQuantity;
        return total;
    }

    // The journal holds New for an order sent after its last write (Submitted is journaled with the next change), so a
    // restarted worker can meet it on the venue: the venue's word proves it was received, and it moves on from there.
    private void MarkReceived(TrackedOrder order, DateTimeOffset now)
    {
        if (order.Status == OrderStatus.New) Move(order, OrderStatus.Submitted, now);
    }

    private void TryMove(TrackedOrder order, OrderStatus next, DateTimeOffset now)
    {
        if (order.Status == next && next != OrderStatus.PartiallyFilled) return;
        if (OrderStateMachine.CanTransition(order.Status, next)) Move(order, next, now);
    }

    private void Move(TrackedOrder order, OrderStatus next, DateTimeOffset now)
    {
        order.TransitionTo(next, now);
        _dirty.Add(order);
        TrackLiveness(order);
    }

    private void TrackLiveness(TrackedOrder order)
    {
        if (OrderStateMachine.IsLive(order.Status)) _live.Add(order);
        else if (_live.Remove(order) && order is { VenueOrderId: not null, TimeInForce: TimeInForce.Gtc }) _ended.Enqueue(order);
    }
}
