using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Stats;

namespace Mmd.Trading.Engine;

// Streams in, shutdown out, and the statistics view.
public sealed partial class InstanceEngine
{
    private static readonly TimeSpan FirstReconnectBackoff = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(30);

    // A stream that was delivering is subscribed again at once (a dropped connection costs one round trip, not a
    // second); one that keeps failing backs off from 250 ms, doubling to 30 s.
    private static TimeSpan NextReconnectDelay(TimeSpan delay) =>
        delay == TimeSpan.Zero ? FirstReconnectBackoff : delay * 2 > MaxReconnectDelay ? MaxReconnectDelay : delay * 2;

    private void RestartBookPump(MarketLeg leg)
    {
        leg.BookPump?.Cancel();
        leg.BookPump = CancellationTokenSource.CreateLinkedTokenSource(_io.Token);
        var generation = ++leg.BookGeneration;
        _ = PumpBookAsync(leg, generation, leg.BookPump.Token);
    }

    private async Task PumpBookAsync(MarketLeg leg, int generation, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.Zero;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var e in leg.Connector.StreamOrderBookAsync(leg.Symbol, cancellationToken))
                {
                    await _events.Writer.WriteAsync(new MarketDataArrived(leg, generation, e, _latency.Now()), cancellationToken);
                    delay = TimeSpan.Zero;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                EngineLog.StreamFailed(_logger, _options.InstanceName, leg.BookStream, delay, ex.Message);
                _events.Writer.TryWrite(new StreamFailed(leg, Account: false, ex));
            }
            if (!await DelayAsync(delay, cancellationToken)) return;
            delay = NextReconnectDelay(delay);
        }
    }

    private async Task PumpAccountAsync(MarketLeg leg, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.Zero;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // The subscription is live when the call returns; the catch-up that StreamConnected
                // triggers then covers anything that happened before it.
                var stream = leg.Connector.StreamAccountAsync(leg.Symbol, cancellationToken);
                await _events.Writer.WriteAsync(new StreamConnected(leg), cancellationToken);
                await foreach (var e in stream.WithCancellation(cancellationToken))
                {
                    await _events.Writer.WriteAsync(new AccountEventArrived(leg, e), cancellationToken);
                    delay = TimeSpan.Zero;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                EngineLog.StreamFailed(_logger, _options.InstanceName, leg.AccountStream, delay, ex.Message);
                _events.Writer.TryWrite(new StreamFailed(leg, Account: true, ex));
            }
            if (!await DelayAsync(delay, cancellationToken)) return;
            delay = NextReconnectDelay(delay);
        }
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    // Set by a stop that names its own timeout; until then the options' (-1: not set).
    private long _shutdownTimeoutTicks = -1;

    /// <summary>How long the stop has to confirm a flat book (and a stop during the start-up, for the start-up to finish).</summary>
    private TimeSpan ShutdownTimeout => Interlocked.Read(ref _shutdownTimeoutTicks) is >= 0 and var ticks ? TimeSpan.FromTicks(ticks) : _options.ShutdownTimeout;

    /// <summary>
    /// The coming stop is a supervisor's with its own timeout (`mmctl stop --timeout`), after which it kills the worker:
    /// the shutdown takes <see cref="EngineOptions.ShutdownTimeoutWithin"/> of it. Call before cancelling the run; the
    /// first call holds (the daemon's stop sent again keeps its first deadline).
    /// </summary>
    public void StopWithin(TimeSpan stopTimeout) =>
        Interlocked.CompareExchange(ref _shutdownTimeoutTicks, EngineOptions.ShutdownTimeoutWithin(stopTimeout).Ticks, -1);

    /// <summary>
    /// Stop means a flat book: take back the quotes still waiting to leave, let in-flight requests land, cancel every
    /// order with our prefix on the leg's market, and keep asking the venue until none is listed. Returns how many were
    /// still listed (-1: never confirmed).
    /// </summary>
    private async Task<int> ShutdownAsync(MarketLeg leg, CancellationToken timeout)
    {
        var left = -1;
        try
        {
            WithdrawWaitingPlaces(); // a quote still waiting to leave need not go, only to be cancelled
            while (Volatile.Read(ref _requestsInFlight) > 0 && await _events.Reader.WaitToReadAsync(timeout))
                while (_events.Reader.TryRead(out var e)) await HandleAsync(e, timeout);

            left = await CancelOwnOrdersAsync(leg, timeout);
            if (left != 0) return left;

            // Record how every order ended and every fill that came in meanwhile.
            while (_events.Reader.TryRead(out var e)) await HandleAsync(e, timeout);
            await CatchUpAsync(leg, timeout);
            var now = _time.GetUtcNow();
            foreach (var order in leg.Tracker.Live.ToList())
            {
                if (await leg.Connector.GetOrderAsync(order.Symbol, order.ClientOrderId, timeout) is { } report) leg.Tracker.ApplyVenueOrder(report, now);
                else if (order.Status is OrderStatus.Submitted or OrderStatus.Unknown) leg.Tracker.MarkNeverReceived(order, now);
            }
            await FlushOrdersAsync();
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
        }
        return left;
    }

    /// <summary>Every order of ours on the leg's market cancelled, the venue asked until it lists none (see OwnOrderCancel).</summary>
    private async Task<int> CancelOwnOrdersAsync(MarketLeg leg, CancellationToken timeout) =>
        (await OwnOrderCancel.CancelAsync(leg.Connector, leg.Symbol, _options.InstanceName, _time,
            error => EngineLog.StepFailed(_logger, _options.InstanceName, error), timeout)).Left;

    private StatsSnapshot BuildSnapshot()
    {
        var mid = _primary.Book.Mid;
        decimal? bestQuoteBid = null, bestQuoteAsk = null;
        int buys = 0, sells = 0;
        foreach (var o in _primary.Tracker.Live)
        {
            if (o.Purpose != OrderPurpose.Quote || o.Price is not { } p) continue;
            if (o.Side == Side.Buy) { buys++; bestQuoteBid = bestQuoteBid is null || p > bestQuoteBid ? p : bestQuoteBid; }
            else { sells++; bestQuoteAsk = bestQuoteAsk is null || p < bestQuoteAsk ? p : bestQuoteAsk; }
        }
        SetPositionView(); // the instance's own part of the account, when it was given capital
        var baseBalance = _view.TotalOf(_primary.Instrument.BaseAsset);
        var quoteBalance = _view.TotalOf(_primary.Instrument.QuoteAsset);
        var health = Health;
        return new StatsSnapshot
        {
            Instance = _options.InstanceName,
            Venue = _primary.Connector.Venue,
            Symbol = _primary.Instrument.Symbol,
            BaseAsset = _primary.Instrument.BaseAsset,
            QuoteAsset = _primary.Instrument.QuoteAsset,
            Time = _time.GetUtcNow(),
            SessionStart = _sessionStart,
            Mid = mid,
            BestBid = _primary.Book.BestBid?.Price,
            BestAsk = _primary.Book.BestAsk?.Price,
            BestQuoteBid = bestQuoteBid,
            BestQuoteAsk = bestQuoteAsk,
            QuoteSpreadPct = bestQuoteBid is { } b && bestQuoteAsk is { } a && mid is { } m ? (a - b) / m * 100m : null,
            OpenBuyOrders = buys,
            OpenSellOrders = sells,
            OrdersPlaced = _placed,
            OrdersCancelled = _cancelled,
            OrdersRejected = _rejected,
            PostOnlyRetries = _postOnlyRetries,
            OrdersWithdrawn = _withdrawn,
            Rebalances = _rebalances,
            RiskDenials = _risk.Denials.Values.Sum(),
            BaseBalance = baseBalance,
            QuoteBalance = quoteBalance,
            PortfolioValue = mid is { } mm ? quoteBalance + baseBalance * mm : null,
            Capital = _capitalLines,
            MarketDataFresh = health.BookFresh,
            KillSwitchTripped = _risk.KillSwitchTripped,
            KillSwitchReason = _risk.KillSwitchTripped ? _risk.KillSwitchReason : null,
            DayStart = _risk.DayStart,
            TodayNetPnl = _risk.TodayNetPnl,
            DailyLossHalt = _risk.DailyLossHalt,
            SinceDailyLossHaltLifted = _risk.SinceHaltLifted,
            QuotingPaused = _paused,
            Latency = _latency.Summarize(),
            DeadManSwitch = _primary.Connector.DeadManSwitchStatus,
            Strategy = _strategy.Kind,
            StrategyFigures = WithHedgeMarket(_strategy.Figures(_view)),
            Session = _primary.Session.Snapshot(mid),
            Cumulative = _primary.Cumulative.Snapshot(mid),
        };
    }
}
