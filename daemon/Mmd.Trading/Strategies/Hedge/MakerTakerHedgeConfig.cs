namespace Mmd.Trading.Strategies.Hedge;

/// <summary>Validated parameters of the maker-taker hedge (seed §1.3.1). Percent values are in percent units.</summary>
public sealed record MakerTakerHedgeConfig : StrategyConfig
{
    /// <summary>Quote size per side; null: 5 % of the quote balance (buy) and of the base balance (sell), as the seed.</summary>
    public decimal? OrderQuantity { get; init; }
    /// <summary>
    /// Where the quotes sit relative to the touch, in % of the price: 0 at the touch (the seed), positive further out,
    /// negative inside the spread (never crossing). The seed required a spread it never used; this is its meaning here.
    /// </summary>
    public decimal QuoteOffsetPct { get; init; }
    /// <summary>Price protection of the taker hedge: an IOC limit this far through the touch, in % (the seed sent bare market orders).</summary>
    public decimal MaxSlippagePct { get; init; } = 0.5m;
    /// <summary>Hedge attempts that may leave the position unhedged before quoting is held until a hedge succeeds.</summary>
    public int MaxHedgeAttempts { get; init; } = 3;
    /// <summary>
    /// With a hedge market: the least a round trip (quote filled here, hedged there at its touch) must earn, in % of the
    /// price. Quotes sit no closer than that to the hedge market's touch. Unused on one market.
    /// </summary>
    public decimal MinProfitabilityPct { get; init; } = 0.1m;
    /// <summary>
    /// With a hedge market: the position on the quoted market (base units) at which the side that would add to it is no
    /// longer quoted; short of it, that side's size shrinks in proportion. The two markets' positions only offset each
    /// other, each on its own margin, so they are walked back toward none instead of drifting to the risk limit. Null: off.
    /// </summary>
    public decimal? InventoryRange { get; init; }

    public override string Kind => "maker_taker_hedge";

    public override IStrategy CreateStrategy() => new MakerTakerHedge(this);
}
