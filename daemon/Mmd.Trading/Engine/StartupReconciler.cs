using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Stats;

namespace Mmd.Trading.Engine;

/// <summary>
/// Before the first quote: replays the journal, then asks the venue about every order the journal
/// left open and every open order carrying our prefix, and fetches the fills we may have missed.
/// Our resting orders are adopted (the reconciler then keeps or replaces them); open orders with our
/// prefix that the journal does not know are cancelled. Anything that cannot be settled fails closed.
/// </summary>
internal sealed class StartupReconciler(MarketLeg leg, TimeProvider time)
{

    /// <summary>How far before the newest journaled fill the venue is asked for fills again.</summary>
    private static readonly TimeSpan CatchUpOverlap = TimeSpan.FromMinutes(1);

    public async Task<StartupReport> RunAsync(CancellationToken cancellationToken)
    {
        var open = await leg.Journal.LoadOpenOrdersAsync(cancellationToken);
        var filledByOrder = new OpenOrderFills(open);
        var checkpointed = await RestoreCheckpointAsync(open, filledByOrder, cancellationToken);

        // The fills the checkpoint does not cover (all of them without one) make the cumulative figures. They are read one at
        // a time and only what the open orders need is kept (a list of them all was 423 MB for a million fills).
        var journalFills = 0;
        await foreach (var journaled in leg.Journal.ReadFillsAsync(new FillQuery { AfterRow = checkpointed?.LastFillRow ?? 0 }, cancellationToken))
        {
            journalFills++;
            leg.Cumulative.Apply(journaled.Fill, journaled.Purpose == OrderPurpose.Rebalance);
            leg.Tracker.MarkFillSeen(journaled.Fill);
            filledByOrder.Add(journaled.Fill);
        }
        leg.FiguresComplete = true;
        leg.CheckpointDue = true; // the first housekeeping saves one: the next start reads none of these again
        foreach (var order in open) leg.Tracker.Restore(order, filledByOrder.Of(order));
        IReadOnlyList<VenueOrder> venueOpen;
        try
        {
            venueOpen = await leg.Connector.GetOpenOrdersAsync(leg.Symbol, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new ReconciliationFailedException($"cannot list open orders on {leg.Connector.Venue}: {ex.Message}", ex);
        }

        var now = time.GetUtcNow();
        var ours = venueOpen.Where(o => leg.Tracker.Owns(o.ClientOrderId)).ToList();
        int adopted = 0, stray = 0, settled = 0, cancelsResent = 0;
        foreach (var report in ours)
        {
            if (leg.Tracker.ApplyVenueOrder(report, now) is { } known)
            {
                if (known.Status != OrderStatus.PendingCancel)
                {
                    adopted++;
                    continue;
                }
                // The last run asked for this cancel and died before the answer; the venue still lists the order, and
                // nobody in this run is waiting on that cancel: ask again (a cancel is safe to repeat).
                var again = await leg.Connector.CancelOrderAsync(new CancelOrderRequest(leg.Symbol, report.VenueOrderId, report.ClientOrderId), cancellationToken);
                leg.Tracker.ApplyCancelResult(known, again, now);
                cancelsResent++;
                continue;
            }
            // Ours by prefix but unknown to the journal (journal lost or from another copy): never leave it working blind.
            var result = await leg.Connector.CancelOrderAsync(new CancelOrderRequest(leg.Symbol, report.VenueOrderId, report.ClientOrderId), cancellationToken);
            if (result.Outcome != CommandOutcome.Accepted && result.Code != RejectCode.OrderNotFound)
                throw new ReconciliationFailedException($"order {report.ClientOrderId} is on the venue, not in the journal, and could not be cancelled: {result.Message}");
            stray++;
        }

        var onVenue = ours.Select(o => o.ClientOrderId!).ToHashSet(StringComparer.Ordinal);
        foreach (var order in open.Where(o => !onVenue.Contains(o.ClientOrderId)))
        {
            VenueOrder? report;
            try
            {
                report = await leg.Connector.GetOrderAsync(leg.Symbol, order.ClientOrderId, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new ReconciliationFailedException($"cannot query order {order.ClientOrderId}: {ex.Message}", ex);
            }
            if (report is not null)
            {
                leg.Tracker.ApplyVenueOrder(report, now);
                if (!OrderStateMachine.IsTerminal(order.Status))
                    throw new ReconciliationFailedException($"order {order.ClientOrderId} is {report.Status} on the venue but not in its open orders");
            }
            else if (order.Status is OrderStatus.New or OrderStatus.Submitted or OrderStatus.Unknown)
            {
                // Journaled but the venue never received it.
                leg.Tracker.MarkNeverReceived(order, now);
            }
            else if (order.Status == OrderStatus.PendingCancel)
            {
                // We were cancelling it and the venue lists it nowhere any more (not open, out of its history): it is off
                // the book, which is what the cancel wanted; any fill it had is read back with the fills below.
                leg.Tracker.ApplyCancelResult(order, new CancelOrderResult(CommandOutcome.Accepted, null), now);
            }
            else
            {
                throw new ReconciliationFailedException($"order {order.ClientOrderId} was {order.Status} but the venue has no record of it");
            }
            settled++;
        }

        var recovered = await CatchUpFillsAsync(leg.Cumulative.NewestFillTime, cancellationToken);
        return new StartupReport(open.Count, adopted, settled, stray, recovered, journalFills)
        {
            CancelsResent = cancelsResent,
            CheckpointFills = checkpointed?.Figures.Figures.Fills ?? 0,
        };
    }

    /// <summary>
    /// Starts the cumulative figures and the funding state from the journal's checkpoint, if it has a usable one, and reads
    /// back what of the fills it covers the start still needs: the open orders' fills (how much of each is filled, and
    /// their trades seen), the trades the venue is asked about again, and a perpetual's positions since the oldest funding
    /// settlement still asked about. Null when there is none: every fill is replayed.
    /// </summary>
    private async Task<JournalCheckpoint?> RestoreCheckpointAsync(IReadOnlyList<TrackedOrder> open, OpenOrderFills filledByOrder,
        CancellationToken cancellationToken)
    {
        if (await leg.Journal.LoadCheckpointAsync(cancellationToken) is not { } checkpoint || !leg.Cumulative.Restore(checkpoint.Figures)) return null;
        var covered = new FillQuery { UpToRow = checkpoint.LastFillRow };
        if (open.Count > 0)
        {
            await foreach (var journaled in leg.Journal.ReadFillsAsync(covered with { Orders = open.Select(o => o.ClientOrderId).ToList() }, cancellationToken))
            {
                leg.Tracker.MarkFillSeen(journaled.Fill);
                filledByOrder.Add(journaled.Fill);
            }
        }
        if (checkpoint.Figures.NewestFillTime is { } newest)
        {
            await foreach (var journaled in leg.Journal.ReadFillsAsync(covered with { From = newest - CatchUpOverlap }, cancellationToken))
                leg.Tracker.MarkFillSeen(journaled.Fill);
        }
        if (leg.TracksFunding && checkpoint.Figures.FundingSince is { } fundingSince)
        {
            leg.FundingSince = fundingSince;
            foreach (var (id, time) in checkpoint.Figures.FundingSeen) leg.FundingSeen[id] = time;
            // The history starts with the position in force then (to the millisecond); the covered fills after it follow.
            var after = checkpoint.Figures.PositionHistoryStart?.Time.AddMilliseconds(1);
            await foreach (var journaled in leg.Journal.ReadFillsAsync(covered with { From = after }, cancellationToken))
                leg.Cumulative.ReplayPosition(journaled.Fill);
        }
        return checkpoint;
    }

    private async Task<int> CatchUpFillsAsync(DateTimeOffset? newestJournaled, CancellationToken cancellationToken)
    {
        // Fills since shortly before the newest one we recorded; without history, the last day.
        var since = newestJournaled - CatchUpOverlap ?? time.GetUtcNow().AddDays(-1);
        IReadOnlyList<VenueFill> venueFills;
        try
        {
            venueFills = await leg.Connector.GetFillsAsync(leg.Symbol, since, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new ReconciliationFailedException($"cannot read fills since {since:O}: {ex.Message}", ex);
        }
        var recovered = 0;
        foreach (var fill in venueFills)
        {
            if (!leg.Tracker.Owns(fill.ClientOrderId)) continue;
            if (!leg.Tracker.ApplyFill(fill, time.GetUtcNow(), out var order)) continue;
            var purpose = await leg.PurposeOfAsync(order, fill);
            if (await leg.Journal.RecordFillAsync(fill, purpose, CancellationToken.None)) // counted: never cut short (ITradingJournal)
            {
                leg.Cumulative.Apply(fill, purpose == OrderPurpose.Rebalance);
                recovered++;
            }
        }
        return recovered;
    }

    /// <summary>
    /// How much of each order the journal left open its journaled fills fill. A numbered client id comes round again (every
    /// four million orders on Backpack), so a fill of an earlier order that held the id is not this one's: a fill cannot
    /// come before its order, give or take the venue's clock against ours.
    /// </summary>
    private sealed class OpenOrderFills(IReadOnlyList<TrackedOrder> open)
    {
        private static readonly TimeSpan ClockAllowance = TimeSpan.FromMinutes(10);
        private readonly Dictionary<string, (DateTimeOffset Created, decimal Filled)> _orders =
            open.ToDictionary(o => o.ClientOrderId, o => (o.CreatedAt, 0m), StringComparer.Ordinal);

        public void Add(VenueFill fill)
        {
            if (fill.ClientOrderId is { } id && _orders.TryGetValue(id, out var order) && fill.Timestamp >= order.Created - ClockAllowance)
                _orders[id] = order with { Filled = order.Filled + fill.Quantity };
        }

        public decimal Of(TrackedOrder order) => _orders[order.ClientOrderId].Filled;
    }
}
