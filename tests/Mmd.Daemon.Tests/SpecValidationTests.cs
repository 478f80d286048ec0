using System.Text;
using GrpcMM.Protos.V1;
using Mmd.Specs;

namespace Mmd.Daemon.Tests;

public class SpecValidationTests
{
    private static string Template => Path.Combine(AppContext.BaseDirectory, "templates", "paper-spot-mm.json");

    private static InstanceSpec Parse(string json, out IReadOnlyDictionary<string, long> lines) =>
        InstanceSpecJson.Parse("spec.json", Encoding.UTF8.GetBytes(json), out lines);

    [Fact]
    public void ShippedTemplate_IsValid()
    {
        var spec = InstanceSpecJson.Parse(Template, File.ReadAllBytes(Template), out var lines);
        var valid = SpecValidator.Validate(spec, Template, lines);
        Assert.Equal("paper", valid.Venue);
        Assert.Equal(0.2m, valid.SpotMarketMaking!.SpreadPct);
        Assert.Equal(3, valid.SpotMarketMaking!.Levels);
        Assert.Equal(0.5m, valid.SpotMarketMaking!.OrderQuantity);
        Assert.Equal(28m, valid.Paper.InitialBalances["SOL"]);
    }

    [Fact]
    public void EveryBadField_IsReported_WithItsLine()
    {
        const string json = """
            {
              "name": "Bad Name",
              "venue": "nowhere",
              "symbol": "SOL_USDC",
              "spotMarketMaking": {
                "spreadPct": "-1",
                "orderQuantity": "abc",
                "levels": 50,
                "baseTargetPct": "150",
                "rebalanceThresholdPct": "0"
              },
              "risk": { "priceBandPct": "1e5", "maxDailyLoss": "-5" }
            }
            """;
        var spec = Parse(json, out var lines);
        var ex = Assert.Throws<InvalidSpecException>(() => SpecValidator.Validate(spec, "spec.json", lines));
        var fields = ex.Violations.Select(v => v.Field).ToHashSet();
        Assert.Superset(new HashSet<string> { "name", "venue", "spot_market_making.spread_pct", "spot_market_making.order_quantity", "spot_market_making.levels",
            "spot_market_making.base_target_pct", "spot_market_making.rebalance_threshold_pct", "risk.price_band_pct", "risk.max_daily_loss" }, fields);
        var described = ex.Describe().ToList();
        Assert.Contains("spec.json:2: name: 'Bad Name' is not an instance name: 1-20 characters of a-z, 0-9 and '-', starting with a letter", described);
        Assert.Equal("required: 1-20 characters of a-z, 0-9 and '-', starting with a letter", SpecValidator.NameProblem(""));
        Assert.Contains(described, d => d.StartsWith("spec.json:6: spot_market_making.spread_pct:", StringComparison.Ordinal));
        Assert.Contains(described, d => d.StartsWith("spec.json:7: spot_market_making.order_quantity: 'abc' is not a decimal number", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownKeys_AllReported_WithLines()
    {
        var ex = Assert.Throws<InvalidSpecException>(() => Parse("""
            {
              "name": "ok",
              "sprd": 1,
              "spotMarketMaking": { "spread": "0.2" }
            }
            """, out _));
        Assert.Equal(["sprd", "spot_market_making.spread"], ex.Violations.Select(v => v.Field));
        Assert.Contains(ex.Describe(), d => d.StartsWith("spec.json:4: spot_market_making.spread: unknown field", StringComparison.Ordinal));
    }

    [Fact]
    public void JsonNumbers_KeepTheirExactText()
    {
        var spec = Parse("""{ "name": "a", "symbol": "SOL_USDC", "duration": 90, "spotMarketMaking": { "spreadPct": 0.1, "orderQuantity": 0.30 } }""", out _);
        Assert.Equal("0.1", spec.SpotMarketMaking.SpreadPct);
        Assert.Equal("0.30", spec.SpotMarketMaking.OrderQuantity);
        Assert.Equal(TimeSpan.FromSeconds(90), spec.Duration.ToTimeSpan());
    }

    [Fact]
    public void SyntaxError_NamesTheLine()
    {
        var ex = Assert.Throws<InvalidSpecException>(() => Parse("{\n  \"name\": \"a\",\n  \"symbol\" \"x\"\n}", out _));
        Assert.StartsWith("spec.json:3: (syntax):", ex.Describe().Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", "must be 1-20")]
    [InlineData("21", "must be 1-20")]
    [InlineData("-1", "must not be negative (got -1)")]
    public void Levels_OutOfRange_Reported(string levels, string message)
    {
        var json = $$"""{ "name": "a", "symbol": "SOL_USDC", "spotMarketMaking": { "spreadPct": "0.2", "levels": {{levels}} } }""";
        var ex = Assert.ThrowsAny<InvalidSpecException>(() => SpecValidator.Validate(Parse(json, out var lines), "spec.json", lines));
        var violation = Assert.Single(ex.Violations);
        Assert.Equal(("spot_market_making.levels", message), (violation.Field, violation.Description));
    }

    [Fact]
    public void MissingStrategyAndSymbol_Reported()
    {
        var ex = Assert.Throws<InvalidSpecException>(() => SpecValidator.Validate(new InstanceSpec { Name = "a" }, "cli"));
        Assert.Contains(ex.Violations, v => v.Field == "strategy");
        Assert.Contains(ex.Violations, v => v.Field == "symbol");
    }

    [Fact]
    public void PerpSymbol_ForSpotMarketMaking_Rejected()
    {
        var spec = new InstanceSpec { Name = "a", Symbol = "SOL_USDC_PERP", SpotMarketMaking = new SpotMarketMakingConfig { SpreadPct = "0.2" } };
        var ex = Assert.Throws<InvalidSpecException>(() => SpecValidator.Validate(spec, "cli"));
        Assert.Equal("symbol", Assert.Single(ex.Violations).Field);
    }

    [Fact]
    public void Defaults_FilledIn()
    {
        var valid = SpecValidator.Validate(new InstanceSpec { Name = "a", Symbol = "SOL_USDC", SpotMarketMaking = new SpotMarketMakingConfig { SpreadPct = "0.2" } }, "cli");
        Assert.Null(valid.SpotMarketMaking!.OrderQuantity);
        Assert.Equal(3, valid.SpotMarketMaking!.Levels);
        Assert.True(valid.SpotMarketMaking.RebalanceEnabled);
        Assert.Equal(30m, valid.SpotMarketMaking.BaseTargetPct);
        Assert.Equal(15m, valid.SpotMarketMaking.RebalanceThresholdPct);
        Assert.Equal(TimeSpan.FromSeconds(60), valid.SpotMarketMaking.Interval);
        Assert.Equal(20, valid.Risk.MaxOrdersPerSecond);
        Assert.Equal("a", valid.Paper.Account);
        Assert.Null(valid.Duration);
    }
}
