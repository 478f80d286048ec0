using Mmd.Specs;
using Mmd.Trading.Strategies.PerpMarketMaking;
using static Mmd.Daemon.Tests.SpecFiles;

namespace Mmd.Daemon.Tests;

public class LighterSpecValidationTests
{
    [Fact]
    public void ShippedTemplate_IsValid_APerpMarketMakerOnSol()
    {
        var spec = Template("lighter-perp-mm.json");
        Assert.Equal(("lighter", "SOL"), (spec.Venue, spec.Symbol));
        Assert.IsType<PerpMarketMakerConfig>(spec.Strategy);
    }

    [Theory]
    [InlineData("SOL_USDC_PERP")] // Backpack's spelling
    [InlineData("SOL-USD-PERP")] // Paradex's
    [InlineData("ETH/USDC")] // a Lighter spot market
    [InlineData("sol")]
    public void ASymbolThatIsNotALighterPerpetual_IsNamed_WithTheVenuesSpelling(string symbol)
    {
        var e = Invalid($$"""
            {"name":"l","venue":"lighter",
             "symbol":"{{symbol}}",
             "perpMarketMaking":{"spreadPct":"0.2","maxPosition":"1"}
            }
            """);
        var violation = Assert.Single(e.Violations);
        Assert.Equal("symbol", violation.Field);
        Assert.Contains("by the base asset, e.g. SOL", violation.Description, StringComparison.Ordinal);
        Assert.Equal(2, e.LineOf("symbol"));
    }

    [Fact]
    public void LighterIsTradedAsPerpetualsOnly_ASpotStrategyIsRefused()
    {
        var e = Invalid("""{"name":"l","venue":"lighter","symbol":"ETH","spotGrid":{"lowerPrice":"1000","upperPrice":"2000","levels":5}}""");
        Assert.Contains(e.Violations, v => v.Field == "symbol" && v.Description.Contains("perpetual", StringComparison.Ordinal));
    }

    [Fact]
    public void AHedgeOnLighter_MustNameALighterPerpetual_OfTheSameBaseAsset()
    {
        const string hedge = """ "makerTakerHedge":{"orderQuantity":"0.5","hedgeVenue":"lighter","hedgeSymbol":"%S"} """;
        string Spec(string symbol) => """{"name":"x","venue":"paradex","symbol":"SOL-USD-PERP",""" + hedge.Replace("%S", symbol, StringComparison.Ordinal) + "}";
        Assert.Equal(new HedgeTarget("lighter", "SOL"), Valid(Spec("SOL")).HedgeMarket);
        Assert.Contains(Invalid(Spec("ETH")).Violations, v => v.Field == "maker_taker_hedge.hedge_symbol" && v.Description.Contains("same asset", StringComparison.Ordinal));
        Assert.Contains(Invalid(Spec("SOL_USDC_PERP")).Violations, v => v.Field == "maker_taker_hedge.hedge_symbol" && v.Description.Contains("e.g. SOL", StringComparison.Ordinal));
    }

    [Fact]
    public void TheDeadMansSwitch_IsOffUnlessAskedFor_AndMustBeWithinTheVenuesFiveMinutesToFifteenDays()
    {
        const string head = """{"name":"l","venue":"lighter","symbol":"SOL","perpMarketMaking":{"spreadPct":"0.2","maxPosition":"1"}""";
        Assert.Equal(TimeSpan.Zero, Valid(head + "}").LighterDeadManCountdown);
        Assert.Equal(TimeSpan.Zero, Valid(head + ""","lighter":{"deadManSwitchSeconds":0}}""").LighterDeadManCountdown);
        Assert.Equal(TimeSpan.FromMinutes(10), Valid(head + ""","lighter":{"deadManSwitchSeconds":600}}""").LighterDeadManCountdown);
        foreach (var seconds in new[] { 60, 300, 1_296_001 })
        {
            var e = Invalid(head + ",\n\"lighter\":{\"deadManSwitchSeconds\":" + seconds + "}}");
            var violation = Assert.Single(e.Violations);
            Assert.Equal("lighter.dead_man_switch_seconds", violation.Field);
            Assert.Contains("5 minutes to 15 days", violation.Description, StringComparison.Ordinal);
            Assert.Equal(2, e.LineOf("lighter.dead_man_switch_seconds"));
        }
    }

    [Fact]
    public void AnInstanceMayNameItsOwnApiKey_WithinTheVenuesIndexes()
    {
        const string head = """{"name":"l","venue":"lighter","symbol":"SOL","perpMarketMaking":{"spreadPct":"0.2","maxPosition":"1"}""";
        Assert.Null(Valid(head + "}").LighterApiKeyIndex); // the daemon's key
        Assert.Equal(7, Valid(head + ""","lighter":{"apiKeyIndex":7}}""").LighterApiKeyIndex);
        Assert.Equal(0, Valid(head + ""","lighter":{"apiKeyIndex":0}}""").LighterApiKeyIndex);
        var e = Invalid(head + ",\n\"lighter\":{\"apiKeyIndex\":255}}");
        var violation = Assert.Single(e.Violations);
        Assert.Equal("lighter.api_key_index", violation.Field);
        Assert.Equal(2, e.LineOf("lighter.api_key_index"));
    }
}
