using GrpcMM.Protos.V1;
using Mmd.Supervision;

namespace Mmd.Specs;

/// <summary>
/// Live changes to an instance's spec (grid range, market-making parameters): applied to a copy, validated as a whole
/// spec, with violations named by the request's own fields.
/// </summary>
public static class SpecEdits
{
    public static InstanceSpec AdjustGrid(InstanceSpec spec, AdjustGridRange adjust)
    {
        if (spec.StrategyCase is not (InstanceSpec.StrategyOneofCase.SpotGrid or InstanceSpec.StrategyOneofCase.PerpGrid))
            throw new InstancePreconditionException($"instance '{spec.Name}' runs {StrategyName(spec)}; adjust_grid is for grids");
        var missing = new List<FieldViolation>();
        if (adjust.LowerPrice.Length == 0) missing.Add(new("adjust_grid.lower_price", "required"));
        if (adjust.UpperPrice.Length == 0) missing.Add(new("adjust_grid.upper_price", "required"));
        var edited = spec.Clone();
        if (edited.StrategyCase == InstanceSpec.StrategyOneofCase.SpotGrid)
        {
            edited.SpotGrid.LowerPrice = adjust.LowerPrice;
            edited.SpotGrid.UpperPrice = adjust.UpperPrice;
            edited.SpotGrid.AutoPriceRange = false;
            return Validated(edited, [("spot_grid.", "adjust_grid.")], missing);
        }
        edited.PerpGrid.LowerPrice = adjust.LowerPrice;
        edited.PerpGrid.UpperPrice = adjust.UpperPrice;
        edited.PerpGrid.AutoPriceRange = false;
        return Validated(edited, [("perp_grid.", "adjust_grid.")], missing);
    }

    /// <summary>The spec with quoting paused or not: a pause is part of the spec, so it holds across every restart.</summary>
    public static InstanceSpec Paused(InstanceSpec spec, bool paused)
    {
        var edited = spec.Clone();
        edited.QuotingPaused = paused;
        return edited;
    }

    /// <summary>
    /// The spec a worker trades with after it applied a live strategy change (mmctl set, grid adjust): its own, with
    /// the strategy section and the capital of <paramref name="changed"/>; the rest of <paramref name="changed"/> waits for a restart.
    /// </summary>
    private static InstanceSpec WithStrategyOf(InstanceSpec spec, InstanceSpec changed)
    {
        var edited = spec.Clone();
        edited.Capital.Clear();
        edited.Capital.Add(changed.Capital);
        switch (changed.StrategyCase)
        {
            case InstanceSpec.StrategyOneofCase.SpotMarketMaking: edited.SpotMarketMaking = changed.SpotMarketMaking.Clone(); break;
            case InstanceSpec.StrategyOneofCase.PerpMarketMaking: edited.PerpMarketMaking = changed.PerpMarketMaking.Clone(); break;
            case InstanceSpec.StrategyOneofCase.SpotGrid: edited.SpotGrid = changed.SpotGrid.Clone(); break;
            case InstanceSpec.StrategyOneofCase.PerpGrid: edited.PerpGrid = changed.PerpGrid.Clone(); break;
            case InstanceSpec.StrategyOneofCase.MakerTakerHedge: edited.MakerTakerHedge = changed.MakerTakerHedge.Clone(); break;
        }
        return edited;
    }

    /// <summary>Whether two specs' strategy sections say the same (a change of the capital alone leaves the strategy as it is).</summary>
    public static bool SameStrategy(InstanceSpec a, InstanceSpec b) => a.StrategyCase == b.StrategyCase && Equals(StrategySection(a), StrategySection(b));

    private static Google.Protobuf.IMessage? StrategySection(InstanceSpec spec) => spec.StrategyCase switch
    {
        InstanceSpec.StrategyOneofCase.SpotMarketMaking => spec.SpotMarketMaking,
        InstanceSpec.StrategyOneofCase.PerpMarketMaking => spec.PerpMarketMaking,
        InstanceSpec.StrategyOneofCase.SpotGrid => spec.SpotGrid,
        InstanceSpec.StrategyOneofCase.PerpGrid => spec.PerpGrid,
        InstanceSpec.StrategyOneofCase.MakerTakerHedge => spec.MakerTakerHedge,
        _ => null,
    };

    /// <summary>
    /// The spec a worker trades with once it applied <paramref name="command"/> (the daemon records the same to tell a
    /// pending restart): a pause or a cancel-all pauses, a resume resumes, new parameters change the strategy section only.
    /// </summary>
    /// <param name="changed">The instance's spec the command carried (for new parameters).</param>
    public static InstanceSpec Applied(InstanceSpec running, GrpcMM.Protos.Worker.V1.StrategyCommand command, InstanceSpec? changed) => command.KindCase switch
    {
        GrpcMM.Protos.Worker.V1.StrategyCommand.KindOneofCase.Pause or GrpcMM.Protos.Worker.V1.StrategyCommand.KindOneofCase.CancelAllOnSymbol => Paused(running, true),
        GrpcMM.Protos.Worker.V1.StrategyCommand.KindOneofCase.Resume => Paused(running, false),
        GrpcMM.Protos.Worker.V1.StrategyCommand.KindOneofCase.SpecJson when changed is not null => WithStrategyOf(running, changed),
        _ => running,
    };

    /// <summary>
    /// What a worker trades with, as text to compare: the spec without its supervision section, which is the daemon's
    /// (restart policy, backoff, memory limit, stop timeout take effect at once, with no restart).
    /// </summary>
    public static string TradingJson(InstanceSpec spec)
    {
        if (spec.Supervision is null) return InstanceSpecJson.Format(spec);
        var trading = spec.Clone();
        trading.Supervision = null;
        return InstanceSpecJson.Format(trading);
    }

    public static InstanceSpec Update(InstanceSpec spec, UpdateParameters update)
    {
        var parameters = update.SpreadPct.Length > 0 || update.OrderQuantity.Length > 0 || update.HasLevels;
        if (!parameters && update.Capital.Count == 0)
            throw new InvalidRequestException([new("update", "set at least one of spread_pct, order_quantity, levels, capital")]);
        var edited = spec.Clone();
        foreach (var (asset, amount) in update.Capital) edited.Capital[asset] = amount;
        if (!parameters) return Validated(edited, [("capital", "update.capital")]);
        string prefix;
        switch (edited.StrategyCase)
        {
            case InstanceSpec.StrategyOneofCase.SpotMarketMaking:
                prefix = "spot_market_making.";
                if (update.SpreadPct.Length > 0) edited.SpotMarketMaking.SpreadPct = update.SpreadPct;
                if (update.OrderQuantity.Length > 0) edited.SpotMarketMaking.OrderQuantity = update.OrderQuantity;
                if (update.HasLevels) edited.SpotMarketMaking.Levels = update.Levels;
                break;
            case InstanceSpec.StrategyOneofCase.PerpMarketMaking:
                prefix = "perp_market_making.";
                if (update.SpreadPct.Length > 0) edited.PerpMarketMaking.SpreadPct = update.SpreadPct;
                if (update.OrderQuantity.Length > 0) edited.PerpMarketMaking.OrderQuantity = update.OrderQuantity;
                if (update.HasLevels) edited.PerpMarketMaking.Levels = update.Levels;
                break;
            default:
                throw new InstancePreconditionException($"instance '{spec.Name}' runs {StrategyName(spec)}; update changes a market maker's spread, size or levels");
        }
        return Validated(edited, [(prefix, "update."), ("capital", "update.capital")]);
    }

    /// <param name="prefixes">The spec's fields the request sets, and what the request calls them.</param>
    /// <param name="known">Violations found before validation; the validator's findings on those fields are left out.</param>
    private static InstanceSpec Validated(InstanceSpec edited, (string Spec, string Request)[] prefixes, List<FieldViolation>? known = null)
    {
        var violations = known ?? [];
        try
        {
            SpecValidator.Validate(edited, "request");
        }
        catch (InvalidSpecException ex)
        {
            // The operator typed the request's fields: name those, not the spec's.
            foreach (var v in ex.Violations)
            {
                var named = prefixes.FirstOrDefault(p => v.Field.StartsWith(p.Spec, StringComparison.Ordinal)) is { Spec: not null } p
                    ? v with { Field = p.Request + v.Field[p.Spec.Length..] }
                    : v;
                if (!violations.Any(k => k.Field == named.Field)) violations.Add(named);
            }
        }
        if (violations.Count > 0) throw new InvalidRequestException(violations);
        return edited;
    }

    internal static string StrategyName(InstanceSpec spec) => spec.StrategyCase switch
    {
        InstanceSpec.StrategyOneofCase.SpotMarketMaking => "spot_market_making",
        InstanceSpec.StrategyOneofCase.PerpMarketMaking => "perp_market_making",
        InstanceSpec.StrategyOneofCase.SpotGrid => "spot_grid",
        InstanceSpec.StrategyOneofCase.PerpGrid => "perp_grid",
        InstanceSpec.StrategyOneofCase.MakerTakerHedge => "maker_taker_hedge",
        _ => "no strategy",
    };
}
