using Mmd.Specs;
using Mmd.Trading.Strategies.PerpMarketMaking;
using static Mmd.Daemon.Tests.SpecFiles;

namespace Mmd.Daemon.Tests;

public class ParadexSpecValidationTests
{
    [Fact]
    public void ShippedTemplate_IsValid_APerpMarketMakerOnSolUsdPerp()
    {
        var spec = Template("paradex-perp-mm.json");
        Assert.Equal(("paradex", "SOL-USD-PERP"), (spec.Venue, spec.Symbol));
        Assert.IsType<PerpMarketMakerConfig>(spec.Strategy);
    }

    [Theory]
    [InlineData("SOL_USDC_PERP")] // Backpack's spelling
    [InlineData("SOLUSDT")] // Aster's
    [InlineData("BTC-USD-PERP-OPTION")] // an options market
    [InlineData("sol-usd-perp")]
    public void ASymbolThatIsNotAParadexPerpetual_IsNamed_WithTheVenuesSpelling(string symbol)
    {
        var e = Invalid($$"""
            {"name":"p","venue":"paradex",
             "symbol":"{{symbol}}",
             "perpMarketMaking":{"spreadPct":"0.2","maxPosition":"1"}
            }
            """);
        var violation = Assert.Single(e.Violations);
        Assert.Equal("symbol", violation.Field);
        Assert.Contains("SOL-USD-PERP", violation.Description, StringComparison.Ordinal);
        Assert.Equal(2, e.LineOf("symbol"));
    }

    [Fact]
    public void ParadexListsPerpetualsOnly_ASpotStrategyIsRefused()
    {
        var e = Invalid("""{"name":"p","venue":"paradex","symbol":"ETH-USD-PERP","spotGrid":{"lowerPrice":"1000","upperPrice":"2000","levels":5}}""");
        Assert.Contains(e.Violations, v => v.Field == "symbol" && v.Description.Contains("perpetual", StringComparison.Ordinal));
    }

    [Fact]
    public void AHedgeOnParadex_MustNameAParadexPerpetual_OfTheSameBaseAsset()
    {
        const string hedge = """ "makerTakerHedge":{"orderQuantity":"0.5","hedgeVenue":"paradex","hedgeSymbol":"%S"} """;
        string Spec(string symbol) => """{"name":"x","venue":"paper","symbol":"SOL_USDC",""" + hedge.Replace("%S", symbol, StringComparison.Ordinal) + "}";
        Assert.Equal(new HedgeTarget("paradex", "SOL-USD-PERP"), Valid(Spec("SOL-USD-PERP")).HedgeMarket);
        Assert.Contains(Invalid(Spec("ETH-USD-PERP")).Violations, v => v.Field == "maker_taker_hedge.hedge_symbol" && v.Description.Contains("same asset", StringComparison.Ordinal));
        Assert.Contains(Invalid(Spec("SOLUSDT")).Violations, v => v.Field == "maker_taker_hedge.hedge_symbol" && v.Description.Contains("SOL-USD-PERP", StringComparison.Ordinal));
    }
}
