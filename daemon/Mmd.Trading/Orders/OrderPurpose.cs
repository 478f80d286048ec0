namespace Mmd.Trading.Orders;

/// <summary>Why an order exists; fills are attributed by it (the seed's trade_type).</summary>
public enum OrderPurpose
{
    Quote = 1,
    Rebalance = 2,
    Flatten = 3,
    /// <summary>A strategy's reduce-only close: position above its cap or target, stop-loss, take-profit.</summary>
    Reduce = 4,
    /// <summary>The maker-taker hedge's taker order back to the reference position.</summary>
    Hedge = 5,
}
