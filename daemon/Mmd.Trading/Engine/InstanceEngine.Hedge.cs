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

    /// <summary>The hedge market's session net PnL (the kill switch weighs both markets); null without a hedge market.</summary>
    private decimal? HedgeSessionNetPnl() => _hedge?.Session.Snapshot(_hedge.Book.Mid).NetPnl;
}
