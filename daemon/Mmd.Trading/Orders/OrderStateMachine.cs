namespace Mmd.Trading.Orders;

/// <summary>The legal transitions of <see cref="OrderStatus"/>, as one table.</summary>
public static class OrderStateMachine
{
    private static readonly Dictionary<OrderStatus, OrderStatus[]> Transitions = new()
    {
        [OrderStatus.New] = [OrderStatus.Submitted, OrderStatus.Rejected],
        [OrderStatus.Submitted] = [OrderStatus.Open, OrderStatus.PartiallyFilled, OrderStatus.Filled, OrderStatus.Cancelled, OrderStatus.Rejected, OrderStatus.PendingCancel, OrderStatus.Unknown],
        [OrderStatus.Open] = [OrderStatus.PartiallyFilled, OrderStatus.Filled, OrderStatus.Cancelled, OrderStatus.PendingCancel, OrderStatus.Unknown],
        [OrderStatus.PartiallyFilled] = [OrderStatus.PartiallyFilled, OrderStatus.Filled, OrderStatus.Cancelled, OrderStatus.PendingCancel, OrderStatus.Unknown],
        // A fill can overtake a cancel; a refused cancel leaves the order working.
        [OrderStatus.PendingCancel] = [OrderStatus.Cancelled, OrderStatus.Filled, OrderStatus.PartiallyFilled, OrderStatus.Open, OrderStatus.Unknown],
        [OrderStatus.Unknown] = [OrderStatus.Open, OrderStatus.PartiallyFilled, OrderStatus.Filled, OrderStatus.Cancelled, OrderStatus.Rejected, OrderStatus.PendingCancel],
        [OrderStatus.Filled] = [],
        [OrderStatus.Cancelled] = [],
        [OrderStatus.Rejected] = [],
    };

    public static bool CanTransition(OrderStatus from, OrderStatus to) =>
        Transitions.TryGetValue(from, out var targets) && Array.IndexOf(targets, to) >= 0;

    public static bool IsTerminal(OrderStatus status) =>
        status is OrderStatus.Filled or OrderStatus.Cancelled or OrderStatus.Rejected;

    /// <summary>True while the order may still rest on, or enter, the venue's book.</summary>
    public static bool IsLive(OrderStatus status) => !IsTerminal(status) && status != OrderStatus.New;

    public static IEnumerable<(OrderStatus From, OrderStatus To)> LegalTransitions() =>
        Transitions.SelectMany(kv => kv.Value.Select(to => (kv.Key, to)));
}

public sealed class InvalidOrderTransitionException(string clientOrderId, OrderStatus from, OrderStatus to)
    : InvalidOperationException($"order {clientOrderId}: illegal transition {from} -> {to}")
{
    public OrderStatus From { get; } = from;
    public OrderStatus To { get; } = to;
}
