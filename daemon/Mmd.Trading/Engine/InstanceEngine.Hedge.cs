using Mmd.Trading.Orders;
using Mmd.Trading.Stats;
using Mmd.Trading.Strategies;

namespace Mmd.Trading.Engine;

// The hedge market of a cross-market hedge: what the strategy sees of it, and what the stats show of it.
public sealed partial class InstanceEngine
{
    private void SetHedgeView()
    {
        if (_hedge is null || _view.Hedge is not { } view) return;
        view.BestBid = _hedge.Book.BestBid?.Price;
        view.BestAsk = _hedge.Book.BestAsk?.Price;
        view.Position = _hedge.Cumulative.Position;
    }

    /// <summary>
    /// The quoting market cannot be quoted (stale book, account stream down): no quotes rest. A hedge market that is itself
    /// sound still takes the strategy's hedges, so exposure already taken on is not left open because the other market is down.
    /// </summary>
    private StrategyDecision HedgesOnly(DateTimeOffset now)
    {
        if (_hedge is null || !_hedge.BookFresh(now, _options.StaleBookAfter) || _hedge.AccountDown(now, _options.AccountStreamGrace))
            return StrategyDecision.PullQuotes;
        SetReferencePrices();
        var hedges = _strategy.Decide(_view).Immediate.Where(i => i.OnHedgeMarket).ToList();
        return new StrategyDecision([], hedges);
    }

    private StrategyFigures? WithHedgeMarket(StrategyFigures? figures)
    {
        if (_hedge is null || figures?.Hedge is not { } hedge) return figures;
        var mid = _hedge.Book.Mid;
        return figures with
        {
            Hedge = hedge with
            {
                Market = new HedgeMarketFigures(_hedge.Connector.Venue, _hedge.Symbol, mid, _hedge.Session.Snapshot(mid), _hedge.Cumulative.Snapshot(mid)),
            },
        };
    }

    /// <summary>
    /// Stop leaves the exposure hedged: once the quotes are off the book, a maker fill that came in meanwhile (or whose hedge
    /// was still to go) is hedged too, each attempt waited for and its fills read back, at most three. Runs while the streams
    /// are still up; a strategy that does not hedge sends nothing here.
    /// </summary>
    private async Task HedgeBeforeStopAsync(CancellationToken timeout)
    {
        // The quotes they waited on are off the book: the strategy decides the stop's hedge afresh.
        _view.ImmediateWithdrawn += _heldTakers.Count;
        _heldTakers.Clear();
        for (var attempt = 1; attempt <= MaxStopHedges; attempt++)
        {
            _view.Now = _time.GetUtcNow();
            SetPositionView();
            SetReferencePrices();
            var sent = new List<(MarketLeg Leg, TrackedOrder Order)>();
            foreach (var intent in _strategy.Decide(_view).Immediate.Where(i => i.Purpose == OrderPurpose.Hedge))
            {
                var leg = LegOf(intent);
                var order = NewOrder(leg, intent.Side, intent.Type, intent.TimeInForce, intent.Price, intent.Quantity, intent.Purpose, intent.Level, intent.PostOnly, intent.ReduceOnly);
                if (!TryAdmit(leg, order)) continue;
                _oneOffs.Add((leg, order));
                _pendingSends.Add((leg, order));
                sent.Add((leg, order));
            }
            if (sent.Count == 0) return;
            EngineLog.HedgingBeforeStop(_logger, _options.InstanceName, attempt, sent.Sum(s => s.Order.Quantity));
            await SendPendingAsync();
            while (sent.Any(s => !Ended(s.Leg, s.Order)) && await _events.Reader.WaitToReadAsync(timeout))
                while (_events.Reader.TryRead(out var e)) await HandleAsync(e, timeout);
            foreach (var leg in sent.Select(s => s.Leg).Distinct()) await CatchUpAsync(leg, timeout);
            await FlushOrdersAsync();
        }
    }

    private const int MaxStopHedges = 3;

    /// <summary>The hedge market's session net PnL (the kill switch weighs both markets); null without a hedge market.</summary>
    private decimal? HedgeSessionNetPnl() => _hedge?.Session.Snapshot(_hedge.Book.Mid).NetPnl;
}
