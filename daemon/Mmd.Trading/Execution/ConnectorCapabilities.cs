namespace Mmd.Trading.Execution;

/// <summary>What a connector can do; conformance scenarios are skipped by these.</summary>
[Flags]
public enum ConnectorCapabilities
{
    None = 0,
    Spot = 1 << 0,
    Perpetual = 1 << 1,
    PostOnly = 1 << 2,
    ReduceOnly = 1 << 3,
    ImmediateOrCancel = 1 << 4,
    MarketOrders = 1 << 5,
    CancelByClientId = 1 << 6,
    CancelAll = 1 << 7,
    OrderBookStream = 1 << 8,
    AccountStream = 1 << 9,
    FillHistory = 1 << 10,
    QueryOrderByClientId = 1 << 11,
    /// <summary>Reports perpetual funding settlements.</summary>
    FundingHistory = 1 << 12,
    /// <summary>Takes fill-or-kill orders (a venue with IOC alone, such as Paradex, refuses them).</summary>
    FillOrKill = 1 << 13,
}
