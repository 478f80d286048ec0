using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;

namespace Mmd.Trading.Strategies;

/// <summary>A one-off order the strategy wants sent now (a rebalance IOC, a flattening order, a hedge).</summary>
/// <param name="OnHedgeMarket">Sent to the instance's hedge market (a cross-market hedge) instead of where it quotes.</param>
public sealed record OrderIntent(
    Side Side,
    OrderType Type,
    TimeInForce TimeInForce,
    decimal? Price,
    decimal Quantity,
    OrderPurpose Purpose,
    bool PostOnly = false,
    bool ReduceOnly = false,
    int Level = -1,
    bool OnHedgeMarket = false);
