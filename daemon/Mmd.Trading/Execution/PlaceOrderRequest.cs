using Mmd.Trading.Primitives;

namespace Mmd.Trading.Execution;

/// <summary>An order as handed to a connector: already rounded, risk-checked and journaled.</summary>
public sealed record PlaceOrderRequest(
    string Symbol,
    string ClientOrderId,
    Side Side,
    OrderType Type,
    TimeInForce TimeInForce,
    decimal? Price,
    decimal Quantity,
    bool PostOnly = false,
    bool ReduceOnly = false);
