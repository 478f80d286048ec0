using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Paper;

/// <summary>The paper venue's persisted state (one JSON file per account folder). Versioned for upgrades.</summary>
internal sealed record PaperState
{
    public int Version { get; init; } = 1;
    public ulong RngState { get; init; }
    public long NextOrderId { get; init; }
    public long NextTradeId { get; init; }
    public long NextSequence { get; init; }
    public Dictionary<string, decimal> Mids { get; init; } = [];
    public Dictionary<string, Dictionary<string, BalanceState>> Balances { get; init; } = [];
    public Dictionary<string, Dictionary<string, PositionState>> Positions { get; init; } = [];
    public List<OrderState> Orders { get; init; } = [];
    public Dictionary<string, List<VenueFill>> Fills { get; init; } = [];
    public Dictionary<string, List<FundingPayment>> Funding { get; init; } = [];
    public DateTimeOffset? NextFundingAt { get; init; }
}

internal sealed record BalanceState(decimal Total, decimal Locked);

internal sealed record PositionState(decimal Quantity, decimal EntryPrice, decimal RealizedPnl);

internal sealed record OrderState(
    long Id, string Account, string? ClientOrderId, string Symbol, Side Side, OrderType Type, TimeInForce TimeInForce,
    decimal? Price, decimal Quantity, decimal Filled, VenueOrderStatus Status, bool PostOnly, bool ReduceOnly,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Sequence, decimal LockPerUnit, string? LockAsset);
