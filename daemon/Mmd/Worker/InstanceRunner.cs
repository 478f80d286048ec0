using Microsoft.Extensions.Logging;
using Mmd.Configuration;
using Mmd.Hosting;
using Mmd.Persistence;
using Mmd.Specs;
using Mmd.Trading.Engine;
using Mmd.Trading.Risk;

namespace Mmd.Worker;

/// <summary>How a run ended: the exit code, why, and own orders that could not be confirmed cancelled.</summary>
public sealed record RunOutcome(int ExitCode, string Reason, int OrdersLeft);

/// <summary>Runs one instance in this process until the duration ends or <c>stop</c> is requested.</summary>
public static class InstanceRunner
{
    /// <summary>How long a run waits for its locks (<see cref="WorkerLocks"/>): a worker that was just stopped lets go as it exits.</summary>
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(2);

    /// <param name="onEngine">Called once the engine exists (the worker reports its health and stats from it).</param>
    /// <param name="logToConsole">The log on the console too (`mmd run`), not only in the log folder.</param>
    /// <param name="sweep">
    /// Stopped from the start, and meant to be: the journal and the venue are opened all the same (a stop does not cut
    /// that short, the daemon's stop timeout bounds it), the engine reconciles, quotes nothing, and cancels what is left.
    /// </param>
    /// <param name="keepTrippedKillSwitch">A supervisor's restart: a kill switch the last run tripped holds (see EngineOptions).</param>
    public static async Task<RunOutcome> RunAsync(ValidatedSpec spec, DaemonConfig config, TimeSpan summaryEvery, StopRequest stopRequest,
        bool logToConsole, Action<InstanceEngine>? onEngine = null, bool sweep = false, bool keepTrippedKillSwitch = false, VenueShares? shares = null)
    {
        var stop = stopRequest.Token;
        var opening = sweep ? CancellationToken.None : stop;
        var time = TimeProvider.System;
        var (loggerFactory, serilog) = RunLogging.Create(config.LogDir, spec.Name, config.LogRetentionDays, logToConsole);
        await using var serilogLifetime = RunLogging.ClosingQuietly(serilog);
        using var loggerLifetime = loggerFactory;
        var log = loggerFactory.CreateLogger("mmd.run");
        if (shares is not null)
        {
            shares.Taken = (venue, instances) => RunLog.RequestShare(log, spec.Name, venue, VenueShares.Describe(instances));
            shares.Held = (venue, wait) => RunLog.RequestsHeld(log, spec.Name, venue, wait.TotalSeconds);
        }

        WorkerLocks held;
        try
        {
            held = await WorkerLocks.AcquireAsync(WorkerLocks.For(spec, config), spec.Name, LockWait, time, opening);
        }
        catch (WorkerLocks.HeldException ex)
        {
            RunLog.AlreadyRunning(log, spec.Name, ex.Message);
            return new RunOutcome(ExitCodes.AlreadyRunning, ex.Message, 0);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return StoppedBeforeItBegan(stopRequest);
        }
        using var locks = held;

        // The journal and the venue connection are opened side by side: each is a hundred milliseconds or more of a
        // restarted worker's way back to quoting, and neither needs the other.
        var connectorsTask = Task.Run(() => ConnectAsync(spec, config, time, shares, opening), opening);
        var dbPath = config.JournalPath(spec.Name);
        JournalDatabase db;
        long runId;
        RunStore runs;
        try
        {
            db = await MmdDatabase.OpenAsync(dbPath, opening, log);
            runs = new RunStore(db);
            runId = await runs.StartAsync(spec.Name, Environment.ProcessId, time.GetUtcNow(), opening);
        }
        catch (OperationCanceledException)
        {
            // Nothing is journaled: the connectors, whenever they come, are closed unused.
            _ = connectorsTask.ContinueWith(static async t => { if (t.IsCompletedSuccessfully) await DisposeAsync(t.Result); }, TaskScheduler.Default);
            if (stop.IsCancellationRequested) return StoppedBeforeItBegan(stopRequest);
            throw;
        }
        catch (Exception ex)
        {
            // A journal the worker cannot use (corrupt, unreadable, a full disk): the run ends saying so, and the supervisor's
            // backoff applies; what the last run left on the venue is cancelled first, as that needs no journal.
            RunLog.Crashed(log, ex, spec.Name);
            var why = $"cannot open the journal: {ex.Message}";
            return await CancelLeftOrdersAsync(spec, connectorsTask, log) is { } cancelled
                ? new RunOutcome(ExitCodes.FailedOrdersCancelled, $"{why} ({(cancelled == 0 ? "none of its orders rests on the venue" : $"cancelled {cancelled} own orders an earlier run left")})", 0)
                : new RunOutcome(ExitCodes.CouldNotBegin, why, 0);
        }
        RunLog.Started(log, spec.Name, spec.Venue, spec.Symbol, dbPath, runId);

        // Best effort: a run that ended on a full disk cannot record its end either; its exit says how it ended.
        async Task EndRunAsync(int exit, string reason)
        {
            try { await runs.EndAsync(runId, time.GetUtcNow(), exit, reason, CancellationToken.None); }
            catch (Exception ex) when (ex is not OperationCanceledException) { RunLog.EndNotRecorded(log, spec.Name, ex.Message); }
        }

        Trading.Execution.IExchangeConnector created;
        Trading.Execution.IExchangeConnector? createdHedge;
        try
        {
            (created, createdHedge) = await connectorsTask;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            var stopped = StoppedBeforeItBegan(stopRequest);
            await EndRunAsync(stopped.ExitCode, stopped.Reason);
            return stopped;
        }
        catch (ConnectException ex)
        {
            // Missing credentials, an unreachable venue: the run ends with the reason, and the supervisor's backoff applies.
            RunLog.Crashed(log, ex.InnerException!, spec.Name);
            var why = $"cannot connect to {ex.Venue}: {ex.InnerException!.Message}";
            await EndRunAsync(ExitCodes.CouldNotBegin, why);
            return new RunOutcome(ExitCodes.CouldNotBegin, why, 0);
        }
        await using var connector = created;
        await using var hedgeConnector = createdHedge;
        var engineOptions = EngineOptionsFor(spec, TimeSpan.FromDays(config.JournalRetentionDays)) with
        {
            KeepTrippedKillSwitch = keepTrippedKillSwitch,
            ShutdownTimeout = ShutdownTimeoutFor(spec, config, stopRequest.Within),
        };
        // With a hedge market each market's journal is scoped to its venue and symbol; both live in the instance's database.
        await using var journal = new SqliteTradingJournal(db, spec.Name, connector.Venue, spec.HedgeMarket is null ? null : spec.Symbol, runId);
        await using var hedgeJournal = spec.HedgeMarket is { } hedgeTarget ? new SqliteTradingJournal(db, spec.Name, hedgeTarget.Venue, hedgeTarget.Symbol, runId) : null;
        var hedge = spec.HedgeMarket is { } h ? new HedgeMarket(hedgeConnector ?? connector, h.Symbol, hedgeJournal!) : null;
        using var engine = new InstanceEngine(engineOptions, connector, spec.Strategy.CreateStrategy(),
            new RiskEngine(spec.Risk, time), journal, time, loggerFactory.CreateLogger("mmd.engine"), hedge);
        onEngine?.Invoke(engine);

        using var durationEnd = spec.Duration is { } d ? new CancellationTokenSource(d, time) : new CancellationTokenSource();
        using var running = CancellationTokenSource.CreateLinkedTokenSource(stop, durationEnd.Token);
        await using var summary = time.CreateTimer(_ =>
        {
            if (engine.LatestStats is { } s && engine.State == EngineState.Running) RunLog.Summary(log, StatsFormatter.Line(s));
        }, null, summaryEvery, summaryEvery);

        int exit;
        string reason;
        var ordersLeft = 0;
        try
        {
            var result = await engine.RunAsync(running.Token);
            reason = stop.IsCancellationRequested ? stopRequest.Reason ?? "stop requested" : durationEnd.IsCancellationRequested ? "duration elapsed" : result.StopReason;
            RunLog.Report(log, StatsFormatter.Report(result.FinalStats, reason, result.OwnOrdersLeftOnVenue));
            ordersLeft = result.OwnOrdersLeftOnVenue;
            exit = result.OwnOrdersLeftOnVenue == 0 ? ExitCodes.Ok : ExitCodes.OrdersLeftOnVenue;
            if (exit != ExitCodes.Ok) RunLog.OrdersLeft(log, spec.Name, connector.Venue);
        }
        catch (ReconciliationFailedException ex)
        {
            RunLog.ReconciliationFailed(log, spec.Name, ex.Reason);
            ordersLeft = Math.Max(ex.OrdersLeft ?? 0, 0);
            (exit, reason) = ex.OrdersLeft is { } left ? FailedAfterCancelling(ExitCodes.ReconciliationFailed, ex.Message, left) : (ExitCodes.ReconciliationFailed, ex.Message);
        }
        catch (EngineFaultException ex)
        {
            // The engine logged the fault with its stack, and what its cancels left.
            ordersLeft = Math.Max(ex.OrdersLeft, 0);
            (exit, reason) = FailedAfterCancelling(ExitCodes.Failure, ex.Message, ex.OrdersLeft);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RunLog.Crashed(log, ex, spec.Name);
            (exit, reason) = (ExitCodes.Failure, ex.Message);
        }
        await EndRunAsync(exit, reason);
        return new RunOutcome(exit, reason, ordersLeft);
    }

    /// <summary>
    /// A run that failed, by what its cancels left: exit code 7 once the venue lists none of its orders (the book
    /// confirmed), else <paramref name="failed"/>, saying what is left (-1: the venue did not answer).
    /// </summary>
    private static (int Exit, string Reason) FailedAfterCancelling(int failed, string message, int left) => left switch
    {
        0 => (ExitCodes.FailedOrdersCancelled, $"{message} (every own order cancelled first)"),
        < 0 => (failed, $"{message} (its orders could not be confirmed cancelled: the venue did not answer)"),
        _ => (failed, $"{message} ({left} own orders could not be cancelled)"),
    };

    /// <summary>The engine's options a spec gives (a worker's, a backtest's).</summary>
    public static EngineOptions EngineOptionsFor(ValidatedSpec spec, TimeSpan journalRetention) => new()
    {
        InstanceName = spec.Name,
        Symbol = spec.Symbol,
        RefreshInterval = spec.Strategy.Interval,
        RefreshTolerancePct = spec.Strategy.RefreshTolerancePct,
        RefreshReplacesQuotes = spec.Strategy.RefreshReplacesQuotes,
        StartPaused = spec.QuotingPaused,
        JournalRetention = journalRetention,
        Capital = spec.Capital,
    };

    /// <summary>
    /// The stop has the time the daemon gives it before it kills the worker: the timeout a stop that already came named,
    /// else the spec's or the daemon's stop timeout (`mmd run` alone: the same, for one rule).
    /// </summary>
    public static TimeSpan ShutdownTimeoutFor(ValidatedSpec spec, DaemonConfig config, TimeSpan? named) =>
        EngineOptions.ShutdownTimeoutWithin(named ?? spec.Supervision.StopTimeout ?? TimeSpan.FromSeconds(config.Supervision.StopTimeoutSeconds));

    /// <summary>
    /// A stop that came while the journal or the venue was being opened: the run sent nothing, and says so (it once
    /// ended in an unhandled cancellation, with no exit report and its run left open).
    /// </summary>
    private static RunOutcome StoppedBeforeItBegan(StopRequest stop) => new(ExitCodes.CouldNotBegin, $"{stop.Reason ?? "stop requested"} before the run began", 0);

    /// <summary>A venue the run could not connect to, and why.</summary>
    private sealed class ConnectException(string venue, Exception inner) : Exception(inner.Message, inner)
    {
        public string Venue { get; } = venue;
    }

    /// <summary>The instance's connector, and a second one when the hedge market is on another venue (on the same venue, another symbol, it shares the first).</summary>
    private static async Task<(Trading.Execution.IExchangeConnector, Trading.Execution.IExchangeConnector?)> ConnectAsync(
        ValidatedSpec spec, DaemonConfig config, TimeProvider time, VenueShares? shares, CancellationToken stop)
    {
        Trading.Execution.IExchangeConnector created;
        try { created = await VenueFactory.CreateAsync(spec.Venue, spec, config, time, stop, shares); }
        catch (Exception ex) when (ex is not OperationCanceledException) { throw new ConnectException(spec.Venue, ex); }
        if (spec.HedgeMarket is not { } target || target.Venue == spec.Venue) return (created, null);
        try { return (created, await VenueFactory.CreateAsync(target.Venue, spec, config, time, stop, shares)); }
        catch (Exception ex)
        {
            await created.DisposeAsync();
            if (ex is OperationCanceledException) throw;
            throw new ConnectException(target.Venue, ex);
        }
    }

    /// <summary>
    /// A run that cannot open its journal cannot quote, and the orders an earlier run left (a worker killed, or failed on a
    /// disk that filled) would rest unwatched until one can: they are cancelled by the instance's prefix, which needs no
    /// journal, and the venue is asked until it lists none. The next start's reconciliation reads back what they did
    /// (their fills come from the venue). Returns how many the venue cancelled; null when it could not be reached or did
    /// not confirm within 15 s (the run then says only that it could not begin).
    /// </summary>
    private static async Task<int?> CancelLeftOrdersAsync(ValidatedSpec spec,
        Task<(Trading.Execution.IExchangeConnector Main, Trading.Execution.IExchangeConnector? Hedge)> connecting, ILogger log)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        (Trading.Execution.IExchangeConnector Main, Trading.Execution.IExchangeConnector? Hedge) connectors;
        try { connectors = await connecting.WaitAsync(bound.Token); }
        catch (Exception ex)
        {
            _ = connecting.ContinueWith(static async t => { if (t.IsCompletedSuccessfully) await DisposeAsync(t.Result); }, TaskScheduler.Default);
            RunLog.LeftOrdersNotCancelled(log, spec.Name, ex.Message);
            return null;
        }
        try
        {
            var markets = new List<(Trading.Execution.IExchangeConnector Venue, string Symbol)> { (connectors.Main, spec.Symbol) };
            if (spec.HedgeMarket is { } hedge) markets.Add((connectors.Hedge ?? connectors.Main, hedge.Symbol));
            var cancelled = 0;
            foreach (var (venue, symbol) in markets)
            {
                var outcome = await OwnOrderCancel.CancelAsync(venue, symbol, spec.Name, TimeProvider.System,
                    error => RunLog.LeftOrdersNotCancelled(log, spec.Name, error), bound.Token);
                if (outcome.Left != 0)
                {
                    RunLog.LeftOrdersNotCancelled(log, spec.Name, "the venue did not confirm within 15 s");
                    return null;
                }
                cancelled += outcome.Cancelled;
            }
            RunLog.LeftOrdersCancelled(log, spec.Name, cancelled);
            return cancelled;
        }
        finally
        {
            await DisposeAsync(connectors);
        }
    }

    private static async Task DisposeAsync((Trading.Execution.IExchangeConnector Main, Trading.Execution.IExchangeConnector? Hedge) connectors)
    {
        await connectors.Main.DisposeAsync();
        if (connectors.Hedge is { } hedge) await hedge.DisposeAsync();
    }
}
