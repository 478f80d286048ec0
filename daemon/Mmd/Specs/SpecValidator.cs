using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;
using GrpcMM.Protos.V1;
using Mmd.Exchanges.Paper;
using Mmd.Trading.Primitives;
using Mmd.Trading.Risk;
using Mmd.Trading.Strategies;
using Mmd.Trading.Strategies.SpotMarketMaking;

namespace Mmd.Specs;

/// <summary>
/// Checks every field of an <see cref="InstanceSpec"/> and collects every violation (field paths as in
/// the proto, snake_case) before anything runs. The same rules serve the CLI and, later, the gRPC API.
/// </summary>
public static partial class SpecValidator
{
    public static IReadOnlyList<string> KnownVenues { get; } = ["paper", "backpack", "aster", "paradex", "lighter"];

    [GeneratedRegex("^[a-z][a-z0-9-]{0,19}$")]
    private static partial Regex NamePattern();

    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    /// <summary>What is wrong with an instance name: missing, or given and not a name (said with the name).</summary>
    public static string NameProblem(string name) =>
        (name.Length == 0 ? "required" : $"'{name}' is not an instance name") + ": 1-20 characters of a-z, 0-9 and '-', starting with a letter";

    public static ValidatedSpec Validate(InstanceSpec spec, string source, IReadOnlyDictionary<string, long>? lines = null)
    {
        var v = new List<FieldViolation>();
        var name = spec.Name;
        if (!NamePattern().IsMatch(name))
            v.Add(new("name", NameProblem(name)));

        var venue = spec.Venue.Length == 0 ? "paper" : spec.Venue;
        if (!KnownVenues.Contains(venue))
            v.Add(new("venue", $"unknown venue '{spec.Venue}' (available: {string.Join(", ", KnownVenues)})"));

        InstrumentSpec? instrument = null;
        if (spec.Symbol.Length == 0) v.Add(new("symbol", "required, e.g. SOL_USDC"));
        else if (venue == "paper" && (instrument = PaperMarkets.Find(spec.Symbol)) is null)
            v.Add(new("symbol", $"the paper venue has no symbol '{spec.Symbol}' (available: {string.Join(", ", PaperMarkets.All.Select(m => m.Spec.Symbol))})"));
        else if (venue == "paradex") _ = ValidateParadexSymbol(spec.Symbol, "symbol", v);
        else if (venue == "lighter") _ = ValidateLighterSymbol(spec.Symbol, "symbol", v);
        // A live venue's rules (tick, step, minimum) are read from it when the worker starts; its symbol says spot or perp.
        // Aster, Paradex and Lighter list perpetuals only (Lighter's spot markets are not traded here).
        var kind = instrument?.Kind ?? (venue is "aster" or "paradex" or "lighter" || spec.Symbol.EndsWith("_PERP", StringComparison.Ordinal) ? InstrumentKind.Perpetual : InstrumentKind.Spot);
        var hedgeMarket = spec.StrategyCase == InstanceSpec.StrategyOneofCase.MakerTakerHedge
            ? ValidateHedgeMarket(spec.MakerTakerHedge, venue, spec.Symbol, instrument, v)
            : null;
        var backpackTag = venue == "backpack" || hedgeMarket?.Venue == "backpack" ? ValidateBackpack(spec.Backpack ?? new BackpackVenueOptions(), name, v) : 0u;
        var aster = ValidateAster(spec.Aster ?? new AsterVenueOptions(), v);
        var (lighterDeadMan, lighterKey) = ValidateLighter(spec.Lighter ?? new LighterVenueOptions(), v);

        TimeSpan? duration = null;
        if (spec.Duration is { } d)
        {
            if (d.Seconds < 0 || d.Nanos < 0) v.Add(new("duration", "must not be negative"));
            else if (d.ToTimeSpan() > TimeSpan.Zero) duration = d.ToTimeSpan();
        }

        StrategyConfig? strategy = null;
        switch (spec.StrategyCase)
        {
            case InstanceSpec.StrategyOneofCase.SpotMarketMaking:
                strategy = ValidateSpot(spec.SpotMarketMaking, v);
                RequireKind(spec.Symbol, kind, InstrumentKind.Spot, "spot market making", v);
                break;
            case InstanceSpec.StrategyOneofCase.PerpMarketMaking:
                strategy = ValidatePerp(spec.PerpMarketMaking, instrument, v);
                RequireKind(spec.Symbol, kind, InstrumentKind.Perpetual, "perp market making", v);
                break;
            case InstanceSpec.StrategyOneofCase.SpotGrid:
                strategy = ValidateSpotGrid(spec.SpotGrid, v);
                RequireKind(spec.Symbol, kind, InstrumentKind.Spot, "the spot grid", v);
                break;
            case InstanceSpec.StrategyOneofCase.PerpGrid:
                strategy = ValidatePerpGrid(spec.PerpGrid, instrument, v);
                RequireKind(spec.Symbol, kind, InstrumentKind.Perpetual, "the perp grid", v);
                break;
            case InstanceSpec.StrategyOneofCase.MakerTakerHedge:
                // No hedge market and none refused: the hedges trade where the quotes rest.
                var oneMarket = hedgeMarket is null && !v.Any(x => x.Field.StartsWith("maker_taker_hedge.hedge_", StringComparison.Ordinal));
                strategy = ValidateHedge(spec.MakerTakerHedge, kind == InstrumentKind.Perpetual, oneMarket, v);
                break;
            default:
                v.Add(new("strategy", $"required: set one strategy ({string.Join(", ", StrategyNames)})"));
                break;
        }

        // A grid's orders rest far from the mid by design: its default band is wide enough for its range.
        var defaultBand = spec.StrategyCase is InstanceSpec.StrategyOneofCase.SpotGrid or InstanceSpec.StrategyOneofCase.PerpGrid ? 50m : 5m;
        var risk = ValidateRisk(spec.Risk ?? new GrpcMM.Protos.V1.RiskLimits(), defaultBand, v);
        var paper = ValidatePaper(spec.Paper ?? new PaperVenueOptions(), name, instrument, v);
        var supervision = ValidateSupervision(spec.Supervision ?? new SupervisionOptions(), v);
        var capital = ValidateCapital(spec, instrument, hedgeMarket, v);

        if (v.Count > 0) throw new InvalidSpecException(source, v, lines);
        return new ValidatedSpec(name, venue, spec.Symbol, duration, strategy!, risk, paper) {
            Supervision = supervision,
            HedgeMarket = hedgeMarket,
            BackpackClientIdTag = backpackTag,
            Aster = aster,
            LighterDeadManCountdown = lighterDeadMan,
            LighterApiKeyIndex = lighterKey,
            QuotingPaused = spec.QuotingPaused,
            Capital = capital,
            BackpackMarginFlags = spec.Backpack is { } b
                ? new Exchanges.Backpack.BackpackMarginFlags(b.HasAutoLend ? b.AutoLend : null, b.HasAutoLendRedeem ? b.AutoLendRedeem : null,
                    b.HasAutoBorrow ? b.AutoBorrow : null, b.HasAutoBorrowRepay ? b.AutoBorrowRepay : null)
                : new(),
        };
    }

    /// <summary>The strategy fields of <see cref="InstanceSpec"/>, as spelled in spec files.</summary>
    public static IReadOnlyList<string> StrategyNames { get; } = ["spot_market_making", "perp_market_making", "spot_grid", "perp_grid", "maker_taker_hedge"];

    private static void RequireKind(string symbol, InstrumentKind actual, InstrumentKind kind, string what, List<FieldViolation> v)
    {
        if (symbol.Length == 0 || actual == kind) return;
        v.Add(new("symbol", kind == InstrumentKind.Spot
            ? $"'{symbol}' is a perpetual; {what} needs a spot symbol"
            : $"'{symbol}' is a spot market; {what} needs a perpetual symbol"));
    }

    private static uint ValidateBackpack(BackpackVenueOptions o, string name, List<FieldViolation> v)
    {
        if (o.ClientIdTag > Exchanges.Backpack.BackpackClientIds.MaxTag)
            v.Add(new("backpack.client_id_tag", $"must be 1-{Exchanges.Backpack.BackpackClientIds.MaxTag} (0: derived from the name)"));
        return BackpackTagOf(o, name);
    }

    private static AsterVenue ValidateAster(AsterVenueOptions o, List<FieldViolation> v)
    {
        var signing = o.Signing.ToLowerInvariant() switch
        {
            "" or "v3" => Exchanges.Aster.AsterSigning.V3,
            "v1" => Exchanges.Aster.AsterSigning.V1,
            _ => (Exchanges.Aster.AsterSigning?)null,
        };
        if (signing is null) v.Add(new("aster.signing", $"'{o.Signing}' is not a signing scheme: v3 (EIP-712, the default) or v1 (HMAC)"));
        var seconds = o.HasDeadManSwitchSeconds ? o.DeadManSwitchSeconds : 60u;
        if (seconds is > 0 and < 5 or > 3600) v.Add(new("aster.dead_man_switch_seconds", "must be 0 (off) or 5-3600"));
        return new AsterVenue(signing ?? Exchanges.Aster.AsterSigning.V3, TimeSpan.FromSeconds(seconds), o.Testnet);
    }

    private static (TimeSpan DeadManCountdown, int? ApiKeyIndex) ValidateLighter(LighterVenueOptions o, List<FieldViolation> v)
    {
        if (o.DeadManSwitchSeconds is > 0 and < 310 or > 1_296_000)
            v.Add(new("lighter.dead_man_switch_seconds", "must be 0 (off) or 310-1296000: Lighter schedules its cancel-all 5 minutes to 15 days ahead"));
        if (o.HasApiKeyIndex && o.ApiKeyIndex > 254)
            v.Add(new("lighter.api_key_index", "must be an API key index, 0-254 (Lighter's own apps use 0-2)"));
        return (TimeSpan.FromSeconds(o.DeadManSwitchSeconds), o.HasApiKeyIndex ? (int)o.ApiKeyIndex : null);
    }

    /// <summary>Paradex names its perpetuals BASE-QUOTE-PERP (SOL-USD-PERP); its options markets (…-PERP-OPTION) are not traded.</summary>
    private static bool ValidateParadexSymbol(string symbol, string field, List<FieldViolation> v)
    {
        if (ParadexSymbolPattern().IsMatch(symbol)) return true;
        v.Add(new(field, $"'{symbol}' is not a Paradex perpetual: Paradex names them BASE-QUOTE-PERP, e.g. SOL-USD-PERP"));
        return false;
    }

    [GeneratedRegex("^[A-Z0-9]+-[A-Z0-9]+-PERP$")]
    private static partial Regex ParadexSymbolPattern();

    /// <summary>Lighter names its perpetuals by the base asset alone (SOL, ETH, 1000PEPE).</summary>
    private static bool ValidateLighterSymbol(string symbol, string field, List<FieldViolation> v)
    {
        if (LighterSymbolPattern().IsMatch(symbol)) return true;
        v.Add(new(field, $"'{symbol}' is not a Lighter perpetual: Lighter names them by the base asset, e.g. SOL"));
        return false;
    }

    [GeneratedRegex("^[A-Z0-9]{1,20}$")]
    private static partial Regex LighterSymbolPattern();

    /// <summary>The Backpack client-id tag an instance numbers its orders in: the spec's, else one derived from its name.</summary>
    /// <summary>True when the instance quotes on <paramref name="venue"/>, or sends a cross-market hedge's orders there.</summary>
    public static bool TradesOn(InstanceSpec spec, string venue) => spec.Venue == venue || spec.MakerTakerHedge?.HedgeVenue == venue;

    public static uint BackpackTagOf(BackpackVenueOptions? o, string name) =>
        o?.ClientIdTag is > 0 and <= Exchanges.Backpack.BackpackClientIds.MaxTag ? o.ClientIdTag : Exchanges.Backpack.BackpackClientIds.DefaultTag(name);

    private static SpotMarketMakerConfig ValidateSpot(SpotMarketMakingConfig c, List<FieldViolation> v)
    {
        const string p = "spot_market_making.";
        var spread = Decimal(c.SpreadPct, p + "spread_pct", v, required: true, min: 0m, minExclusive: true, max: 50m);
        var quantity = Decimal(c.OrderQuantity, p + "order_quantity", v, min: 0m, minExclusive: true);
        var levels = c.HasLevels ? (int)Math.Min(c.Levels, 1000) : 3;
        if (levels is < 1 or > 20) v.Add(new(p + "levels", "must be 1-20"));
        var target = Decimal(c.BaseTargetPct, p + "base_target_pct", v, min: 0m, max: 100m) ?? 30m;
        var threshold = Decimal(c.RebalanceThresholdPct, p + "rebalance_threshold_pct", v, min: 0m, minExclusive: true, max: 100m) ?? 15m;
        var interval = Duration(c.Interval, p + "interval", v, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        var tolerance = Decimal(c.RefreshTolerancePct, p + "refresh_tolerance_pct", v, min: 0m, max: 50m) ?? 0.05m;
        if (spread is { } s && tolerance > s) v.Add(new(p + "refresh_tolerance_pct", $"must not exceed spread_pct ({s}): quotes would never be refreshed"));
        return new SpotMarketMakerConfig
        {
            SpreadPct = spread ?? 0m,
            OrderQuantity = quantity,
            Levels = levels,
            RebalanceEnabled = !c.HasRebalanceEnabled || c.RebalanceEnabled,
            BaseTargetPct = target,
            RebalanceThresholdPct = threshold,
            AvellanedaStoikov = ValidateModel(c.AvellanedaStoikov, p, spread, v),
            Interval = interval,
            RefreshTolerancePct = tolerance,
        };
    }

    private static Trading.Risk.RiskLimits ValidateRisk(GrpcMM.Protos.V1.RiskLimits r, decimal defaultBand, List<FieldViolation> v)
    {
        const string p = "risk.";
        if (r.MaxOrdersPerSecond > 1000) v.Add(new(p + "max_orders_per_second", "must be at most 1000 (0 means 20)"));
        return new Trading.Risk.RiskLimits
        {
            MaxPosition = Decimal(r.MaxPosition, p + "max_position", v, min: 0m, minExclusive: true),
            MaxOrderNotional = Decimal(r.MaxOrderNotional, p + "max_order_notional", v, min: 0m, minExclusive: true),
            MaxOrdersPerSecond = r.MaxOrdersPerSecond == 0 ? 20 : (int)Math.Min(r.MaxOrdersPerSecond, 1000),
            PriceBandPct = Decimal(r.PriceBandPct, p + "price_band_pct", v, min: 0m, minExclusive: true, max: 100m) ?? defaultBand,
            MaxDrawdown = Decimal(r.MaxDrawdown, p + "max_drawdown", v, min: 0m, minExclusive: true),
            MaxDailyLoss = Decimal(r.MaxDailyLoss, p + "max_daily_loss", v, min: 0m, minExclusive: true),
        };
    }

    private static PaperSettings ValidatePaper(PaperVenueOptions o, string name, InstrumentSpec? instrument, List<FieldViolation> v)
    {
        const string p = "paper.";
        var start = Decimal(o.StartPrice, p + "start_price", v, min: 0m, minExclusive: true);
        var balances = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (asset, amount) in o.InitialBalances)
            if (Decimal(amount, $"{p}initial_balances[{asset}]", v, required: true, min: 0m) is { } value) balances[asset] = value;
        var account = o.Account.Length == 0 ? name : o.Account;
        if (o.Account.Length > 0 && !NamePattern().IsMatch(o.Account)) v.Add(new(p + "account", "1-20 characters of a-z, 0-9 and '-', starting with a letter"));
        var points = new List<(TimeSpan, decimal)>();
        for (var i = 0; i < o.PricePath.Count; i++)
        {
            var point = o.PricePath[i];
            var at = point.At is null ? TimeSpan.Zero : point.At.ToTimeSpan();
            if (at < TimeSpan.Zero) v.Add(new($"{p}price_path[{i}].at", "must not be negative"));
            else if (points.Count > 0 && at < points[^1].Item1) v.Add(new($"{p}price_path[{i}].at", "points must be in time order"));
            if (Decimal(point.Price, $"{p}price_path[{i}].price", v, required: true, min: 0m, minExclusive: true) is { } price) points.Add((at, price));
        }
        var paths = new Dictionary<string, PricePath>(StringComparer.Ordinal);
        if (points.Count > 0 && points.Count == o.PricePath.Count && instrument is not null) paths[instrument.Symbol] = new PricePath(points);
        return new PaperSettings
        {
            PricePaths = paths,
            Account = account,
            Seed = o.Seed == 0 ? 1 : o.Seed,
            StartPrices = start is { } s && instrument is not null ? new Dictionary<string, decimal> { [instrument.Symbol] = s } : new Dictionary<string, decimal>(),
            VolatilityPct = Decimal(o.VolatilityPct, p + "volatility_pct", v, min: 0m, max: 10m) ?? 0.02m,
            Tick = Duration(o.Tick, p + "tick", v, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(60)),
            InitialBalances = balances,
            MakerFeeRate = Decimal(o.MakerFeeRate, p + "maker_fee_rate", v, min: -0.01m, max: 0.1m) ?? 0.0002m,
            TakerFeeRate = Decimal(o.TakerFeeRate, p + "taker_fee_rate", v, min: -0.01m, max: 0.1m) ?? 0.0005m,
            FlowRate = Decimal(o.FlowRate, p + "flow_rate", v, min: 0m, max: 1000m) ?? 2m,
            FundingRatePct = Decimal(o.FundingRatePct, p + "funding_rate_pct", v, min: -1m, max: 1m) ?? 0.01m,
            FundingInterval = Duration(o.FundingInterval, p + "funding_interval", v, TimeSpan.FromHours(8), TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
            SelfTrades = o.SelfTrades,
        };
    }

    /// <summary>
    /// The capital's assets and amounts. On paper the markets are known here, so an asset the instance does not size from is
    /// named now; a live venue's assets are read from it when the worker starts, which refuses such a capital then.
    /// </summary>
    private static Dictionary<string, decimal> ValidateCapital(InstanceSpec spec, InstrumentSpec? instrument, HedgeTarget? hedge, List<FieldViolation> v)
    {
        var capital = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (asset, amount) in spec.Capital)
        {
            var field = $"capital[{asset}]";
            if (!AssetPattern().IsMatch(asset)) v.Add(new(field, $"'{asset}' is not an asset as venues name them: 1-20 capital letters and digits, e.g. USDC"));
            else if (Decimal(amount, field, v, required: true, min: 0m) is { } value) capital[asset] = value;
        }
        if (capital.Count == 0 || instrument is null || capital.Count < spec.Capital.Count) return capital;
        // A hedge market on paper trades on the same paper account: the balances the instance sizes from are its too.
        var hedgeInstrument = hedge is { Venue: "paper" } ? PaperMarkets.Find(hedge.Symbol) : null;
        if (new Trading.Risk.CapitalAllotment(capital).Mismatch(hedgeInstrument is null ? [instrument] : [instrument, hedgeInstrument]) is { } why)
            v.Add(new("capital", why));
        return capital;
    }

    [GeneratedRegex("^[A-Z0-9]{1,20}$")]
    private static partial Regex AssetPattern();

    private static SupervisionOverrides ValidateSupervision(SupervisionOptions o, List<FieldViolation> v)
    {
        const string p = "supervision.";
        if (!System.Enum.IsDefined(o.RestartPolicy)) v.Add(new(p + "restart_policy", $"unknown restart policy {(int)o.RestartPolicy}"));
        TimeSpan? Optional(Duration? d, string field, TimeSpan min, TimeSpan max) =>
            d is null || (d.Seconds == 0 && d.Nanos == 0) ? null : Duration(d, field, v, TimeSpan.Zero, min, max);
        var initial = Optional(o.InitialBackoff, p + "initial_backoff", TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        var max = Optional(o.MaxBackoff, p + "max_backoff", TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(24));
        if (initial is { } i && max is { } m && m < i) v.Add(new(p + "max_backoff", "must be at least initial_backoff"));
        if (o.MemoryLimitMb is > 0 and < 64) v.Add(new(p + "memory_limit_mb", "must be 0 (the daemon's default) or at least 64"));
        return new SupervisionOverrides(
            o.RestartPolicy == RestartPolicy.Unspecified ? null : o.RestartPolicy,
            initial, max,
            Optional(o.ResetAfter, p + "reset_after", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
            o.MemoryLimitMb == 0 ? null : (int)o.MemoryLimitMb,
            Optional(o.StopTimeout, p + "stop_timeout", TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)));
    }

    /// <summary>Parses a decimal string ("" is unset); plain notation only: digits, one point, an optional sign.</summary>
    internal static decimal? Decimal(string text, string field, List<FieldViolation> v, bool required = false,
        decimal? min = null, bool minExclusive = false, decimal? max = null)
    {
        if (text.Length == 0)
        {
            if (required) v.Add(new(field, "required"));
            return null;
        }
        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            v.Add(new(field, $"'{text}' is not a decimal number"));
            return null;
        }
        if (min is { } lo && (minExclusive ? value <= lo : value < lo))
        {
            v.Add(new(field, minExclusive ? $"must be greater than {lo}" : $"must be at least {lo}"));
            return null;
        }
        if (max is { } hi && value > hi)
        {
            v.Add(new(field, $"must be at most {hi}"));
            return null;
        }
        return value;
    }

    private static TimeSpan Duration(Duration? d, string field, List<FieldViolation> v, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        if (d is null || (d.Seconds == 0 && d.Nanos == 0)) return fallback;
        var value = d.ToTimeSpan();
        if (value < min || value > max)
        {
            v.Add(new(field, $"must be between {min} and {max}"));
            return fallback;
        }
        return value;
    }
}
