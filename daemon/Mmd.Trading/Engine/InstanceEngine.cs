using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Risk;
using Mmd.Trading.Stats;
using Mmd.Trading.Strategies;

namespace Mmd.Trading.Engine;

/// <summary>
/// Runs one instance: Strategy -> Risk -> OrderTracker -> connector, one event loop. Book, account,
/// request completions and timers all arrive through one bounded channel; the loop drains whatever
/// is queued, applies it, then asks the strategy once and reconciles. Requests are not awaited by
/// the loop: their outcomes come back as events, so a slow venue never stalls market data.
/// </summary>
public sealed partial class InstanceEngine : IDisposable
{
    private readonly EngineOptions _options;
    private readonly MarketLeg _primary;
    /// <summary>The cross-market hedge's market; null when the instance trades one market.</summary>
    private readonly MarketLeg? _hedge;
    private readonly IStrategy _strategy;
    private readonly RiskEngine _risk;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<EngineEvent> _events;
    private readonly CancellationTokenSource _io = new();
    private readonly LatencyRecorder _latency;
    private int _requestsInFlight;

    private StrategyView _view = null!;
    private DateTimeOffset _sessionStart;
    private bool _balancesDirty;
    private DateTimeOffset _balancesAt;
    private DateTimeOffset _lastStatsSave;
    private DateTimeOffset? _lastLoop;
    private bool _wasStale;
    private bool _killLogged;
    private bool _dailyHaltLogged;
    // The day start the last run saved is read once: at the start with a daily loss limit, else at the first housekeeping tick.
    private bool _dayStartRestored;
    // With a daily loss limit, the day is observed before the first quote of the run (a restart may find it halted).
    private bool _dayObserved;
    private string? _savedDailyHalt;
    private TrackedOrder? _rebalanceOrder;
    private StopRequest? _strategyStop;
    private volatile bool _paused;
    private volatile bool _busy;
    private (decimal Lower, decimal Upper) _savedRange;
    private bool _savedKillSwitch;
    private DateTimeOffset _lastPrune;
    private Task _pruning = Task.CompletedTask;
    // A fill moved the strategy's figures (a grid's round trips and profit, a hedge's count) since the last save.
    private bool _figuresUnsaved;
    private long _placed, _cancelled, _rejected, _postOnlyRetries, _rebalances, _withdrawn;
    private volatile StatsSnapshot? _latest;
    private DateTimeOffset _latestAt;
    private volatile EngineState _state = EngineState.Starting;
    // The start-up has reconciled each market with its venue: from here a fault cancels what rests (FailClosedAsync).
    private bool _reconciled;

    /// <param name="hedge">A second market the strategy's hedges go to (a cross-venue or cross-symbol hedge); null: one market.</param>
    public InstanceEngine(EngineOptions options, IExchangeConnector connector, IStrategy strategy, RiskEngine risk,
        ITradingJournal journal, TimeProvider time, ILogger logger, HedgeMarket? hedge = null)
    {
        _options = options;
        _paused = options.StartPaused;
        _strategy = strategy;
        _risk = risk;
        _capital = options.Capital is { Count: > 0 } capital ? new CapitalAllotment(capital) : null;
        _time = time;
        _logger = logger;
        _latency = new LatencyRecorder(time);
        _reads = CancellationTokenSource.CreateLinkedTokenSource(_io.Token);
        var ids = connector.CreateClientOrderIds(options.InstanceName, time.GetUtcNow());
        _primary = new MarketLeg(MarketLeg.PrimaryName, connector, options.Symbol, journal, new OrderTracker(options.InstanceName), ids);
        if (hedge is not null)
        {
            // One venue, one numbering: two counters of one instance on one venue could hand out the same id.
            var hedgeIds = hedge.Connector.Venue == connector.Venue ? ids : hedge.Connector.CreateClientOrderIds(options.InstanceName, time.GetUtcNow());
            _hedge = new MarketLeg(MarketLeg.HedgeName, hedge.Connector, hedge.Symbol, hedge.Journal, new OrderTracker(options.InstanceName), hedgeIds);
        }
        _events = Channel.CreateBounded<EngineEvent>(new BoundedChannelOptions(options.EventQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // fills and order updates are never dropped
            // The loop continues on the thread that delivered the event instead of waiting for a pool
            // thread to wake: tens of microseconds per event on a small machine. No writer holds a lock.
            AllowSynchronousContinuations = true,
        });
    }

    public EngineState State => _state;

    public void Dispose()
    {
        _io.Cancel();
        _reads.Dispose();
        _io.Dispose();
        foreach (var leg in Legs) leg.BookPump?.Dispose();
        _takerHoldTimer?.Dispose();
    }

    /// <summary>The primary market, then the hedge market if there is one.</summary>
    private IEnumerable<MarketLeg> Legs => _hedge is null ? [_primary] : [_primary, _hedge];

    /// <summary>The latest statistics, refreshed every housekeeping tick; null before the first.</summary>
    public StatsSnapshot? LatestStats => _latest;

    /// <summary>Raised on the engine's loop each time <see cref="LatestStats"/> is replaced; handlers must not block.</summary>
    public event Action? StatsRefreshed;

    public OrderTracker Tracker => _primary.Tracker;

    /// <summary>The hedge market's own orders; null when the instance trades one market.</summary>
    public OrderTracker? HedgeTracker => _hedge?.Tracker;

    /// <summary>Nothing queued, nothing being handled: every event so far has been acted on (requests may still be out).</summary>
    public bool Idle => !_busy && _events.Reader.Count == 0;

    /// <summary>
    /// <see cref="Idle"/> with no request in flight, while running. Scenario tests and benches step a scripted market on
    /// from here.
    /// </summary>
    public bool Quiescent => Idle && Volatile.Read(ref _requestsInFlight) == 0 && _state == EngineState.Running;

    /// <summary>Health of the primary market; a hedge market's book and account stream count too (no hedge, no quoting).</summary>
    public EngineHealth Health
    {
        get
        {
            var book = _primary.Book;
            var now = _time.GetUtcNow();
            var fresh = Legs.All(l => l.BookFresh(now, _options.StaleBookAfter));
            var accountUp = Legs.All(l => l.AccountStreamUp);
            // No book yet means no update time, not the zero time: the daemon tells "waiting for the first book" from "stale".
            return new EngineHealth(_state, book is { Sequence: > 0 } ? book.LastUpdate : null, Legs.All(l => l.Book?.IsSynced ?? false), fresh, accountUp, _lastLoop);
        }
    }

    /// <summary>
    /// Reconciles, quotes until <paramref name="stoppingToken"/> fires, then cancels every own order and
    /// confirms with the venue. Throws <see cref="ReconciliationFailedException"/> when it must not quote, and
    /// <see cref="EngineFaultException"/> when a fault ended the run once it had reconciled (its orders cancelled first).
    /// </summary>
    public async Task<EngineResult> RunAsync(CancellationToken stoppingToken)
    {
        _sessionStart = _time.GetUtcNow();
        // A stop does not cut the start-up short: what the last run left on the book is only known, and cancelled, once
        // the start-up has read the journal and the venue. A stop gives it the shutdown's time to finish, then the stop runs.
        using var startupBound = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time); // CancelAfter on the engine's clock
        using var stopDuringStartup = stoppingToken.Register(() => startupBound.CancelAfter(ShutdownTimeout));
        StartupReport startup;
        try
        {
            startup = await StartUpAsync(startupBound.Token);
        }
        catch (OperationCanceledException) when (startupBound.IsCancellationRequested)
        {
            _state = EngineState.Failed;
            throw new ReconciliationFailedException($"stopped, and the start-up did not finish within {ShutdownTimeout.TotalSeconds:0.#}s of the stop");
        }
        catch (ReconciliationFailedException failed) when (_state == EngineState.Reconciling)
        {
            // It must not quote; and what the last run left resting must not stay unwatched through every retry either:
            // cancelled by our prefix, which needs no journal (the venue lists none at all of a symbol it does not have,
            // so a spec's wrong symbol, which fails before this state, costs no wait).
            _state = EngineState.Stopping;
            failed.OrdersLeft = await CancelWhatRestsAsync();
            _state = EngineState.Failed;
            throw;
        }
        catch (Exception fault) when (_reconciled && fault is not OperationCanceledException)
        {
            // Reconciled, the last run's orders are adopted (resting, for the strategy to keep): a later step that fails
            // (the balances, the journal) must not leave them resting unwatched through every retry of a crash loop.
            throw await FailClosedAsync(fault);
        }
        var accountPumps = Legs.Select(leg => PumpAccountAsync(leg, _io.Token)).ToList();
        foreach (var leg in Legs) RestartBookPump(leg);
        using var housekeeping = _time.CreateTimer(_ => _events.Writer.TryWrite(new TimerFired(false)), null, _options.HousekeepingPeriod, _options.HousekeepingPeriod);
        // Grids: a fixed beat that re-asks the strategy. Market makers: timed from the quotes (ScheduleRefresh).
        using var refresh = _time.CreateTimer(_ => _events.Writer.TryWrite(new TimerFired(true)), null, _options.RefreshInterval,
            _options.RefreshReplacesQuotes ? Timeout.InfiniteTimeSpan : _options.RefreshInterval);
        _refresh = refresh;
        _refreshDueAt = _time.GetUtcNow() + _options.RefreshInterval;
        try
        {
            return await QuoteThenStopAsync(startup, accountPumps, stoppingToken);
        }
        catch (Exception fault)
        {
            throw await FailClosedAsync(fault);
        }
    }

    /// <summary>The run once it is reconciled: the loop until the stop, then the stop itself (cancel, confirm, hedge, flatten).</summary>
    private async Task<EngineResult> QuoteThenStopAsync(StartupReport startup, List<Task> accountPumps, CancellationToken stoppingToken)
    {
        _state = EngineState.Running;
        try
        {
            if (!stoppingToken.IsCancellationRequested) // stopped while it started: not one quote, straight to the stop
            {
                EngineLog.Quoting(_logger, _options.InstanceName, _options.Symbol, _primary.Connector.Venue);
                if (_hedge is not null) EngineLog.HedgingOn(_logger, _options.InstanceName, _hedge.Symbol, _hedge.Connector.Venue);
                await LoopAsync(stoppingToken);
            }
            else EngineLog.StoppedWhileStarting(_logger, _options.InstanceName);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        var reason = _strategyStop?.Reason ?? "stop requested";
        if (_strategyStop is { Flatten: true }) _flattenOnStop = true;

        _state = EngineState.Stopping;
        EngineLog.Stopping(_logger, _options.InstanceName, reason);
        DropRunningReads();
        using var shutdownTimeout = new CancellationTokenSource(ShutdownTimeout, _time);
        var left = 0;
        foreach (var leg in Legs)
        {
            var legLeft = await ShutdownAsync(leg, shutdownTimeout.Token);
            left = left < 0 || legLeft < 0 ? -1 : left + legLeft;
        }
        if (left == 0)
        {
            try { await HedgeBeforeStopAsync(shutdownTimeout.Token); }
            catch (OperationCanceledException) when (shutdownTimeout.IsCancellationRequested) { }
        }
        if (_flattenOnStop && left == 0)
        {
            foreach (var leg in Legs)
            {
                try { await FlattenAsync(leg, shutdownTimeout.Token); }
                catch (OperationCanceledException) when (shutdownTimeout.IsCancellationRequested) { EngineLog.FlattenLeft(_logger, _options.InstanceName, leg.Cumulative.Position, "the stop timeout ran out"); }
            }
        }
        // The settlements since the last poll (once a minute), so the final figures, and the checkpoint a restart starts
        // from, count every one up to the stop.
        try { await PollFundingNowAsync(shutdownTimeout.Token); }
        catch (OperationCanceledException) when (shutdownTimeout.IsCancellationRequested) { }
        await _io.CancelAsync();
        await _pruning; // a prune under way ends with the writer it uses
        foreach (var leg in Legs) leg.BookPump?.Cancel();
        foreach (var pump in accountPumps)
            try { await pump; } catch (OperationCanceledException) { }

        LogDenialsLeftOut(_time.GetUtcNow(), end: true); // the log then counts every denial the final stats do
        ObserveDay(_time.GetUtcNow()); // today's figure as the run ends (a run shorter than a housekeeping tick has none yet)
        var final = BuildSnapshot();
        _latest = final;
        try { await _primary.Journal.SaveStatsAsync(final, replaceLatest: false, CancellationToken.None); } catch (Exception ex) when (ex is not OperationCanceledException) { EngineLog.StepFailed(_logger, _options.InstanceName, ex.Message); }
        await SaveCheckpointsAsync(CancellationToken.None);
        _state = EngineState.Stopped;
        EngineLog.Stopped(_logger, _options.InstanceName, left);
        return new EngineResult(reason, left, final, startup) { StoppedByStrategy = _strategyStop is not null };
    }

    /// <summary>Reads each market, reconciles it with its journal and venue, and restores the strategy: everything before the first quote.</summary>
    private async Task<StartupReport> StartUpAsync(CancellationToken starting)
    {
        foreach (var leg in Legs) await leg.LoadInstrumentAsync(starting);
        CheckCapital();
        _view = new StrategyView { Instrument = _primary.Instrument, Book = _primary.Book };
        if (_hedge is not null) _view.Hedge = new HedgeMarketView { Venue = _hedge.Connector.Venue, Instrument = _hedge.Instrument };

        _state = EngineState.Reconciling;
        // Before any order of this run: numbered client ids go on after the last one an earlier run used (once per venue:
        // two markets on one venue share their ids, and each's journal names the venue's last order, whichever market).
        foreach (var leg in Legs.DistinctBy(l => l.Ids)) leg.Ids.ContinueAfter(await leg.Journal.LoadLastClientOrderIdAsync(starting));
        // Each market on its own: its journaled orders and fills, its venue's open orders and fills.
        var startup = await new StartupReconciler(_primary, _time).RunAsync(starting);
        if (_hedge is not null)
        {
            var hedged = await new StartupReconciler(_hedge, _time).RunAsync(starting);
            EngineLog.Reconciled(_logger, _options.InstanceName + " (hedge market)", hedged.JournalOpenOrders, hedged.Adopted, hedged.Settled,
                hedged.StrayCancelled, hedged.CancelsResent, hedged.FillsRecovered, hedged.JournalFills, hedged.CheckpointFills);
        }
        _reconciled = true;
        await FlushOrdersAsync();
        await RefreshBalancesAsync(starting);
        EngineLog.Reconciled(_logger, _options.InstanceName, startup.JournalOpenOrders, startup.Adopted, startup.Settled,
            startup.StrayCancelled, startup.CancelsResent, startup.FillsRecovered, startup.JournalFills, startup.CheckpointFills);

        StartFunding();
        await PollFundingNowAsync(starting);
        _strategy.OnRestored(await _primary.Journal.LoadLastStrategyFiguresAsync(starting));
        await RestoreKillSwitchAsync(starting);
        if (_risk.Limits.MaxDailyLoss is not null) await RestoreDayStartAsync(starting); // before the first quote: it may be halted
        _strategy.OnAdopted(_primary.Tracker.Live
            .Where(o => o.Purpose == OrderPurpose.Quote && o.Price is not null && o.Status is OrderStatus.Open or OrderStatus.PartiallyFilled)
            .Select(o => new AdoptedOrder(o.Side, o.Level, o.StrategyPrice!.Value, o.Quantity, o.RemainingQuantity)).ToList());
        return startup;
    }

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        await EvaluateAsync(StrategyTrigger.Start, forceRefresh: false, stoppingToken);
        if (_strategyStop is not null) return;
        var reader = _events.Reader;
        while (await reader.WaitToReadAsync(stoppingToken))
        {
            _busy = true;
            StrategyTrigger? trigger = null;
            var force = false;
            var filled = false;
            while (reader.TryRead(out var e))
            {
                var t = await HandleAsync(e, stoppingToken);
                if (e is TimerFired { ForcedRefresh: true }) force = true;
                if (t == StrategyTrigger.Fill) filled = true;
                if (t is { } fired && (trigger is null || Priority(fired) > Priority(trigger.Value))) trigger = fired;
            }
            await FlushOrdersAsync();
            _latency.Evaluating();
            if (trigger is { } tr) await EvaluateAsync(force ? StrategyTrigger.ForcedRefresh : tr, force, stoppingToken);
            _latency.Evaluated();
            if (_strategyStop is not null) return; // the strategy ended the run: cancel-all follows
            var now = _time.GetUtcNow();
            if (_options.RefreshReplacesQuotes) ScheduleRefresh(now);
            // Stats follow the events (at most once per StatsRefresh), not only the housekeeping tick: a watcher sees a
            // requote within a tenth of a second. A fill refreshes them always, or a book update just before it would hold
            // it back until the next event (the daemon link still sends at most ten a second). Built after the orders
            // left, so never in their way.
            if (filled || now - _latestAt >= _options.StatsRefresh) _ = RefreshStats(now);
            _lastLoop = now;
            _busy = false;
        }
    }

    // When several events are drained at once the strategy is asked once, with the most telling reason.
    private static int Priority(StrategyTrigger trigger) => trigger switch
    {
        StrategyTrigger.Fill => 4,
        StrategyTrigger.Timer => 3,
        StrategyTrigger.OrderUpdate => 2,
        _ => 1,
    };

    /// <summary>Applies one event; returns the trigger it gives the strategy, if any.</summary>
    private async ValueTask<StrategyTrigger?> HandleAsync(EngineEvent e, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        switch (e)
        {
            case MarketDataArrived arrived:
                // Events of a stream we already abandoned (after a gap) are dropped.
                if (arrived.Generation != arrived.Leg.BookGeneration) return null;
                var moved = ApplyMarketData(arrived.Leg, arrived.Event);
                if (moved is not null && arrived.Leg == _primary && arrived.Event is BookSnapshotEvent or BookDeltaEvent) _latency.BookApplied(arrived.ArrivedAt);
                return moved;
            case AccountEventArrived { Event: FillEvent fill } account:
                return await ApplyFillAsync(account.Leg, fill.Fill, cancellationToken) ? StrategyTrigger.Fill : null;
            case AccountEventArrived { Event: OrderUpdateEvent update } account:
                var updated = account.Leg.Tracker.ApplyVenueOrder(update.Order, now);
                // Another process's order trips the kill switch: deciding again pulls the quotes.
                return await CancelIfStrayAsync(account.Leg, update.Order, updated) || updated is not null ? StrategyTrigger.OrderUpdate : null;
            case AccountEventArrived { Event: AccountResyncRequiredEvent resync } account:
                EngineLog.Resync(_logger, _options.InstanceName, resync.Reason);
                CatchUp(account.Leg);
                return StrategyTrigger.OrderUpdate;
            case PlaceCompleted placed:
                Interlocked.Decrement(ref _requestsInFlight);
                placed.Leg.PlacesInFlight.Remove(placed.Order.ClientOrderId);
                if (placed.Leg.Withdrawable.Remove(placed.Order.ClientOrderId, out var withdrawal)) withdrawal.Dispose();
                if (placed.Leg == _primary && placed.Result.Outcome is not (CommandOutcome.Unknown or CommandOutcome.Withdrawn)) _latency.PlaceAnswered(placed.Took);
                return OnPlaceCompleted(placed.Leg, placed.Order, placed.Result, now);
            case CancelCompleted cancelled:
                Interlocked.Decrement(ref _requestsInFlight);
                if (cancelled.Leg == _primary && cancelled.Result.Outcome != CommandOutcome.Unknown) _latency.CancelAnswered(cancelled.Took);
                cancelled.Leg.Tracker.ApplyCancelResult(cancelled.Order, cancelled.Result, now);
                if (cancelled.Order.Status == OrderStatus.Cancelled) _cancelled++;
                return StrategyTrigger.OrderUpdate;
            case OrderQueried queried:
                return OnOrderQueried(queried, now);
            case CaughtUp caught:
                await OnCaughtUpAsync(caught, cancellationToken);
                return StrategyTrigger.OrderUpdate;
            case BalancesRead balances:
                OnBalancesRead(balances);
                return null;
            case FundingListed funding:
                OnFundingListed(funding);
                return null;
            case FillsListed listed:
                return await OnFillsListedAsync(listed, now, cancellationToken);
            case StrayCancelCompleted stray:
                Interlocked.Decrement(ref _requestsInFlight);
                OnStrayCancelCompleted(stray);
                return null;
            case CommandArrived command:
                return Execute(command);
            case BooksRequested read:
                read.Done.TrySetResult(BookViews(read.Depth));
                return null;
            case TimerFired timer:
                await HousekeepAsync(cancellationToken);
                return timer.ForcedRefresh ? StrategyTrigger.ForcedRefresh : StrategyTrigger.Timer;
            case TakerHoldEnded:
                return StrategyTrigger.Timer;
            case StreamFailed failed:
                if (failed.Account)
                {
                    failed.Leg.AccountStreamUp = false;
                    failed.Leg.AccountDownSince ??= now;
                }
                return StrategyTrigger.Timer;
            case StreamConnected connected:
                connected.Leg.AccountStreamUp = true;
                connected.Leg.AccountDownSince = null;
                CatchUp(connected.Leg);
                return StrategyTrigger.OrderUpdate;
            default:
                return null;
        }
    }

    private StrategyTrigger? ApplyMarketData(MarketLeg leg, MarketDataEvent md)
    {
        switch (md)
        {
            case BookSnapshotEvent snapshot:
                leg.Book.ApplySnapshot(snapshot.Sequence, snapshot.Bids, snapshot.Asks, snapshot.Time);
                return StrategyTrigger.Book;
            case BookDeltaEvent delta:
                var result = leg.Book.ApplyDelta(delta.FirstSequence, delta.LastSequence, delta.Bids, delta.Asks, delta.Time);
                if (result == BookApplyResult.Gap)
                {
                    EngineLog.BookGap(_logger, _options.InstanceName, leg.BookStream, leg.Book.Sequence);
                    RestartBookPump(leg);
                }
                return result == BookApplyResult.Applied || result == BookApplyResult.Gap ? StrategyTrigger.Book : null;
            case BookAliveEvent alive:
                // Only a book that had gone stale needs deciding again (its quotes were pulled); a fresh one is unchanged.
                var wasFresh = leg.BookFresh(_time.GetUtcNow(), _options.StaleBookAfter);
                leg.Book.Confirm(alive.Time);
                return wasFresh ? null : StrategyTrigger.Book;
            default:
                return null;
        }
    }

    private async ValueTask<bool> ApplyFillAsync(MarketLeg leg, VenueFill fill, CancellationToken cancellationToken)
    {
        if (!leg.Tracker.Owns(fill.ClientOrderId) || leg.Foreign.Contains(fill.ClientOrderId!)) return false;
        if (!leg.Tracker.ApplyFill(fill, _time.GetUtcNow(), out var order)) return false;
        var purpose = await leg.PurposeOfAsync(order, fill);
        if (!await leg.Journal.RecordFillAsync(fill, purpose, CancellationToken.None)) return false; // counted: never cut short (ITradingJournal)
        var rebalance = purpose == OrderPurpose.Rebalance;
        leg.Cumulative.Apply(fill, rebalance);
        leg.Session.Apply(fill, rebalance);
        OwnPartMoved();
        _strategy.OnFill(new StrategyFill(fill.Side, fill.Price, fill.Quantity, fill.Fee, fill.FeeAsset, fill.IsMaker, purpose,
            order?.Level ?? -1, order?.StrategyPrice ?? fill.Price, order?.RemainingQuantity ?? 0m) { OnHedgeMarket = leg.IsHedge });
        if (!leg.IsHedge) _balancesDirty = true;
        _figuresUnsaved = true;
        leg.CheckpointDue = true;
        EngineLog.Fill(_logger, _options.InstanceName, fill.Side.ToString(), fill.Quantity, fill.Price, fill.IsMaker ? "maker" : "taker",
            fill.Fee, fill.FeeAsset, fill.ClientOrderId, fill.TradeId);
        return true;
    }

    private StrategyTrigger? OnPlaceCompleted(MarketLeg leg, TrackedOrder order, PlaceOrderResult result, DateTimeOffset now)
    {
        leg.Tracker.ApplyPlaceResult(order, result, now);
        switch (result.Outcome)
        {
            case CommandOutcome.Accepted:
                _placed++;
                if (order.Purpose == OrderPurpose.Quote && !leg.IsHedge) QuoteRefusals(order.Side).Accepted();
                if (order.Purpose == OrderPurpose.Reduce) ReductionRefusals(order.Side).Accepted();
                if (order.Purpose == OrderPurpose.Rebalance) _rebalanceRefusals.Accepted();
                return null;
            case CommandOutcome.Unknown:
                EngineLog.Unknown(_logger, _options.InstanceName, order.ClientOrderId, result.Message);
                QueryOrder(leg, order);
                return null;
            case CommandOutcome.Withdrawn:
                _withdrawn++;
                return StrategyTrigger.OrderUpdate; // its level is free for the quote that replaced it
        }
        _rejected++;
        EngineLog.Rejected(_logger, _options.InstanceName, order.ClientOrderId, order.LastError);
        _strategy.OnRejected(new StrategyRejection(order.Side, order.Level, order.Purpose, result.Code, order.ReduceOnly, order.LastError, now));
        if (result.Code == RejectCode.ReduceOnlyWouldIncrease)
        {
            if (order.Purpose == OrderPurpose.Flatten) leg.FlattenReduceOnlyRefused = true;
            else ListFills(leg, now);
        }
        // A side whose quotes the venue refuses waits before quoting again; a bounced post-only has its own rule, and a
        // client id already used says nothing of the quote (the next one has a new id).
        if (order.Purpose == OrderPurpose.Quote && !leg.IsHedge && result.Code is not (RejectCode.PostOnlyWouldTake or RejectCode.DuplicateClientOrderId))
            EngineLog.QuotesHeld(_logger, _options.InstanceName, order.Side.ToString().ToLowerInvariant(), QuoteRefusals(order.Side).Refused(now).TotalSeconds);
        // A reduction or close refused as reduce-only has its strategy's rule (ReduceOnlyRefusal); any other refusal waits.
        if (order.Purpose == OrderPurpose.Reduce && result.Code is not (RejectCode.ReduceOnlyWouldIncrease or RejectCode.DuplicateClientOrderId))
            EngineLog.ReductionsHeld(_logger, _options.InstanceName, order.Side.ToString().ToLowerInvariant(), ReductionRefusals(order.Side).Refused(now).TotalSeconds);
        if (order.Purpose == OrderPurpose.Rebalance && result.Code != RejectCode.DuplicateClientOrderId)
            EngineLog.RebalancesHeld(_logger, _options.InstanceName, _rebalanceRefusals.Refused(now).TotalSeconds);
        // The seed's post-only retry: once, one tick further from the touch. A rejection means our book is
        // behind the market: apart from that one retry, the side waits until the market's opposite touch has moved,
        // instead of storming the venue with orders that bounce (the seed's post-only storm, §9.1).
        if (result.Code == RejectCode.PostOnlyWouldTake && order.Purpose == OrderPurpose.Quote && order.Price is { } price && !leg.IsHedge)
        {
            var side = order.Side == Side.Buy ? 0 : 1;
            _postOnlyBlocked[side] = true;
            _postOnlyBlockedAt[side] = order.Side == Side.Buy ? _view.BestAsk : _view.BestBid;
            if (order.PostOnlyRetries > 0) return StrategyTrigger.OrderUpdate;
            var retryPrice = order.Side == Side.Buy ? price - _primary.Instrument.TickSize : price + _primary.Instrument.TickSize;
            var retry = NewOrder(_primary, order.Side, OrderType.Limit, TimeInForce.Gtc, _primary.Instrument.RoundPrice(retryPrice), order.Quantity,
                OrderPurpose.Quote, order.Level, postOnly: true, reduceOnly: order.ReduceOnly, postOnlyRetries: 1, quotedPrice: order.StrategyPrice);
            if (TryAdmit(_primary, retry))
            {
                _postOnlyRetries++;
                EngineLog.PostOnlyRetry(_logger, _options.InstanceName, retry.ClientOrderId, retry.Price!.Value);
                _pendingSends.Add((_primary, retry));
            }
        }
        return StrategyTrigger.OrderUpdate;
    }

    private StrategyTrigger? OnOrderQueried(OrderQueried queried, DateTimeOffset now)
    {
        var leg = queried.Leg;
        leg.QueriesInFlight.Remove(queried.Order.ClientOrderId);
        if (queried.Report is { } report)
        {
            leg.Tracker.ApplyVenueOrder(report, now);
            return StrategyTrigger.OrderUpdate;
        }
        if (queried.Error is null && now - queried.Order.UpdatedAt > _options.UnknownOrderGrace && queried.Order.Status is OrderStatus.Unknown)
        {
            // The venue still has no record after the grace period: it never received the request.
            leg.Tracker.MarkNeverReceived(queried.Order, now);
            return StrategyTrigger.OrderUpdate;
        }
        return null;
    }

    /// <summary>Why the engine cannot take an operator's command or read now (it is stopping or stopped); null when it can.</summary>
    private string? NotLive() =>
        _state is EngineState.Running or EngineState.Reconciling or EngineState.Starting ? null : $"the instance is {_state.ToString().ToLowerInvariant()}";

    /// <summary>
    /// Runs an operator's command on the engine loop, between two decisions, and returns null when done or why it was
    /// refused. The strategy decides again at once.
    /// </summary>
    public async Task<string?> ExecuteAsync(StrategyCommand command, CancellationToken cancellationToken)
    {
        if (NotLive() is { } why) return why;
        var done = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _events.Writer.WriteAsync(new CommandArrived(command, done), cancellationToken);
        return await done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>True while quoting is paused by the operator.</summary>
    public bool QuotingPaused => _paused;

    private StrategyTrigger? Execute(CommandArrived arrived)
    {
        string? error = null;
        switch (arrived.Command)
        {
            case PauseQuoting:
                _paused = true;
                break;
            case ResumeQuoting:
                _paused = false;
                break;
            case LiftDailyLossHalt:
                error = _risk.LiftDailyLossHalt();
                if (error is null) _dailyHaltLogged = false; // a halt again is logged again
                break;
            case CancelAllOnSymbol:
                _paused = true;
                _ = CancelAllOnSymbolAsync(arrived);
                return StrategyTrigger.OrderUpdate; // answered when the venue has answered

            case UpdateConfig update:
                // The capital first: a strategy reconfigured under a capital then refused would be half applied.
                var capital = update.Capital.Count > 0 ? new Risk.CapitalAllotment(update.Capital) : null;
                error = capital?.Mismatch([.. AccountLegs.Select(l => l.Instrument)]) ?? (update.Config is { } config ? _strategy.Reconfigure(config) : null);
                if (error is null) SetCapital(capital);
                break;
            default:
                error = $"unknown command {arrived.Command.GetType().Name}";
                break;
        }
        if (error is null) EngineLog.CommandApplied(_logger, _options.InstanceName, arrived.Command.GetType().Name);
        else EngineLog.CommandRefused(_logger, _options.InstanceName, arrived.Command.GetType().Name, error);
        arrived.Done.TrySetResult(error);
        return error is null ? StrategyTrigger.OrderUpdate : null;
    }

    /// <summary>Runs off the loop; our own orders' cancels come back through the account stream as usual.</summary>
    private async Task CancelAllOnSymbolAsync(CommandArrived arrived)
    {
        try
        {
            var cancelled = await _primary.Connector.CancelAllAsync(_primary.Symbol, null, _io.Token);
            EngineLog.CancelledAllOnSymbol(_logger, _options.InstanceName, _primary.Symbol, cancelled);
            arrived.Done.TrySetResult(null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            EngineLog.CommandRefused(_logger, _options.InstanceName, nameof(CancelAllOnSymbol), ex.Message);
            arrived.Done.TrySetResult($"the venue did not cancel: {ex.Message}");
        }
        catch (OperationCanceledException)
        {
            arrived.Done.TrySetResult("the worker is stopping");
        }
    }

    private StatsSnapshot RefreshStats(DateTimeOffset now)
    {
        var snapshot = BuildSnapshot();
        _latest = snapshot;
        _latestAt = now;
        StatsRefreshed?.Invoke();
        return snapshot;
    }

    /// <summary>
    /// A kill switch the last run tripped holds in a supervisor's restart (a crashed worker does not trade again what it
    /// stopped); an operator's start clears it. Either way the run's first housekeeping tick writes a snapshot, so the
    /// journal knows the new state from then on.
    /// </summary>
    private async Task RestoreKillSwitchAsync(CancellationToken cancellationToken)
    {
        if (!_options.KeepTrippedKillSwitch || await _primary.Journal.LoadTrippedKillSwitchAsync(cancellationToken) is not { } reason) return;
        _risk.Latch(reason);
        _killLogged = true;
        EngineLog.KillSwitchKept(_logger, _options.InstanceName, reason);
    }

    private async Task HousekeepAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        PollFundingWhenDue(now);
        foreach (var leg in Legs)
        {
            // The account stream lost a one-off's fills, or a catch-up failed: ask the venue.
            if ((OneOffFillsLate(leg, now) || leg.CatchUpAsk.Again) && !leg.CatchUpAsk.InFlight) CatchUp(leg);
            foreach (var order in leg.Tracker.Live.Where(o => o.Status == OrderStatus.Unknown)) QueryOrder(leg, order);
            foreach (var stray in leg.Strays.Values.ToList()) SendStrayCancel(leg, stray); // those whose cancel failed
            leg.Tracker.PruneTerminal(now - TimeSpan.FromMinutes(5));
        }
        ReadBalancesWhenDue(now);
        LogDenialsLeftOut(now, end: false);
        if (now - _lastPrune >= _options.JournalPrunePeriod && _pruning.IsCompleted)
        {
            _lastPrune = now;
            _pruning = PruneJournalAsync(now - _options.JournalRetention, _io.Token);
        }
        var mark = _primary.Book.Mid;
        if (mark is not null) _risk.ObserveNetPnl(_primary.Session.Snapshot(mark).NetPnl + (HedgeSessionNetPnl() ?? 0m));
        await RestoreDayStartAsync(cancellationToken);
        ObserveDay(now);
        var stats = RefreshStats(now);
        // A grid's range, the kill switch and the strategy's figures are what a restarted worker starts from: a change of
        // the first two is saved at once, and figures a fill moved at the next tick, rewriting the period's snapshot (a worker
        // killed 50 s into a period came back with a grid's round trips and profit of 50 s before). A new snapshot a period.
        var range = stats.StrategyFigures?.Grid is { } grid ? (grid.Lower, grid.Upper) : default;
        var newPeriod = now - _lastStatsSave >= _options.StatsSnapshotPeriod;
        if (newPeriod || range != _savedRange || stats.KillSwitchTripped != _savedKillSwitch || stats.DailyLossHalt != _savedDailyHalt || _figuresUnsaved)
        {
            if (newPeriod) _lastStatsSave = now;
            _savedRange = range;
            _savedKillSwitch = stats.KillSwitchTripped;
            _savedDailyHalt = stats.DailyLossHalt;
            _figuresUnsaved = false;
            await _primary.Journal.SaveStatsAsync(stats, replaceLatest: !newPeriod, cancellationToken);
        }
        await SaveCheckpointsAsync(cancellationToken);
    }

    /// <summary>Today's start as the last run saved it, if it was today: today's loss counts from it. Read once.</summary>
    private async Task RestoreDayStartAsync(CancellationToken cancellationToken)
    {
        if (_dayStartRestored) return;
        _dayStartRestored = true;
        if (await _primary.Journal.LoadDayStartAsync(cancellationToken) is { } saved && saved.Day == DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime))
            _risk.RestoreDayStart(saved);
    }

    /// <summary>
    /// Feeds today's net PnL to the daily loss limit: every market's cumulative figures (complete once the start's replay
    /// is done), each valued at its market's mid. False while one of them cannot be valued yet.
    /// </summary>
    private bool ObserveDay(DateTimeOffset now)
    {
        var mark = _primary.Book.Mid;
        var hedgeMark = _hedge?.Book.Mid;
        if (mark is null || (_hedge is not null && hedgeMark is null) || !Legs.All(l => l.FiguresComplete)) return false;
        var wasHalted = _risk.DailyLossHalt is not null;
        _risk.ObserveCumulativeNetPnl(now, _primary.Cumulative.Snapshot(mark).NetPnl + (_hedge?.Cumulative.Snapshot(hedgeMark).NetPnl ?? 0m));
        if (wasHalted && _risk.DailyLossHalt is null)
        {
            _dailyHaltLogged = false;
            EngineLog.DailyLossHaltOver(_logger, _options.InstanceName);
        }
        return true;
    }

    private void LogDenialsLeftOut(DateTimeOffset now, bool end)
    {
        foreach (var (reason, leftOut, since) in _denialLog.TakeOverdue(now, end))
            EngineLog.DeniedLeftOut(_logger, _options.InstanceName, reason.ToString(), leftOut, since.TotalSeconds);
    }

    /// <summary>
    /// Saves each market's cumulative figures that moved since its last checkpoint, so a restart replays only the fills
    /// journaled after it. Between fills, on the loop: every fill in the journal is then counted in the figures.
    /// </summary>
    private async Task SaveCheckpointsAsync(CancellationToken cancellationToken)
    {
        foreach (var leg in Legs.Where(l => l.FiguresComplete && l.CheckpointDue))
        {
            leg.CheckpointDue = false;
            var checkpoint = leg.Cumulative.ToCheckpoint(_time.GetUtcNow(), leg.TracksFunding ? leg.FundingSince : null, leg.FundingSeen);
            try { await leg.Journal.SaveCheckpointAsync(checkpoint, cancellationToken); }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                leg.CheckpointDue = true; // the next tick tries again; until then a restart replays a little more
                EngineLog.StepFailed(_logger, _options.InstanceName, $"figures checkpoint of {leg.Symbol}: {ex.Message}");
            }
        }
    }

    /// <summary>
    /// Off the loop (a first prune of a long-kept journal takes a while; it goes in batches so orders are journaled in
    /// between). One journal holds both markets of a cross-market hedge: the primary's prune covers the instance.
    /// </summary>
    private async Task PruneJournalAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            var deleted = await _primary.Journal.PruneAsync(before, cancellationToken);
            if (deleted > 0) EngineLog.JournalPruned(_logger, _options.InstanceName, deleted, before);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            EngineLog.StepFailed(_logger, _options.InstanceName, $"journal prune: {ex.Message}");
        }
    }

    /// <summary>
    /// A reduce-only order refused may be a fill of ours still on its way (the venue's position has it, our stream not
    /// yet): the venue is asked for our recent fills, and the answer settles it (<see cref="OnFillsListedAsync"/>).
    /// One ask at a time per market; a refusal while one is out asks again after it, so the answer is newer than it.
    /// </summary>
    private void ListFills(MarketLeg leg, DateTimeOffset now)
    {
        if (!leg.FillsAsk.TryStart()) return;
        var since = now - FillsAskSpan;
        ReadOffTheLoop(async ct => new FillsListed(leg, await leg.Connector.GetFillsAsync(leg.Symbol, since, ct), null), error => new FillsListed(leg, null, error));
    }

    /// <summary>How far back the fills asked after a refusal go: a fill late by more than this is not on its way.</summary>
    private static readonly TimeSpan FillsAskSpan = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Fills the venue listed that had not reached us are applied (each explains a refusal to the strategy); then the
    /// strategy learns that no fill of ours is missing, unless a refusal came after the ask, which is asked again.
    /// Unanswered, the strategy's own wait decides (<see cref="Strategies.ReduceOnlyRefusal.AnswerWait"/>).
    /// </summary>
    private async Task<StrategyTrigger?> OnFillsListedAsync(FillsListed listed, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var leg = listed.Leg;
        if (listed.Error is not null)
        {
            leg.FillsAsk.Failed(retry: false); // the next refusal asks anew
            if (listed.Error is not OperationCanceledException) EngineLog.StepFailed(_logger, _options.InstanceName, $"asking the venue for our fills after a reduce-only refusal: {listed.Error.Message}");
            return null;
        }
        var applied = 0;
        foreach (var fill in listed.Fills!)
            if (await ApplyFillAsync(leg, fill, cancellationToken)) applied++;
        if (applied > 0) EngineLog.FillsCaughtUp(_logger, _options.InstanceName, applied);
        if (leg.FillsAsk.Answered()) ListFills(leg, now);
        else _strategy.OnFillsConfirmed();
        return StrategyTrigger.OrderUpdate;
    }

    private void QueryOrder(MarketLeg leg, TrackedOrder order)
    {
        if (!leg.QueriesInFlight.Add(order.ClientOrderId)) return;
        ReadOffTheLoop(async ct => new OrderQueried(leg, order, await leg.Connector.GetOrderAsync(order.Symbol, order.ClientOrderId, ct), null),
            error => new OrderQueried(leg, order, null, error));
    }
}
