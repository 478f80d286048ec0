using GrpcMM.Protos.V1;

namespace Mmd.Specs;

// Maker-taker hedge (seed §1.3.1).
public static partial class SpecValidator
{
    private static Trading.Strategies.Hedge.MakerTakerHedgeConfig ValidateHedge(GrpcMM.Protos.V1.MakerTakerHedgeConfig c, bool perpetual, List<FieldViolation> v)
    {
        const string p = "maker_taker_hedge.";
        var quantity = Decimal(c.OrderQuantity, p + "order_quantity", v, min: 0m, minExclusive: true);
        // On a perpetual the base balance is 0: the seed's auto size would quote nothing on the sell side.
        if (perpetual && c.OrderQuantity.Length == 0) v.Add(new(p + "order_quantity", "required on a perpetual (the auto size comes from a spot base balance)"));
        var offset = Decimal(c.QuoteOffsetPct, p + "quote_offset_pct", v, min: -5m, max: 10m) ?? 0m;
        var slippage = Decimal(c.MaxSlippagePct, p + "max_slippage_pct", v, min: 0.01m, max: 10m) ?? 0.5m;
        var attempts = c.HasMaxHedgeAttempts ? (int)Math.Min(c.MaxHedgeAttempts, 1000) : 3;
        if (attempts is < 1 or > 20) v.Add(new(p + "max_hedge_attempts", "must be 1-20"));
        var interval = Duration(c.Interval, p + "interval", v, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        var tolerance = Decimal(c.RefreshTolerancePct, p + "refresh_tolerance_pct", v, min: 0m, max: 50m) ?? 0m;
        return new Trading.Strategies.Hedge.MakerTakerHedgeConfig
        {
            OrderQuantity = quantity,
            QuoteOffsetPct = offset,
            MaxSlippagePct = slippage,
            MaxHedgeAttempts = attempts,
            Interval = interval,
            RefreshTolerancePct = tolerance,
        };
    }
}
