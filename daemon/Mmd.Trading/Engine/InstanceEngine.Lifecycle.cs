using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Stats;

namespace Mmd.Trading.Engine;

// Streams in, shutdown out, and the statistics view.
public sealed partial class InstanceEngine
{
    private const string AccountStream = "account";
    private const string BookStream = "book";
    private static readonly TimeSpan FirstReconnectBackoff = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(30);

    // A stream that was delivering is subscribed again at once (a dropped connection costs one round trip, not a
    // second); one that keeps failing backs off from 250 ms, doubling to 30 s.
    private static TimeSpan NextReconnectDelay(TimeSpan delay) =>
        delay == TimeSpan.Zero ? FirstReconnectBackoff : delay * 2 > MaxReconnectDelay ? MaxReconnectDelay : delay * 2;

    private void RestartBookPump()
    {
        _bookPump?.Cancel();
        _bookPump = CancellationTokenSource.CreateLinkedTokenSource(_io.Token);
        var generation = ++_bookGeneration;
        _ = PumpBookAsync(generation, _bookPump.Token);
    }

    private async Task PumpBookAsync(int generation, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.Zero;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var e in _connector.StreamOrderBookAsync(_options.Symbol, cancellationToken))
                {
                    await _events.Writer.WriteAsync(new MarketDataArrived(generation, e), cancellationToken);
                    delay = TimeSpan.Zero;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                EngineLog.StreamFailed(_logger, _options.InstanceName, BookStream, delay, ex.Message);
                _events.Writer.TryWrite(new StreamFailed(BookStream, ex));
            }
            if (!await DelayAsync(delay, cancellationToken)) return;
            delay = NextReconnectDelay(delay);
        }
    }

    private async Task PumpAccountAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.Zero;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // The subscription is live when the call returns; the catch-up that StreamConnected
                // triggers then covers anything that happened before it.
                var stream = _connector.StreamAccountAsync(_options.Symbol, cancellationToken);
                await _events.Writer.WriteAsync(new StreamConnected(AccountStream), cancellationToken);
                await foreach (var e in stream.WithCancellation(cancellationToken))
                {
                    await _events.Writer.WriteAsync(new AccountEventArrived(e), cancellationToken);
                    delay = TimeSpan.Zero;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                EngineLog.StreamFailed(_logger, _options.InstanceName, AccountStream, delay, ex.Message);
                _events.Writer.TryWrite(new StreamFailed(AccountStream, ex));
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

    /// <summary>
    /// Stop means a flat book: let in-flight requests land, cancel every order with our prefix, and
    /// keep asking the venue until none is listed. Returns how many were still listed (-1: never confirmed).
    /// </summary>
    private async Task<int> ShutdownAsync(CancellationToken timeout)
    {
        var prefix = ClientOrderIds.PrefixOf(_options.InstanceName);
        var left = -1;
        try
        {
            while (Volatile.Read(ref _requestsInFlight) > 0 && await _events.Reader.WaitToReadAsync(timeout))
                while (_events.Reader.TryRead(out var e)) await HandleAsync(e, timeout);

            while (true)
            {
                try
                {
                    await _connector.CancelAllAsync(_options.Symbol, prefix, timeout);
                    var open = (await _connector.GetOpenOrdersAsync(_options.Symbol, timeout)).Where(o => _tracker.Owns(o.ClientOrderId)).ToList();
                    left = open.Count;
                    if (left == 0) break;
                    foreach (var o in open)
                        await _connector.CancelOrderAsync(new CancelOrderRequest(_options.Symbol, o.VenueOrderId, o.ClientOrderId), timeout);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    EngineLog.StepFailed(_logger, _options.InstanceName, ex.Message);
                }
                await Task.Delay(TimeSpan.FromMilliseconds(200), _time, timeout);
            }

            // Record how every order ended and every fill that came in meanwhile.
            while (_events.Reader.TryRead(out var e)) await HandleAsync(e, timeout);
            await CatchUpAsync(timeout);
            var now = _time.GetUtcNow();
            foreach (var order in _tracker.Live.ToList())
            {
                if (await _connector.GetOrderAsync(order.Symbol, order.ClientOrderId, timeout) is { } report) _tracker.ApplyVenueOrder(report, now);
                else if (order.Status is OrderStatus.Submitted or OrderStatus.Unknown) _tracker.MarkNeverReceived(order, now);
            }
            await FlushOrdersAsync(timeout);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
        }
        return left;
    }

    private StatsSnapshot BuildSnapshot()
    {
        var mid = _book.Mid;
        decimal? bestQuoteBid = null, bestQuoteAsk = null;
        int buys = 0, sells = 0;
        foreach (var o in _tracker.Live)
        {
            if (o.Purpose != OrderPurpose.Quote || o.Price is not { } p) continue;
            if (o.Side == Side.Buy) { buys++; bestQuoteBid = bestQuoteBid is null || p > bestQuoteBid ? p : bestQuoteBid; }
            else { sells++; bestQuoteAsk = bestQuoteAsk is null || p < bestQuoteAsk ? p : bestQuoteAsk; }
        }
        var baseBalance = _view.TotalOf(_instrument.BaseAsset);
        var quoteBalance = _view.TotalOf(_instrument.QuoteAsset);
        var health = Health;
        SetPositionView();
        return new StatsSnapshot
        {
            Instance = _options.InstanceName,
            Venue = _connector.Venue,
            Symbol = _instrument.Symbol,
            BaseAsset = _instrument.BaseAsset,
            QuoteAsset = _instrument.QuoteAsset,
            Time = _time.GetUtcNow(),
            SessionStart = _sessionStart,
            Mid = mid,
            BestBid = _book.BestBid?.Price,
            BestAsk = _book.BestAsk?.Price,
            BestQuoteBid = bestQuoteBid,
            BestQuoteAsk = bestQuoteAsk,
            QuoteSpreadPct = bestQuoteBid is { } b && bestQuoteAsk is { } a && mid is { } m ? (a - b) / m * 100m : null,
            OpenBuyOrders = buys,
            OpenSellOrders = sells,
            OrdersPlaced = _placed,
            OrdersCancelled = _cancelled,
            OrdersRejected = _rejected,
            PostOnlyRetries = _postOnlyRetries,
            Rebalances = _rebalances,
            RiskDenials = _risk.Denials.Values.Sum(),
            BaseBalance = baseBalance,
            QuoteBalance = quoteBalance,
            PortfolioValue = mid is { } mm ? quoteBalance + baseBalance * mm : null,
            MarketDataFresh = health.BookFresh,
            KillSwitchTripped = _risk.KillSwitchTripped,
            QuotingPaused = _paused,
            Strategy = _strategy.Kind,
            StrategyFigures = _strategy.Figures(_view),
            Session = _session.Snapshot(mid),
            Cumulative = _cumulative.Snapshot(mid),
        };
    }
}
