namespace Mmd.Trading.Engine;

// A fault once the run has reconciled: every order of ours is cancelled before the run ends.
public sealed partial class InstanceEngine
{
    /// <summary>
    /// A fault on the loop, in the stop, or in the start-up once it has reconciled (a journal that cannot be written: a
    /// full disk, an I/O error; a venue call that fails; a bug) ends the run, but first cancels every order of ours on
    /// each market and confirms it with the venue: quotes left resting unwatched until a restart or a sweep reconciles
    /// them are picked off as the market moves, and neither may come soon (`mmd run` has no supervisor; a worker
    /// restarted on a full disk cannot open its journal). Nothing here writes the journal: the next start's
    /// reconciliation reads back what the cancels did, and the fills that came meanwhile.
    /// </summary>
    private async Task<EngineFaultException> FailClosedAsync(Exception fault)
    {
        _state = EngineState.Stopping;
        EngineLog.Faulted(_logger, _options.InstanceName, fault);
        DropRunningReads();
        using (var landing = new CancellationTokenSource(ShutdownTimeout, _time))
        {
            try { await LetRequestsLandAsync(landing.Token); }
            catch (OperationCanceledException) when (landing.IsCancellationRequested) { } // the cancel-all below sees what landed
        }
        var left = await CancelWhatRestsAsync();
        await _io.CancelAsync();
        foreach (var leg in Legs) leg.BookPump?.Cancel();
        _state = EngineState.Failed;
        return new EngineFaultException(fault, left);
    }

    /// <summary>
    /// After a fault or a failed reconciliation: every order of ours on each market cancelled, within the shutdown time,
    /// and said in the log. Returns what is left (0; N listed still; -1 unconfirmed).
    /// </summary>
    private async Task<int> CancelWhatRestsAsync()
    {
        using var timeout = new CancellationTokenSource(ShutdownTimeout, _time);
        var left = 0;
        foreach (var leg in Legs)
        {
            var legLeft = await CancelOwnOrdersAsync(leg, timeout.Token);
            left = left < 0 || legLeft < 0 ? -1 : left + legLeft;
        }
        if (left == 0) EngineLog.FaultCancelled(_logger, _options.InstanceName);
        else EngineLog.FaultOrdersLeft(_logger, _options.InstanceName, left);
        return left;
    }

    /// <summary>
    /// Takes back the quotes still waiting to leave and waits for the requests already sent to be answered, so that an
    /// order still on its way is on the book when the cancel-all looks. The events that come meanwhile are dropped
    /// unapplied: applying them is what may have failed.
    /// </summary>
    private async Task LetRequestsLandAsync(CancellationToken timeout)
    {
        WithdrawWaitingPlaces();
        while (Volatile.Read(ref _requestsInFlight) > 0 && await _events.Reader.WaitToReadAsync(timeout))
            while (_events.Reader.TryRead(out var e))
                if (e is PlaceCompleted or CancelCompleted or StrayCancelCompleted) Interlocked.Decrement(ref _requestsInFlight);
    }
}

/// <summary>A fault ended a run that had reconciled (and quoted, or was about to); <see cref="OrdersLeft"/> says what its cancels left (0: none; -1: unconfirmed).</summary>
public sealed class EngineFaultException(Exception fault, int ordersLeft)
    : Exception(fault.Message, fault)
{
    public int OrdersLeft { get; } = ordersLeft;
}
