using Mmd.Trading.Execution;
using Mmd.Trading.Orders;

namespace Mmd.Trading.Engine;

// While the engine runs, its reads of the venue go off the loop and come back as events. A venue may pace reads seconds
// apart (Lighter: about one a second for the account, shared by the instances on it). A loop awaiting one saw no market
// meanwhile: its quotes stood unwatched, and the supervisor killed the worker for stale market data, again and again.
// Start and stop still read in line: nothing else is to be done until the answer.
public sealed partial class InstanceEngine
{
    /// <summary>
    /// Runs a read and posts its answer, or its failure, to the loop: every read while running (balances, funding, a
    /// catch-up, an order's query, our fills asked after a refusal).
    /// </summary>
    private void ReadOffTheLoop(Func<CancellationToken, Task<EngineEvent>> read, Func<Exception, EngineEvent> failed) => _ = ReadAsync(read, failed);

    // The reads asked while running; cancelled when the stop begins (DropRunningReads), then those the stop asks.
    private CancellationTokenSource _reads;

    private async Task ReadAsync(Func<CancellationToken, Task<EngineEvent>> read, Func<Exception, EngineEvent> failed)
    {
        EngineEvent answer;
        try { answer = await read(_reads.Token); }
        catch (Exception ex) { answer = failed(ex); }
        await _events.Writer.WriteAsync(answer, CancellationToken.None);
    }

    /// <summary>
    /// The stop's own reads (does the venue list an order of ours, which fills came) must not wait behind the running
    /// ones at the venue's pace: on Lighter, a read each few seconds for an instance among several, a stop queued behind
    /// balances, funding and catch-ups ran out of time without confirming a flat book. Those still out are dropped; the
    /// stop reads what it needs itself.
    /// </summary>
    private void DropRunningReads()
    {
        var running = _reads;
        _reads = CancellationTokenSource.CreateLinkedTokenSource(_io.Token);
        running.Cancel(); // not disposed: the reads it cancels may still hold its token
    }

    private bool _balancesReadInFlight;

    /// <summary>
    /// After fills, at most once a second, the account's balances; also once after a rebalance ended, whose balances the
    /// strategy waits for even when nothing filled.
    /// </summary>
    private void ReadBalancesWhenDue(DateTimeOffset now)
    {
        if (_rebalanceOrder is { IsTerminal: true } rebalance && _balancesAt <= rebalance.UpdatedAt) _balancesDirty = true;
        if (!_balancesDirty || _balancesReadInFlight || now - _balancesAt < TimeSpan.FromSeconds(1)) return;
        _balancesReadInFlight = true;
        _balancesDirty = false; // a fill while the read is out makes them due again
        ReadOffTheLoop(async ct => new BalancesRead(await _primary.Connector.GetBalancesAsync(ct), now, null), error => new BalancesRead(null, now, error));
    }

    private void OnBalancesRead(BalancesRead read)
    {
        _balancesReadInFlight = false;
        if (read.Error is null)
        {
            SetBalances(read.Balances!, read.AskedAt);
            return;
        }
        _balancesDirty = true; // asked again at the next housekeeping tick
        if (read.Error is not OperationCanceledException) EngineLog.StepFailed(_logger, _options.InstanceName, $"balances: {read.Error.Message}");
    }

    private async Task RefreshBalancesAsync(CancellationToken cancellationToken)
    {
        var askedAt = _time.GetUtcNow();
        SetBalances(await _primary.Connector.GetBalancesAsync(cancellationToken), askedAt);
    }

    /// <param name="askedAt">When they were asked for: they show everything that ended before then.</param>
    private void SetBalances(IReadOnlyList<Balance> balances, DateTimeOffset askedAt)
    {
        SetAccountBalances(balances);
        _balancesAt = askedAt;
    }

    /// <summary>
    /// While running: what the venue lists of the leg's orders and fills (the account stream connected again or asked for
    /// a resync, or a one-off's fills are late). One at a time per market; asked again while one is out, another follows
    /// it, so the answer is newer than the ask. A failed one is asked again at the next housekeeping tick.
    /// </summary>
    private void CatchUp(MarketLeg leg)
    {
        if (!leg.CatchUpAsk.TryStart()) return;
        var askedAt = _time.GetUtcNow();
        ReadOffTheLoop(async ct =>
        {
            var (open, fills, openAfter) = await ReadCatchUpAsync(leg, ct);
            return new CaughtUp(leg, open, fills, openAfter, askedAt, null);
        }, error => new CaughtUp(leg, null, null, null, askedAt, error));
    }

    private async Task OnCaughtUpAsync(CaughtUp caught, CancellationToken cancellationToken)
    {
        var leg = caught.Leg;
        if (caught.Error is not null)
        {
            var stopping = caught.Error is OperationCanceledException;
            leg.CatchUpAsk.Failed(retry: !stopping);
            if (!stopping) EngineLog.StepFailed(_logger, _options.InstanceName, $"catching up with {leg.Symbol} on the venue: {caught.Error.Message}");
            return;
        }
        var again = leg.CatchUpAsk.Answered();
        await ApplyCatchUpAsync(leg, caught.Open!, caught.Fills!, caught.OpenAfter!, caught.AskedAt, cancellationToken);
        if (again) CatchUp(leg);
    }

    /// <summary>In line, where nothing else is to be done until the venue has answered (start, stop, a flatten, the stop's hedge).</summary>
    private async Task CatchUpAsync(MarketLeg leg, CancellationToken cancellationToken)
    {
        var askedAt = _time.GetUtcNow();
        var (open, fills, openAfter) = await ReadCatchUpAsync(leg, cancellationToken);
        await ApplyCatchUpAsync(leg, open, fills, openAfter, askedAt, cancellationToken);
    }

    private async Task<(IReadOnlyList<VenueOrder> Open, IReadOnlyList<VenueFill> Fills, IReadOnlyList<VenueOrder> OpenAfter)> ReadCatchUpAsync(MarketLeg leg,
        CancellationToken cancellationToken)
    {
        var open = await leg.Connector.GetOpenOrdersAsync(leg.Symbol, cancellationToken);
        var fills = await leg.Connector.GetFillsAsync(leg.Symbol, _sessionStart.AddMinutes(-1), cancellationToken);
        var openAfter = await leg.Connector.GetOpenOrdersAsync(leg.Symbol, cancellationToken);
        return (open, fills, openAfter);
    }

    private async Task ApplyCatchUpAsync(MarketLeg leg, IReadOnlyList<VenueOrder> open, IReadOnlyList<VenueFill> fills, IReadOnlyList<VenueOrder> openAfter,
        DateTimeOffset askedAt, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        foreach (var report in open) await CancelIfStrayAsync(leg, report, leg.Tracker.ApplyVenueOrder(report, now));
        foreach (var fill in fills) await ApplyFillAsync(leg, fill, cancellationToken);
        // Orders we think are working but the venue no longer lists: ask about each (not those placed after the ask).
        var listed = openAfter.Select(o => o.ClientOrderId).ToHashSet(StringComparer.Ordinal);
        foreach (var order in leg.Tracker.Live.Where(o => o.Status is OrderStatus.Open or OrderStatus.PartiallyFilled && o.CreatedAt < askedAt && !listed.Contains(o.ClientOrderId)))
            QueryOrder(leg, order);
    }
}
