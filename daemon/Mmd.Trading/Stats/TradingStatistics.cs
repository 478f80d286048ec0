using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Trading.Stats;

/// <summary>
/// Accumulates fills into figures for one span. Two instances run side by side: cumulative (every
/// journaled fill of the instance, replayed at start) and session (fills since this run started).
/// </summary>
public sealed class TradingStatistics
{
    private readonly string _baseAsset;
    private readonly string _quoteAsset;
    private readonly FifoPnl _fifo = new();
    private readonly Dictionary<string, decimal> _fees = new(StringComparer.Ordinal);
    private StatsFigures _figures = new();

    public TradingStatistics(string baseAsset, string quoteAsset)
    {
        _baseAsset = baseAsset;
        _quoteAsset = quoteAsset;
    }

    public decimal Position => _fifo.OpenQuantity;

    /// <summary>Average price of the open position's lots; 0 when flat.</summary>
    public decimal AverageEntryPrice => _fifo.AverageOpenPrice;

    public decimal Unrealized(decimal mark) => _fifo.Unrealized(mark);

    public void Apply(VenueFill fill, bool isRebalance)
    {
        _fifo.Apply(fill.Side, fill.Price, fill.Quantity);
        _fees[fill.FeeAsset] = _fees.GetValueOrDefault(fill.FeeAsset) + fill.Fee;
        var notional = fill.Price * fill.Quantity;
        var feeInQuote = fill.FeeAsset == _quoteAsset ? fill.Fee : fill.FeeAsset == _baseAsset ? fill.Fee * fill.Price : 0m;
        var f = _figures;
        var buy = fill.Side == Side.Buy;
        _figures = f with
        {
            Fills = f.Fills + 1,
            BuyFills = f.BuyFills + (buy ? 1 : 0),
            SellFills = f.SellFills + (buy ? 0 : 1),
            BoughtQuantity = f.BoughtQuantity + (buy ? fill.Quantity : 0),
            SoldQuantity = f.SoldQuantity + (buy ? 0 : fill.Quantity),
            MakerBuyVolume = f.MakerBuyVolume + (buy && fill.IsMaker ? fill.Quantity : 0),
            MakerSellVolume = f.MakerSellVolume + (!buy && fill.IsMaker ? fill.Quantity : 0),
            TakerBuyVolume = f.TakerBuyVolume + (buy && !fill.IsMaker ? fill.Quantity : 0),
            TakerSellVolume = f.TakerSellVolume + (!buy && !fill.IsMaker ? fill.Quantity : 0),
            QuoteVolume = f.QuoteVolume + notional,
            RebalanceQuoteVolume = f.RebalanceQuoteVolume + (isRebalance ? notional : 0),
            FeesInQuote = f.FeesInQuote + feeInQuote,
        };
    }

    /// <summary>The figures, marked to <paramref name="mark"/> when a price is known.</summary>
    public StatsFigures Snapshot(decimal? mark) => _figures with
    {
        RealizedPnl = _fifo.Realized,
        UnrealizedPnl = mark is { } m ? _fifo.Unrealized(m) : 0m,
        FeesByAsset = new Dictionary<string, decimal>(_fees, StringComparer.Ordinal),
        Position = _fifo.OpenQuantity,
        AverageEntryPrice = _fifo.AverageOpenPrice,
    };
}
