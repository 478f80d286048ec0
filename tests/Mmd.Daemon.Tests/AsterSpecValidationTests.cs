using Mmd.Exchanges.Aster;
using Mmd.Specs;
using static Mmd.Daemon.Tests.SpecFiles;

namespace Mmd.Daemon.Tests;

public class AsterSpecValidationTests
{
    [Fact]
    public void ShippedTemplate_IsValid_V3_WithTheSwitchOn()
    {
        var spec = Template("aster-perp-mm.json");
        Assert.Equal(("aster", "SOLUSDT"), (spec.Venue, spec.Symbol));
        Assert.Equal(new AsterVenue(AsterSigning.V3, TimeSpan.FromSeconds(60), Testnet: false), spec.Aster);
    }

    [Fact]
    public void Defaults_AreV3_AndASixtySecondSwitch_ZeroTurnsItOff_AndV1AndTestnetAreTaken()
    {
        const string perp = """ "perpMarketMaking":{"spreadPct":"0.2","maxPosition":"1"} """;
        const string head = """{"name":"a","venue":"aster","symbol":"SOLUSDT",""";
        Assert.Equal(new AsterVenue(AsterSigning.V3, TimeSpan.FromSeconds(60), false), Valid(head + perp + "}").Aster);
        Assert.Equal(new AsterVenue(AsterSigning.V1, TimeSpan.Zero, true),
            Valid(head + perp + ""","aster":{"signing":"v1","deadManSwitchSeconds":0,"testnet":true}}""").Aster);
    }

    [Fact]
    public void AnUnknownScheme_ATooShortSwitch_AndASpotStrategy_AreEachNamed()
    {
        var e = Invalid("""
            {"name":"a","venue":"aster","symbol":"SOLUSDT",
             "spotMarketMaking":{"spreadPct":"0.2"},
             "aster":{"signing":"v2",
                      "deadManSwitchSeconds":3}}
            """);
        Assert.Contains(e.Violations, v => v.Field == "aster.signing" && v.Description.Contains("v3", StringComparison.Ordinal));
        Assert.Contains(e.Violations, v => v.Field == "aster.dead_man_switch_seconds");
        Assert.Contains(e.Violations, v => v.Field == "symbol" && v.Description.Contains("perpetual", StringComparison.Ordinal));
        Assert.Equal(4, e.LineOf("aster.dead_man_switch_seconds"));
    }

    [Fact]
    public void AHedgeOnAster_MustTradeTheSameBaseAsset()
    {
        const string hedge = """ "makerTakerHedge":{"orderQuantity":"0.5","hedgeVenue":"aster","hedgeSymbol":"%S"} """;
        var ok = Valid("""{"name":"x","venue":"paper","symbol":"SOL_USDC",""" + hedge.Replace("%S", "SOLUSDT", StringComparison.Ordinal) + "}");
        Assert.Equal(new HedgeTarget("aster", "SOLUSDT"), ok.HedgeMarket);
        var e = Invalid("""{"name":"x","venue":"paper","symbol":"SOL_USDC",""" + hedge.Replace("%S", "ETHUSDT", StringComparison.Ordinal) + "}");
        Assert.Contains(e.Violations, v => v.Field == "maker_taker_hedge.hedge_symbol");
    }
}
