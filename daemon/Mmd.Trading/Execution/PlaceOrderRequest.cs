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
    bool ReduceOnly = false)
{
    /// <summary>Set when the engine may take the request back while it waits for the venue's request limit (a quote's).</summary>
    public PlaceWithdrawal? Withdrawal { get; init; }
}
