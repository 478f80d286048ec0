using GrpcMM.Protos.V1;
using Mmd.Exchanges.Paper;
using Mmd.Trading.Primitives;

namespace Mmd.Specs;

// Maker-taker hedge (seed §1.3.1).
public static partial class SpecValidator
{
    private static Trading.Strategies.Hedge.MakerTakerHedgeConfig ValidateHedge(GrpcMM.Protos.V1.MakerTakerHedgeConfig c, bool perpetual, bool oneMarket,
        List<FieldViolation> v)
    {
        const string p = "maker_taker_hedge.";
        var profitability = Decimal(c.MinProfitabilityPct, p + "min_profitability_pct", v, min: 0m, max: 10m) ?? 0.1m;
        var quantity = Decimal(c.OrderQuantity, p + "order_quantity", v, min: 0m, minExclusive: true);
        // On a perpetual the base balance is 0: the seed's auto size would quote nothing on the sell side.
        if (perpetual && c.OrderQuantity.Length == 0) v.Add(new(p + "order_quantity", "required on a perpetual (the auto size comes from a spot base balance)"));
        var offset = Decimal(c.QuoteOffsetPct, p + "quote_offset_pct", v, min: -5m, max: 10m) ?? 0m;
        var slippage = Decimal(c.MaxSlippagePct, p + "max_slippage_pct", v, min: 0.01m, max: 10m) ?? 0.5m;
        var attempts = c.HasMaxHedgeAttempts ? (int)Math.Min(c.MaxHedgeAttempts, 1000) : 3;
        if (attempts is < 1 or > 20) v.Add(new(p + "max_hedge_attempts", "must be 1-20"));
        var interval = Duration(c.Interval, p + "interval", v, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        var tolerance = Decimal(c.RefreshTolerancePct, p + "refresh_tolerance_pct", v, min: 0m, max: 50m) ?? 0m;
        var range = Decimal(c.InventoryRange, p + "inventory_range", v, min: 0m, minExclusive: true);
        if (range is not null && oneMarket)
            v.Add(new(p + "inventory_range", "needs a hedge market (hedge_venue or hedge_symbol): on one market every fill is hedged back where it rests"));
        return new Trading.Strategies.Hedge.MakerTakerHedgeConfig
        {
            OrderQuantity = quantity,
            QuoteOffsetPct = offset,
            MaxSlippagePct = slippage,
            MaxHedgeAttempts = attempts,
            Interval = interval,
            RefreshTolerancePct = tolerance,
            MinProfitabilityPct = profitability,
            InventoryRange = range,
        };
    }

    /// <summary>
    /// The hedge market of a cross-market hedge, or null when the hedges trade where the quotes rest. A paper symbol must be
    /// in the paper catalogue and carry the same base asset; a live venue's symbol is checked against the venue at start.
    /// </summary>
    private static HedgeTarget? ValidateHedgeMarket(GrpcMM.Protos.V1.MakerTakerHedgeConfig c, string venue, string symbol, InstrumentSpec? quoted,
        List<FieldViolation> v)
    {
        const string p = "maker_taker_hedge.";
        if (c.HedgeVenue.Length == 0 && c.HedgeSymbol.Length == 0) return null;
        var hedgeVenue = c.HedgeVenue.Length == 0 ? venue : c.HedgeVenue;
        var hedgeSymbol = c.HedgeSymbol.Length == 0 ? symbol : c.HedgeSymbol;
        if (!KnownVenues.Contains(hedgeVenue))
        {
            v.Add(new(p + "hedge_venue", $"unknown venue '{c.HedgeVenue}' (available: {string.Join(", ", KnownVenues)})"));
            return null;
        }
        if (hedgeVenue == venue && hedgeSymbol == symbol) return null; // the same market: the seed's hedge
        if (hedgeVenue == "paper")
        {
            if (PaperMarkets.Find(hedgeSymbol) is not { } hedged)
            {
                v.Add(new(p + "hedge_symbol", $"the paper venue has no symbol '{hedgeSymbol}' (available: {string.Join(", ", PaperMarkets.All.Select(m => m.Spec.Symbol))})"));
                return null;
            }
            if (quoted is not null && hedged.BaseAsset != quoted.BaseAsset)
                v.Add(new(p + "hedge_symbol", $"'{hedgeSymbol}' trades {hedged.BaseAsset}, the quotes {quoted.BaseAsset}: a hedge must trade the same asset"));
        }
        else if (hedgeVenue switch
                 {
                     "paradex" => ValidateParadexSymbol(hedgeSymbol, p + "hedge_symbol", v),
                     "lighter" => ValidateLighterSymbol(hedgeSymbol, p + "hedge_symbol", v),
                     _ => true,
                 } && BaseOf(hedgeVenue, hedgeSymbol) != BaseOf(venue, symbol))
        {
            v.Add(new(p + "hedge_symbol", $"'{hedgeSymbol}' does not trade the base asset of '{symbol}': a hedge must trade the same asset"));
        }
        return new HedgeTarget(hedgeVenue, hedgeSymbol);
    }

    /// <summary>The base asset of a venue symbol: BASE_QUOTE or BASE_QUOTE_PERP, Aster's BASEQUOTE (quoted in a dollar), Paradex's BASE-QUOTE-PERP, Lighter's BASE.</summary>
    private static string BaseOf(string venue, string symbol) => venue switch
    {
        "aster" => AsterQuotes.FirstOrDefault(q => symbol.Length > q.Length && symbol.EndsWith(q, StringComparison.Ordinal)) is { } quote ? symbol[..^quote.Length] : symbol,
        "paradex" => symbol.Split('-')[0],
        "lighter" => symbol,
        _ => symbol.Split('_')[0],
    };

    private static readonly string[] AsterQuotes = ["USDT", "USDC", "USD1", "USD"];
}
