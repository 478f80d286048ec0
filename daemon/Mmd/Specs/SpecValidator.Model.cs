using GrpcMM.Protos.V1;
using Mmd.Trading.Strategies.AvellanedaStoikov;

namespace Mmd.Specs;

// Avellaneda-Stoikov options of the market makers.
public static partial class SpecValidator
{
    private static AvellanedaStoikovConfig? ValidateModel(AvellanedaStoikovOptions? o, string prefix, decimal? spreadPct, List<FieldViolation> v)
    {
        if (o is null) return null;
        var p = prefix + "avellaneda_stoikov.";
        var gamma = Decimal(o.RiskAversion, p + "risk_aversion", v, required: true, min: 0m, minExclusive: true, max: 1000m);
        var horizon = Duration(o.Horizon, p + "horizon", v, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        var halfLife = Duration(o.VolatilityHalfLife, p + "volatility_half_life", v, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        var depth = o.HasDepthLevels ? (int)Math.Min(o.DepthLevels, 1000) : 10;
        if (depth is < 1 or > 50) v.Add(new(p + "depth_levels", "must be 1-50"));
        var cap = Decimal(o.MaxSpreadPct, p + "max_spread_pct", v, min: 0m, minExclusive: true, max: 50m) ?? 2m;
        if (spreadPct is { } floor && cap < floor) v.Add(new(p + "max_spread_pct", $"must be at least spread_pct ({floor}), the model's floor"));
        return new AvellanedaStoikovConfig
        {
            RiskAversion = gamma ?? 1m,
            Horizon = horizon,
            VolatilityHalfLife = halfLife,
            DepthLevels = depth,
            MaxSpreadPct = cap,
        };
    }
}
