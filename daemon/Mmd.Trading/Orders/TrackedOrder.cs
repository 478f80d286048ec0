using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Trading.Orders;

/// <summary>One of our orders as we know it. Mutated only through <see cref="OrderTracker"/>.</summary>
public sealed class TrackedOrder
{
    public required string ClientOrderId { get; init; }
    public required string Symbol { get; init; }
    public required Side Side { get; init; }
    public required OrderType Type { get; init; }
    public required TimeInForce TimeInForce { get; init; }
    public decimal? Price { get; init; }
    /// <summary>
    /// The strategy's price for a quote that went out at another (<see cref="Price"/>): one tick behind the market's touch
    /// because its own would have crossed it, or one tick further after a post-only bounce. The strategy knows the order by
    /// this price (a grid by its level); null when the order went out at the strategy's price.
    /// </summary>
    public decimal? QuotedPrice { get; init; }
    public required decimal Quantity { get; init; }
    public bool PostOnly { get; init; }
    public bool ReduceOnly { get; init; }
    public OrderPurpose Purpose { get; init; } = OrderPurpose.Quote;
    /// <summary>Quote level (0 = closest to mid); -1 for non-quote orders.</summary>
    public int Level { get; init; } = -1;
    /// <summary>How many times this quote was re-priced after a post-only rejection (the seed retried once).</summary>
    public int PostOnlyRetries { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    public string? VenueOrderId { get; internal set; }
    public OrderStatus Status { get; internal set; } = OrderStatus.New;
    public decimal FilledQuantity { get; internal set; }
    public DateTimeOffset UpdatedAt { get; internal set; }
    public string? LastError { get; internal set; }

    /// <summary>The reason an order given up as never received is settled with (it is journaled, so it survives a restart).</summary>
    public const string NeverReceivedError = "venue has no record of the order";

    public decimal RemainingQuantity => Quantity - FilledQuantity;
    /// <summary>The price the strategy asked for: <see cref="QuotedPrice"/>, else <see cref="Price"/>.</summary>
    public decimal? StrategyPrice => QuotedPrice ?? Price;
    /// <summary>Settled as never received: a venue report of it later means the request arrived late.</summary>
    public bool SettledAsNeverReceived => Status == OrderStatus.Rejected && LastError == NeverReceivedError;
    public bool IsTerminal => OrderStateMachine.IsTerminal(Status);

    public PlaceOrderRequest ToRequest() =>
        new(Symbol, ClientOrderId, Side, Type, TimeInForce, Price, Quantity, PostOnly, ReduceOnly);

    /// <summary>Sets the state read back from the journal (no transition check: it is history).</summary>
    public void Restore(OrderStatus status, string? venueOrderId, decimal filledQuantity, DateTimeOffset updatedAt, string? lastError)
    {
        Status = status;
        VenueOrderId = venueOrderId;
        FilledQuantity = filledQuantity;
        UpdatedAt = updatedAt;
        LastError = lastError;
    }

    internal void TransitionTo(OrderStatus next, DateTimeOffset now)
    {
        if (next == Status && next != OrderStatus.PartiallyFilled) return;
        if (!OrderStateMachine.CanTransition(Status, next))
            throw new InvalidOrderTransitionException(ClientOrderId, Status, next);
        Status = next;
        UpdatedAt = now;
    }
}
