namespace Mmd.Trading.Stats;

/// <summary>
/// Trading figures over one span (the session or all time). Volumes are in base units unless named
/// quote; fees are per asset, and <see cref="FeesInQuote"/> values base-asset fees at the fill price.
/// </summary>
public sealed record StatsFigures
{
    public long Fills { get; init; }
    public long BuyFills { get; init; }
    public long SellFills { get; init; }
    public decimal BoughtQuantity { get; init; }
    public decimal SoldQuantity { get; init; }
    public decimal MakerBuyVolume { get; init; }
    public decimal MakerSellVolume { get; init; }
    public decimal TakerBuyVolume { get; init; }
    public decimal TakerSellVolume { get; init; }
    public decimal QuoteVolume { get; init; }
    public decimal RebalanceQuoteVolume { get; init; }
    public decimal RealizedPnl { get; init; }
    public decimal UnrealizedPnl { get; init; }
    public decimal FeesInQuote { get; init; }
    public IReadOnlyDictionary<string, decimal> FeesByAsset { get; init; } = new Dictionary<string, decimal>();
    /// <summary>Open position of this span's fills (signed) and its average price.</summary>
    public decimal Position { get; init; }
    public decimal AverageEntryPrice { get; init; }

    /// <summary>Perpetual funding the instance's position paid (negative) or received, in the quote asset.</summary>
    public decimal FundingPnl { get; init; }

    /// <summary>Realized + unrealized - fees + funding (in the quote asset).</summary>
    public decimal NetPnl => RealizedPnl + UnrealizedPnl - FeesInQuote + FundingPnl;

    public decimal MakerVolume => MakerBuyVolume + MakerSellVolume;
    public decimal TakerVolume => TakerBuyVolume + TakerSellVolume;

    /// <summary>The seed's log "wear rate": |min(net, 0)| / quote volume x 100, null without volume.</summary>
    public decimal? WearRatePct => QuoteVolume == 0 ? null : Math.Abs(Math.Min(RealizedPnl - FeesInQuote, 0m)) / QuoteVolume * 100m;

    /// <summary>The dashboard's signed rate: (realized - fees) / quote volume x 100, null without volume.</summary>
    public decimal? NetPnlPerVolumePct => QuoteVolume == 0 ? null : (RealizedPnl - FeesInQuote) / QuoteVolume * 100m;
}
