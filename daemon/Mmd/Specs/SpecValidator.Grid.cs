using GrpcMM.Protos.V1;

namespace Mmd.Specs;

// Spot grid (seed §1.4.1). The seed silently fell back to an auto range when a bound was missing or misspelled (§9.1):
// here one bound without the other is an error.
public static partial class SpecValidator
{
    private static Trading.Strategies.Grid.SpotGridConfig ValidateSpotGrid(GrpcMM.Protos.V1.SpotGridConfig c, List<FieldViolation> v)
    {
        const string p = "spot_grid.";
        var lower = Decimal(c.LowerPrice, p + "lower_price", v, min: 0m, minExclusive: true);
        var upper = Decimal(c.UpperPrice, p + "upper_price", v, min: 0m, minExclusive: true);
        if (!c.AutoPriceRange)
        {
            if (c.LowerPrice.Length > 0 && c.UpperPrice.Length == 0) v.Add(new(p + "upper_price", "required when lower_price is set (or set auto_price_range)"));
            if (c.UpperPrice.Length > 0 && c.LowerPrice.Length == 0) v.Add(new(p + "lower_price", "required when upper_price is set (or set auto_price_range)"));
            if (lower is { } lo && upper is { } hi && hi <= lo) v.Add(new(p + "upper_price", $"must be above lower_price ({lo})"));
        }
        var range = Decimal(c.PriceRangePct, p + "price_range_pct", v, min: 0m, minExclusive: true, max: 99m) ?? 5m;
        var levels = c.HasLevels ? (int)Math.Min(c.Levels, 100_000) : 10;
        if (levels is < 2 or > 200) v.Add(new(p + "levels", "must be 2-200 (both bounds are levels)"));
        if (!System.Enum.IsDefined(c.Mode)) v.Add(new(p + "mode", $"unknown grid mode {(int)c.Mode}"));
        var quantity = Decimal(c.OrderQuantity, p + "order_quantity", v, min: 0m, minExclusive: true);
        var allowance = Decimal(c.FeeAllowancePct, p + "fee_allowance_pct", v, min: 0m, max: 5m) ?? 0.1m;
        var interval = Duration(c.Interval, p + "interval", v, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        var auto = c.AutoPriceRange || (c.LowerPrice.Length == 0 && c.UpperPrice.Length == 0);
        return new Trading.Strategies.Grid.SpotGridConfig
        {
            Lower = auto ? null : lower,
            Upper = auto ? null : upper,
            AutoRange = auto,
            PriceRangePct = range,
            Levels = levels,
            Mode = c.Mode == GridMode.Geometric ? Trading.Strategies.Grid.GridMode.Geometric : Trading.Strategies.Grid.GridMode.Arithmetic,
            OrderQuantity = quantity,
            FeeAllowancePct = allowance,
            Interval = interval,
        };
    }
}
