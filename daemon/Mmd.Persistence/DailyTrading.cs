namespace Mmd.Persistence;

/// <summary>One UTC day of an instance's trading, added up from its journal (see <see cref="JournalBrowser.DailyAsync"/>).</summary>
public sealed class DailyTrading(DateOnly day)
{
    private readonly Dictionary<string, decimal> _fees = new(StringComparer.Ordinal);

    public DateOnly Day { get; } = day;
    public long Fills { get; private set; }
    public long BuyFills { get; private set; }
    public long SellFills { get; private set; }
    public decimal Bought { get; private set; }
    public decimal Sold { get; private set; }
    public decimal QuoteVolume { get; private set; }
    public decimal MakerQuoteVolume { get; private set; }
    public IReadOnlyDictionary<string, decimal> FeesByAsset => _fees;
    /// <summary>The day's net PnL at its last stats snapshot; null when the journal cannot say.</summary>
    public decimal? NetPnl { get; set; }

    internal void Add(bool buy, decimal price, decimal quantity, decimal fee, string feeAsset, bool maker)
    {
        Fills++;
        if (buy) (BuyFills, Bought) = (BuyFills + 1, Bought + quantity);
        else (SellFills, Sold) = (SellFills + 1, Sold + quantity);
        QuoteVolume += price * quantity;
        if (maker) MakerQuoteVolume += price * quantity;
        _fees[feeAsset] = _fees.GetValueOrDefault(feeAsset) + fee;
    }
}
