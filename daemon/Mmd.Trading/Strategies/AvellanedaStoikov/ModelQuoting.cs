using Mmd.Trading.Primitives;
using Mmd.Trading.Stats;
using Mmd.Trading.Strategies.SpotMarketMaking;

namespace Mmd.Trading.Strategies.AvellanedaStoikov;

/// <summary>How the market makers use the model: its quote, laddered like the seed's levels, or null while it warms up.</summary>
public static class ModelQuoting
{
    /// <summary>Fills the ladders from the model's quote; false (ladders untouched) while the estimators warm up.</summary>
    public static bool TryLadder(AvellanedaStoikovModel model, StrategyView view, decimal mid, decimal position, decimal unit, decimal minSpreadPct,
        Span<decimal> bids, Span<decimal> asks)
    {
        model.Observe(view.Book, mid, view.Now);
        var inventory = unit > 0 ? position / unit : 0m;
        if (model.Quote(mid, inventory, minSpreadPct) is not { } quote) return false;
        var instrument = view.Instrument;
        var bid = instrument.RoundPricePassive(quote.Reservation - quote.HalfSpread, Side.Buy);
        var ask = instrument.RoundPricePassive(quote.Reservation + quote.HalfSpread, Side.Sell);
        if (ask <= bid) ask = bid + instrument.TickSize;
        QuoteMath.Ladder(instrument, bid, ask, bids, asks);
        return true;
    }

    public static ModelFigures? Figures(AvellanedaStoikovModel? model) =>
        model?.Last is { } q ? new ModelFigures(q.Sigma, q.Kappa, q.Reservation, q.HalfSpread) : null;
}
