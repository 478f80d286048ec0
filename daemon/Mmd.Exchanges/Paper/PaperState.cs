using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Paper;

/// <summary>
/// The paper venue's persisted state: one JSON snapshot per account folder, versioned for upgrades. Version 2 keeps
/// only what changes in place (counters, mids, balances, positions, open orders) and points at the history file (an
/// append-only log of terminal orders, fills and funding) up to the length this snapshot covers. Version 1 held the
/// history itself and is still read.
/// </summary>
internal sealed record PaperState
{
    public const int CurrentVersion = 2;
    public int Version { get; init; } = CurrentVersion;
    public ulong RngState { get; init; }
    public long NextOrderId { get; init; }
    public long NextTradeId { get; init; }
    public long NextSequence { get; init; }
    public Dictionary<string, decimal> Mids { get; init; } = [];
    public Dictionary<string, Dictionary<string, BalanceState>> Balances { get; init; } = [];
    public Dictionary<string, Dictionary<string, PositionState>> Positions { get; init; } = [];
    /// <summary>Version 2: the open orders. Version 1: every order kept.</summary>
    public List<OrderState> Orders { get; init; } = [];
    /// <summary>Version 1 only.</summary>
    public Dictionary<string, List<VenueFill>> Fills { get; init; } = [];
    /// <summary>Version 1 only.</summary>
    public Dictionary<string, List<FundingPayment>> Funding { get; init; } = [];
    public DateTimeOffset? NextFundingAt { get; init; }
    /// <summary>Version 2: the history file and how many of its bytes belong to this state (a longer tail was never committed).</summary>
    public HistoryPointer? History { get; init; }
}

internal sealed record HistoryPointer(string File, long Length);

/// <summary>One line of the history log: an order that ended, or an account's fill or funding payment. These never change once written.</summary>
internal sealed record HistoryRecord(OrderState? Order = null, string? Account = null, VenueFill? Fill = null, FundingPayment? Funding = null);

internal sealed record BalanceState(decimal Total, decimal Locked);

internal sealed record PositionState(decimal Quantity, decimal EntryPrice, decimal RealizedPnl);

internal sealed record OrderState(
    long Id, string Account, string? ClientOrderId, string Symbol, Side Side, OrderType Type, TimeInForce TimeInForce,
    decimal? Price, decimal Quantity, decimal Filled, VenueOrderStatus Status, bool PostOnly, bool ReduceOnly,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Sequence, decimal LockPerUnit, string? LockAsset);
