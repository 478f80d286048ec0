using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;

namespace Mmd.Trading.Strategies;

/// <summary>A one-off order the strategy wants sent now (a rebalance IOC, a flattening order).</summary>
public sealed record OrderIntent(
    Side Side,
    OrderType Type,
    TimeInForce TimeInForce,
    decimal? Price,
    decimal Quantity,
    OrderPurpose Purpose,
    bool PostOnly = false,
    bool ReduceOnly = false,
    int Level = -1);
