using System.Text;
using Mmd.Specs;

namespace Mmd.Daemon.Tests;

public class CapitalSpecValidationTests
{
    private static ValidatedSpec Validate(string json)
    {
        var spec = InstanceSpecJson.Parse("spec.json", Encoding.UTF8.GetBytes(json), out var lines);
        return SpecValidator.Validate(spec, "spec.json", lines);
    }

    [Fact]
    public void Capital_IsReadByAsset_AndReachesTheEngine()
    {
        var valid = Validate("""
            {
              "name": "grid", "symbol": "SOL_USDC", "spotGrid": {},
              "capital": { "USDC": "1500.50", "SOL": "0" }
            }
            """);
        Assert.Equal(new Dictionary<string, decimal> { ["USDC"] = 1500.50m, ["SOL"] = 0m }, valid.Capital);
        Assert.Equal(valid.Capital, Worker.InstanceRunner.EngineOptionsFor(valid, TimeSpan.FromDays(30)).Capital);
        Assert.Empty(Validate("""{ "name": "mm", "symbol": "SOL_USDC", "spotMarketMaking": { "spreadPct": "0.2" } }""").Capital);
    }

    [Fact]
    public void EveryBadAssetAndAmount_IsNamed_OnItsLine()
    {
        var ex = Assert.Throws<InvalidSpecException>(() => Validate("""
            {
              "name": "mm", "venue": "backpack", "symbol": "SOL_USDC", "spotMarketMaking": { "spreadPct": "0.2" },
              "capital": {
                "usdc": "10",
                "SOL": "-1",
                "BTC": "lots"
              }
            }
            """));
        Assert.Equal([
            "spec.json:4: capital[usdc]: 'usdc' is not an asset as venues name them: 1-20 capital letters and digits, e.g. USDC",
            "spec.json:5: capital[SOL]: must be at least 0",
            "spec.json:6: capital[BTC]: 'lots' is not a decimal number",
        ], ex.Describe().ToList());
    }

    [Fact]
    public void OnPaper_CapitalInAnAssetTheInstanceDoesNotSizeFrom_IsRefusedBeforeItStarts()
    {
        var ex = Assert.Throws<InvalidSpecException>(() => Validate("""
            {
              "name": "perp", "symbol": "SOL_USDC_PERP", "perpMarketMaking": { "spreadPct": "0.2" },
              "capital": { "SOL": "2", "USDC": "300" }
            }
            """));
        Assert.Equal("spec.json:3: capital: capital names SOL, which this instance does not trade (SOL_USDC_PERP is a perpetual margined in USDC); allot USDC",
            Assert.Single(ex.Describe()));
        // A hedge on the paper perpetual trades on the same paper account: the spot market's assets and its margin.
        Assert.Equal(2, Validate("""
            {
              "name": "xemm", "symbol": "SOL_USDC", "makerTakerHedge": { "hedgeSymbol": "SOL_USDC_PERP" },
              "capital": { "SOL": "2", "USDC": "300" }
            }
            """).Capital.Count);
    }
}
