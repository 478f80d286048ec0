using GrpcMM.Protos.V1;
using Mmd.Hosting;
using Mmd.Specs;
using Mmd.TestKit;

namespace Mmd.Daemon.Tests;

/// <summary><c>mmd backtest --vary</c>: a spec once per combination of the values given, or a violation per bad part.</summary>
public class BacktestVariationsTests
{
    private const string Source = "paper-spot-mm.json";

    private static InstanceSpec Template(out IReadOnlyDictionary<string, long> lines) =>
        InstanceSpecJson.Parse(Source, File.ReadAllBytes(Repository.Combine("daemon", "templates", Source)), out lines);

    private static (IReadOnlyList<SpecVariant> Variants, List<FieldViolation> Errors) Expand(params string[] varies)
    {
        var spec = Template(out var lines);
        var errors = new List<FieldViolation>();
        return (BacktestVariations.Expand(spec, varies, Source, lines, errors), errors);
    }

    [Fact]
    public void EveryCombination_InTheOrderGiven_EachValueReadAsItsFieldsType_ByProtoJsonOrBareName()
    {
        var (variants, errors) = Expand("spread_pct=0.1,0.3", "spotMarketMaking.levels=2,4", "risk.max_position=7", "spot_market_making.interval=90s");

        Assert.Empty(errors);
        Assert.Equal(["spread_pct=0.1 spotMarketMaking.levels=2 risk.max_position=7 spot_market_making.interval=90s",
            "spread_pct=0.1 spotMarketMaking.levels=4 risk.max_position=7 spot_market_making.interval=90s",
            "spread_pct=0.3 spotMarketMaking.levels=2 risk.max_position=7 spot_market_making.interval=90s",
            "spread_pct=0.3 spotMarketMaking.levels=4 risk.max_position=7 spot_market_making.interval=90s"], variants.Select(v => v.Label));
        var last = variants[^1];
        Assert.Equal("spot_market_making.spread_pct", last.Settings[0].Path);
        var strategy = Assert.IsType<Mmd.Trading.Strategies.SpotMarketMaking.SpotMarketMakerConfig>(last.Spec.Strategy);
        Assert.Equal(0.3m, strategy.SpreadPct);
        Assert.Equal(4, strategy.Levels);
        Assert.Equal(TimeSpan.FromSeconds(90), strategy.Interval);
        Assert.Equal("0.3", last.Proto.SpotMarketMaking.SpreadPct); // as it would be written
        Assert.Equal(7m, last.Spec.Risk.MaxPosition);
        // What is not varied is the file's.
        Assert.Equal(0.5m, strategy.OrderQuantity);
        Assert.Equal(42UL, last.Spec.Paper.Seed);
    }

    [Fact]
    public void AMalformedVary_AFieldTheSpecLacks_OrOneNotToVary_IsNamed_AndNothingRuns()
    {
        var (variants, errors) = Expand("x", "levels=", "risk.foo=1", "perpGrid.levels=3", "paper.initialBalances=1", "risk=1", "duration=3", "paper.seed=1,2",
            "levels=2,2", "spread_pct=0.1", "spreadPct=0.2");

        Assert.Empty(variants);
        Assert.Equal([
            ("--vary", "'x' is not PATH=VALUE[,VALUE...] (e.g. spot_market_making.spread_pct=0.1,0.2,0.3)"),
            ("--vary", "'levels=' is not PATH=VALUE[,VALUE...] (e.g. spot_market_making.spread_pct=0.1,0.2,0.3)"),
            ("--vary", "risk.foo: risk has no field 'foo' (it has max_position, max_order_notional, max_orders_per_second, price_band_pct, max_drawdown, max_daily_loss)"),
            ("--vary", "perpGrid.levels: the spec's strategy is spot_market_making, so perp_grid does not apply"),
            ("--vary", "paper.initialBalances: paper.initial_balances is a list: set it in the spec file"),
            ("--vary", "risk: risk holds fields, not a value: name one of them"),
            ("--vary", "duration is not varied: --for sets the span"),
            ("--vary", "paper.seed is not varied: --seeds runs several"),
            ("--vary", "'levels=2,2' gives a value twice"),
            ("--vary", "spot_market_making.spread_pct is varied twice: give its values in one --vary"),
        ], errors.Select(e => (e.Field, e.Description)));
    }

    [Fact]
    public void MoreThanAHundredCombinations_AreRefused()
    {
        var (variants, errors) = Expand("spread_pct=" + string.Join(',', Enumerable.Range(1, 11).Select(i => $"0.{i:00}")), "levels=" + string.Join(',', Enumerable.Range(1, 10)));

        Assert.Empty(variants);
        Assert.Equal(("--vary", "110 combinations: at most 100"), (errors.Single().Field, errors.Single().Description));
    }

    [Fact]
    public void AValueItsFieldCannotHold_OrTheValidatorRefuses_IsSaidOnce_AsTheVaryThatGaveIt_WithNoLineOfTheFile()
    {
        var (variants, errors) = Expand("spread_pct=abc,-2,0.2", "levels=2,x", "risk.maxPosition=1,2");
        Assert.Empty(variants);
        Assert.Equal([("--vary levels", "'x' is not a whole number")], errors.Select(e => (e.Field, e.Description)));

        (variants, errors) = Expand("spread_pct=abc,-2,0.2", "risk.maxPosition=1,2");
        Assert.Empty(variants);
        Assert.Equal([("--vary spread_pct", "'abc' is not a decimal number"), ("--vary spread_pct", "must be greater than 0 (with spread_pct=-2)")],
            errors.Select(e => (e.Field, e.Description)));
        Template(out var lines);
        var described = new InvalidSpecException(Source, errors, lines).Describe().ToList();
        Assert.All(described, d => Assert.StartsWith($"{Source}: --vary spread_pct: ", d, StringComparison.Ordinal)); // the value is not the file's
    }

    [Fact]
    public void ARefusalOfTheSpecItself_IsSaidOnce_WithItsLine_AndOneOnlySomeVariantsMeet_WithTheirSettings()
    {
        var spec = Template(out var lines);
        spec.SpotMarketMaking.BaseTargetPct = "150"; // the file's own mistake, whatever is varied
        var errors = new List<FieldViolation>();
        Assert.Empty(BacktestVariations.Expand(spec, ["levels=2,3"], Source, lines, errors));
        var own = Assert.Single(errors);
        Assert.Equal("spot_market_making.base_target_pct", own.Field);
        Assert.DoesNotContain("(with", own.Description, StringComparison.Ordinal);
        Assert.Contains($"{Source}:{lines["spot_market_making.base_target_pct"]}: spot_market_making.base_target_pct", new InvalidSpecException(Source, errors, lines).Describe().Single(), StringComparison.Ordinal);

        // A grid's upper bound below only one of the lower bounds tried: the field refused is named, with the variant's settings.
        errors.Clear();
        var variants = BacktestVariations.Expand(Grid(), ["lower_price=140,165", "levels=5,6"], "test", null, errors);
        Assert.Empty(variants);
        Assert.Equal([("spot_grid.upper_price", "must be above lower_price (165) (with lower_price=165 levels=5)"),
            ("spot_grid.upper_price", "must be above lower_price (165) (with lower_price=165 levels=6)")], errors.Select(e => (e.Field, e.Description)));
    }

    private static InstanceSpec Grid() => new()
    {
        Name = "g", Symbol = "SOL_USDC",
        SpotGrid = new SpotGridConfig { LowerPrice = "140", UpperPrice = "160", Levels = 5, OrderQuantity = "1" },
        Paper = new PaperVenueOptions { InitialBalances = { ["USDC"] = "10000", ["SOL"] = "10" } },
    };

    [Fact]
    public void AnUnsetStrategyFieldOrEnum_IsSetFromItsText()
    {
        var spec = Grid();
        var errors = new List<FieldViolation>();
        var variants = BacktestVariations.Expand(spec, ["mode=arithmetic,geometric", "supervision.restartPolicy=always"], "test", null, errors);

        Assert.Empty(errors);
        Assert.Equal([GridMode.Arithmetic, GridMode.Geometric], variants.Select(v => v.Proto.SpotGrid.Mode));
        Assert.All(variants, v => Assert.Equal(RestartPolicy.Always, v.Proto.Supervision.RestartPolicy));
        Assert.Null(spec.Supervision); // the spec given is left as it was
    }
}
