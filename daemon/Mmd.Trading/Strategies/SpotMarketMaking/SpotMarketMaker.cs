using Mmd.Trading.Primitives;
using Mmd.Trading.Stats;

namespace Mmd.Trading.Strategies.SpotMarketMaking;

/// <summary>
/// Spot market making at parity with the seed (§1.1): symmetric post-only quotes around the mid on
/// <c>levels</c> levels per side, fixed or auto size, and inventory rebalancing back to a base target.
/// Unlike the seed it is asked on every event, and levels it cannot fund are left out instead of
/// being sent to be rejected.
/// </summary>
public sealed class SpotMarketMaker : IStrategy
{
    private SpotMarketMakerConfig _config;
    private readonly QuoteLadder _ladder;

    public SpotMarketMaker(SpotMarketMakerConfig config)
    {
        _config = config;
        _ladder = new QuoteLadder(config.Levels, config.AvellanedaStoikov);
    }

    public string Kind => "spot_market_making";

    public SpotMarketMakerConfig Config => _config;

    /// <summary>Spread, size and levels change live; the next decision quotes with them.</summary>
    public string? Reconfigure(StrategyConfig config)
    {
        if (config is not SpotMarketMakerConfig next) return $"{Kind} cannot become {config.Kind} while running";
        _ladder.Reconfigure(next.Levels, next.AvellanedaStoikov);
        _config = next;
        return null;
    }

    public StrategyDecision Decide(StrategyView view)
    {
        if (view.Mid is not { } mid) return StrategyDecision.PullQuotes;
        var instrument = view.Instrument;
        var baseTotal = view.TotalOf(instrument.BaseAsset);
        var quoteTotal = view.TotalOf(instrument.QuoteAsset);

        // Rebalancing looks at balances, which only move on fills: not on every book tick.
        if (_config.RebalanceEnabled && !view.RebalancePending && view.Trigger is not StrategyTrigger.Book
            && InventoryRebalancer.Plan(instrument, baseTotal, quoteTotal, view.BestBid!.Value, view.BestAsk!.Value,
                _config.BaseTargetPct, _config.RebalanceThresholdPct) is { } rebalance)
        {
            return new StrategyDecision(BuildQuotes(view, mid, baseTotal, quoteTotal), [rebalance]);
        }
        return new StrategyDecision(BuildQuotes(view, mid, baseTotal, quoteTotal), []);
    }

    public StrategyFigures? Figures(StrategyView view) =>
        _ladder.ModelFigures is { } model ? new StrategyFigures { Model = model } : null;

    private DesiredQuote[] BuildQuotes(StrategyView view, decimal mid, decimal baseTotal, decimal quoteTotal)
    {
        var instrument = view.Instrument;
        // The model's quotes when it is on and warmed up; the seed's fixed spread otherwise.
        var unit = _config.OrderQuantity ?? QuoteMath.AutoQuantities(instrument, _ladder.Levels, quoteTotal, baseTotal, mid).Buy;
        _ladder.Price(view, mid, _config.SpreadPct, view.Position, unit);
        var (bids, asks) = (_ladder.Bids, _ladder.Asks);
        decimal buyQty, sellQty;
        if (_config.OrderQuantity is { } fixedQty)
        {
            buyQty = sellQty = QuoteMath.FixedQuantity(instrument, fixedQty);
        }
        else
        {
            var sum = 0m;
            foreach (var p in bids) sum += p;
            (buyQty, sellQty) = QuoteMath.AutoQuantities(instrument, bids.Length, quoteTotal, baseTotal, sum / bids.Length);
        }

        var quotes = new List<DesiredQuote>(bids.Length * 2);
        var quoteBudget = quoteTotal;
        var baseBudget = baseTotal;
        for (var i = 0; i < bids.Length; i++)
        {
            var cost = bids[i] * buyQty;
            if (bids[i] > 0 && cost <= quoteBudget && instrument.MeetsMinimums(bids[i], buyQty))
            {
                quotes.Add(new DesiredQuote(Side.Buy, i, bids[i], buyQty));
                quoteBudget -= cost;
            }
            if (sellQty <= baseBudget && instrument.MeetsMinimums(asks[i], sellQty))
            {
                quotes.Add(new DesiredQuote(Side.Sell, i, asks[i], sellQty));
                baseBudget -= sellQty;
            }
        }
        return quotes.ToArray();
    }
}
