using System.CommandLine;
using Google.Protobuf;
using GrpcMM.Protos.V1;
using Mmd.Specs;

namespace Mmd.Hosting;

/// <summary>
/// The seed's command-line flags for <c>mmd run</c>, for every strategy. <c>--strategy</c> (standard, maker_hedge, grid,
/// perp_grid) with <c>--market-type</c> (spot, perp; default: from the symbol) picks the strategy as the seed did; each
/// strategy flag sets the field of the same meaning in that strategy's config, and a flag the strategy has no field for
/// is an error, not silently ignored.
/// </summary>
internal sealed class RunFlags
{
    /// <summary>Flag -> the config field it sets (proto names); the field's type says how the value is read.</summary>
    private static readonly (string Flag, string Field, string Description)[] Fields =
    [
        ("--spread", "spread_pct", "Spread in % of mid (0.2 = 0.2 %)"),
        ("--quantity", "order_quantity", "Fixed order quantity, or auto (default: auto)"),
        ("--levels", "levels", "Quote levels per side (seed --max-orders), or grid levels"),
        ("--base-asset-target", "base_target_pct", "Base asset share of portfolio value, % (default 30)"),
        ("--rebalance-threshold", "rebalance_threshold_pct", "Deviation that triggers a rebalance, % (default 15)"),
        ("--interval", "interval", "Forced refresh: a quote is replaced once it has rested this long (default 60s)"),
        ("--refresh-tolerance", "refresh_tolerance_pct", "Keep a quote while within this % of its desired price (default 0.05)"),
        ("--target-position", "target_position", "Perp: position kept before reducing (default 0)"),
        ("--max-position", "max_position", "Perp: cap on |position| (default 1)"),
        ("--position-threshold", "position_threshold", "Perp: slack above the target before reducing (default 0.1)"),
        ("--inventory-skew", "inventory_skew", "Perp: 0-1, quotes move skew x mid at a full position"),
        ("--stop-loss", "stop_loss", "Perp: close the position at this unrealized loss (quote units)"),
        ("--take-profit", "take_profit", "Perp: close the position at this unrealized gain (quote units)"),
        ("--grid-upper", "upper_price", "Grid: upper bound"),
        ("--grid-lower", "lower_price", "Grid: lower bound"),
        ("--grid-num", "levels", "Grid: price levels, both bounds included (default 10)"),
        ("--price-range", "price_range_pct", "Grid: auto range, mid -/+ this % (default 5)"),
        ("--grid-mode", "mode", "Grid: arithmetic or geometric"),
        ("--grid-type", "type", "Perp grid: neutral, long or short"),
        ("--boundary-action", "boundary_action", "Perp grid: emergency_close, adjust_range or stop_only"),
        ("--boundary-tolerance", "boundary_tolerance", "Perp grid: how far past a bound, as a fraction, before the action (default 0.001)"),
    ];

    /// <summary>Switches: flag -> (bool field, value it sets).</summary>
    private static readonly (string Flag, string Field, bool Value, string Description)[] Switches =
    [
        ("--enable-rebalance", "rebalance_enabled", true, "Rebalance inventory toward the base target (default)"),
        ("--disable-rebalance", "rebalance_enabled", false, "Do not rebalance inventory"),
        ("--auto-price", "auto_price_range", true, "Grid: place the range around the mid at start"),
        ("--enable-boundary-check", "disable_boundary_check", false, "Perp grid: check the range (default)"),
        ("--disable-boundary-check", "disable_boundary_check", true, "Perp grid: do not check the range"),
    ];

    private readonly Option<string?> _strategy = new("--strategy") { Description = "standard (default), maker_hedge, grid or perp_grid, as the seed" };
    private readonly Option<string?> _marketType = new("--market-type") { Description = "spot or perp (default: from the symbol)" };
    private readonly List<(Option<string?> Option, string Field)> _values = [];
    private readonly List<(Option<bool> Option, string Field, bool Value)> _switches = [];

    public RunFlags()
    {
        foreach (var (flag, field, description) in Fields)
            _values.Add((flag == "--levels" ? new Option<string?>(flag, "--max-orders") { Description = description } : new Option<string?>(flag) { Description = description }, field));
        foreach (var (flag, field, value, description) in Switches) _switches.Add((new Option<bool>(flag) { Description = description }, field, value));
    }

    public IEnumerable<Option> Options => new Option[] { _strategy, _marketType }.Concat(_values.Select(v => v.Option)).Concat(_switches.Select(s => s.Option));

    /// <summary>Sets the chosen strategy's fields from the flags; every problem is added to <paramref name="errors"/>.</summary>
    public void Apply(InstanceSpec spec, ParseResult r, List<FieldViolation> errors)
    {
        var given = _values.Where(v => r.GetValue(v.Option) is not null).ToList();
        var switched = _switches.Where(s => r.GetValue(s.Option)).ToList();
        var chosen = Choose(spec, r, errors);
        if (chosen is null) return;
        if (spec.StrategyCase != chosen) SetStrategy(spec, chosen.Value);
        var (config, prefix) = Config(spec);

        foreach (var pair in switched.GroupBy(s => s.Field).Where(g => g.Select(s => s.Value).Distinct().Count() > 1))
            errors.Add(new(prefix + pair.Key, $"{string.Join(" and ", pair.Select(s => s.Option.Name))} cannot both be given"));
        foreach (var (option, field, value) in switched)
        {
            if (config.Descriptor.FindFieldByName(field) is not { } f) { errors.Add(NotFor(option.Name, prefix)); continue; }
            f.Accessor.SetValue(config, value);
        }
        foreach (var (option, field) in given)
        {
            var text = r.GetValue(option)!;
            if (config.Descriptor.FindFieldByName(field) is not { } f) { errors.Add(NotFor(option.Name, prefix)); continue; }
            SpecFieldText.Set(config, f, prefix + field, text, errors);
        }
    }

    private static FieldViolation NotFor(string flag, string prefix) => new(flag, $"does not apply to {prefix.TrimEnd('.')}");

    /// <summary>The strategy the flags ask for; null when they ask for none (the spec's stays).</summary>
    private InstanceSpec.StrategyOneofCase? Choose(InstanceSpec spec, ParseResult r, List<FieldViolation> errors)
    {
        var marketType = r.GetValue(_marketType);
        if (marketType is not (null or "spot" or "perp")) { errors.Add(new("--market-type", $"'{marketType}' is not spot or perp")); return null; }
        var perp = marketType is null ? spec.Symbol.EndsWith("_PERP", StringComparison.Ordinal) : marketType == "perp";
        switch (r.GetValue(_strategy))
        {
            case null:
                return spec.StrategyCase != InstanceSpec.StrategyOneofCase.None ? spec.StrategyCase
                    : perp ? InstanceSpec.StrategyOneofCase.PerpMarketMaking : InstanceSpec.StrategyOneofCase.SpotMarketMaking;
            case "standard": return perp ? InstanceSpec.StrategyOneofCase.PerpMarketMaking : InstanceSpec.StrategyOneofCase.SpotMarketMaking;
            case "maker_hedge": return InstanceSpec.StrategyOneofCase.MakerTakerHedge;
            // The seed ran its spot grid for `--strategy grid --market-type perp` (§9.2.19): a perp grid it is here.
            case "grid": return perp ? InstanceSpec.StrategyOneofCase.PerpGrid : InstanceSpec.StrategyOneofCase.SpotGrid;
            case "perp_grid": return InstanceSpec.StrategyOneofCase.PerpGrid;
            case var other:
                errors.Add(new("--strategy", $"'{other}' is not standard, maker_hedge, grid or perp_grid"));
                return null;
        }
    }

    private static void SetStrategy(InstanceSpec spec, InstanceSpec.StrategyOneofCase strategy)
    {
        switch (strategy)
        {
            case InstanceSpec.StrategyOneofCase.SpotMarketMaking: spec.SpotMarketMaking = new SpotMarketMakingConfig(); break;
            case InstanceSpec.StrategyOneofCase.PerpMarketMaking: spec.PerpMarketMaking = new PerpMarketMakingConfig(); break;
            case InstanceSpec.StrategyOneofCase.SpotGrid: spec.SpotGrid = new SpotGridConfig(); break;
            case InstanceSpec.StrategyOneofCase.PerpGrid: spec.PerpGrid = new PerpGridConfig(); break;
            case InstanceSpec.StrategyOneofCase.MakerTakerHedge: spec.MakerTakerHedge = new MakerTakerHedgeConfig(); break;
        }
    }

    private static (IMessage Config, string Prefix) Config(InstanceSpec spec) => spec.StrategyCase switch
    {
        InstanceSpec.StrategyOneofCase.SpotMarketMaking => (spec.SpotMarketMaking, "spot_market_making."),
        InstanceSpec.StrategyOneofCase.PerpMarketMaking => (spec.PerpMarketMaking, "perp_market_making."),
        InstanceSpec.StrategyOneofCase.SpotGrid => (spec.SpotGrid, "spot_grid."),
        InstanceSpec.StrategyOneofCase.PerpGrid => (spec.PerpGrid, "perp_grid."),
        _ => (spec.MakerTakerHedge, "maker_taker_hedge."),
    };
}
