using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Stats;

namespace Mmd.Trading.Engine;

/// <summary>A fill read back from the journal, with what it was for, and its place in the journal (rows only grow).</summary>
public sealed record JournaledFill(VenueFill Fill, OrderPurpose Purpose)
{
    public long Row { get; init; }
}

/// <summary>
/// Which of the journal's fills to read; every condition set applies. The fills come oldest first (by time, then row).
/// </summary>
public sealed record FillQuery
{
    /// <summary>Every fill of the journal.</summary>
    public static FillQuery All { get; } = new();

    /// <summary>Only fills journaled after this row (those a checkpoint does not cover).</summary>
    public long AfterRow { get; init; }

    /// <summary>Only fills journaled at or before this row (those a checkpoint covers).</summary>
    public long? UpToRow { get; init; }

    /// <summary>Only fills at or after this time (to the millisecond).</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only fills of these orders (client order ids).</summary>
    public IReadOnlyCollection<string>? Orders { get; init; }
}

/// <summary>A saved checkpoint of one market's figures, and the last journal row of its fills that it covers.</summary>
public sealed record JournalCheckpoint(FiguresCheckpoint Figures, long LastFillRow);

/// <summary>
/// Durable record of one instance's orders and fills. Orders are written before the request that
/// creates them leaves the process; a fill is recorded once per venue trade id.
/// The engine writes orders and fills with <see cref="CancellationToken.None"/>, never the run's stop token: it has
/// already counted what it writes (the tracker's changed orders, a trade id marked seen), so a write a stop cut short
/// would be lost to the journal; the stop's own catch-up skips a seen trade.
/// </summary>
public interface ITradingJournal
{
    /// <summary>Inserts or updates these orders in one transaction.</summary>
    Task SaveOrdersAsync(IReadOnlyList<TrackedOrder> orders, CancellationToken cancellationToken);

    /// <summary>Records a fill; false when its trade id was already recorded (nothing is written).</summary>
    Task<bool> RecordFillAsync(VenueFill fill, OrderPurpose purpose, CancellationToken cancellationToken);

    /// <summary>Orders not in a terminal state (New, Submitted, Open, PartiallyFilled, PendingCancel, Unknown).</summary>
    Task<IReadOnlyList<TrackedOrder>> LoadOpenOrdersAsync(CancellationToken cancellationToken);

    /// <summary>
    /// What one order of the instance was for, whatever its state; null when the journal has no such order. A fill can come
    /// after its order has ended (read back after a restart, or late off the stream), when only the journal still knows it.
    /// </summary>
    Task<OrderPurpose?> LoadOrderPurposeAsync(string clientOrderId, CancellationToken cancellationToken);

    /// <summary>
    /// The client order id of the order the instance journaled last on this venue, any market; null when it holds none. A
    /// run numbers its orders on from it where the venue's client ids are numbers that come round (<see cref="Orders.ClientOrderIds.ContinueAfter"/>).
    /// </summary>
    Task<string?> LoadLastClientOrderIdAsync(CancellationToken cancellationToken);

    /// <summary>The fills of the instance <paramref name="query"/> picks, oldest first, read as they are used: a journal of years holds millions.</summary>
    IAsyncEnumerable<JournaledFill> ReadFillsAsync(FillQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Saves <paramref name="checkpoint"/> as covering every fill this journal holds now, replacing the one before. The
    /// engine saves between fills: each fill it journals it has counted, and a start counts all fills after the checkpoint
    /// it loaded before its first save.
    /// </summary>
    Task SaveCheckpointAsync(FiguresCheckpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>The saved checkpoint; null when none was saved, or it cannot be read (the start then replays every fill).</summary>
    Task<JournalCheckpoint?> LoadCheckpointAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Keeps a stats snapshot: what a restarted worker's strategy and kill switch start from. A snapshot that
    /// <paramref name="replaceLatest"/> rewrites the one this run saved last (so the history keeps one a period while
    /// the latest state is saved as it changes); otherwise it is added.
    /// </summary>
    Task SaveStatsAsync(StatsSnapshot snapshot, bool replaceLatest, CancellationToken cancellationToken);

    /// <summary>The strategy's figures in the latest stats snapshot (a grid's range and profit), null when none was saved.</summary>
    Task<StrategyFigures?> LoadLastStrategyFiguresAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the instance's ended orders last updated before <paramref name="before"/>, and its stats snapshots saved
    /// before it except the latest; fills stay (the trading record). Returns the rows deleted.
    /// </summary>
    Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>Why the kill switch had tripped in the latest stats snapshot; null when it had not, or none was saved.</summary>
    Task<string?> LoadTrippedKillSwitchAsync(CancellationToken cancellationToken);

    /// <summary>The daily loss limit's day start in the latest stats snapshot; null when none was saved (or before it was kept).</summary>
    Task<Risk.DayStart?> LoadDayStartAsync(CancellationToken cancellationToken);
}
