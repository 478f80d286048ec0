using Mmd.Trading.Primitives;

namespace Mmd.Trading.Execution;

/// <summary>An order as the venue reports it.</summary>
public sealed record VenueOrder(
    string VenueOrderId,
    string? ClientOrderId,
    string Symbol,
    Side Side,
    OrderType Type,
    TimeInForce TimeInForce,
    decimal? Price,
    decimal Quantity,
    decimal FilledQuantity,
    VenueOrderStatus Status,
    bool PostOnly,
    bool ReduceOnly,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
