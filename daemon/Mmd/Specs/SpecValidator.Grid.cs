using GrpcMM.Protos.V1;

namespace Mmd.Specs;

// Spot grid (seed §1.4.1). The seed silently fell back to an auto range when a bound was missing or misspelled (§9.1):
// here one bound without the other is an error.
public static partial class SpecValidator
{
    /// <summary>The range fields every grid has, validated alike.</summary>
    private sealed record GridRangeFields(decimal? Lower, decimal? Upper, bool Auto, decimal RangePct, int Levels, Trading.Strategies.Grid.GridMode Mode);

    private static GridRangeFields ValidateGridRange(string p, string lowerText, string upperText, bool autoPriceRange, string rangeText,
        uint? levelsValue, GridMode mode, List<FieldViolation> v)
    {
        var lower = Decimal(lowerText, p + "lower_price", v, min: 0m, minExclusive: true);
        var upper = Decimal(upperText, p + "upper_price", v, min: 0m, minExclusive: true);
        if (!autoPriceRange)
        {
            if (lowerText.Length > 0 && upperText.Length == 0) v.Add(new(p + "upper_price", "required when lower_price is set (or set auto_price_range)"));
            if (upperText.Length > 0 && lowerText.Length == 0) v.Add(new(p + "lower_price", "required when upper_price is set (or set auto_price_range)"));
            if (lower is { } lo && upper is { } hi && hi <= lo) v.Add(new(p + "upper_price", $"must be above lower_price ({lo})"));
        }
        var range = Decimal(rangeText, p + "price_range_pct", v, min: 0m, minExclusive: true, max: 99m) ?? 5m;
        var levels = levelsValue is { } n ? (int)Math.Min(n, 100_000) : 10;
        if (levels is < 2 or > 200) v.Add(new(p + "levels", "must be 2-200 (both bounds are levels)"));
        if (!System.Enum.IsDefined(mode)) v.Add(new(p + "mode", $"unknown grid mode {(int)mode}"));
        var auto = autoPriceRange || (lowerText.Length == 0 && upperText.Length == 0);
        return new GridRangeFields(auto ? null : lower, auto ? null : upper, auto, range, levels,
            mode == GridMode.Geometric ? Trading.Strategies.Grid.GridMode.Geometric : Trading.Strategies.Grid.GridMode.Arithmetic);
    }

    private static Trading.Strategies.Grid.SpotGridConfig ValidateSpotGrid(GrpcMM.Protos.V1.SpotGridConfig c, List<FieldViolation> v)
    {
        const string p = "spot_grid.";
        var grid = ValidateGridRange(p, c.LowerPrice, c.UpperPrice, c.AutoPriceRange, c.PriceRangePct, c.HasLevels ? c.Levels : null, c.Mode, v);
        var quantity = Decimal(c.OrderQuantity, p + "order_quantity", v, min: 0m, minExclusive: true);
        var allowance = Decimal(c.FeeAllowancePct, p + "fee_allowance_pct", v, min: 0m, max: 5m) ?? 0.1m;
        var interval = Duration(c.Interval, p + "interval", v, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        return new Trading.Strategies.Grid.SpotGridConfig
        {
            Lower = grid.Lower,
            Upper = grid.Upper,
            AutoRange = grid.Auto,
            PriceRangePct = grid.RangePct,
            Levels = grid.Levels,
            Mode = grid.Mode,
            OrderQuantity = quantity,
            FeeAllowancePct = allowance,
            Interval = interval,
        };
    }
}
