using System.Text;
using GrpcMM.Protos.V1;
using Mmd.Specs;

namespace Mmd.Daemon.Tests;

/// <summary>Two started instances may not sign with one Lighter API key, whichever of their markets is on Lighter.</summary>
public class LighterKeysTests
{
    private static InstanceSpec Spec(string json) => InstanceSpecJson.Parse("spec.json", Encoding.UTF8.GetBytes(json), out _);

    private static InstanceSpec OnLighter(string name, int? ownKey = null) => Spec(
        $$$"""{"name":"{{{name}}}","venue":"lighter","symbol":"SOL","perpMarketMaking":{"spreadPct":"0.2","maxPosition":"1"}{{{(ownKey is { } k ? $$""","lighter":{"apiKeyIndex":{{k}}}""" : "")}}}}""");

    private static InstanceSpec HedgingOnLighter(string name) => Spec(
        $$$"""{"name":"{{{name}}}","venue":"paper","symbol":"SOL_USDC","makerTakerHedge":{"orderQuantity":"0.5","hedgeVenue":"lighter","hedgeSymbol":"SOL"}}""");

    private static InstanceSpec OnPaper(string name) => Spec($$$"""{"name":"{{{name}}}","symbol":"SOL_USDC"}""");

    [Fact]
    public void TwoInstancesOnTheDaemonsKey_Clash_NamingTheKeyTheOtherInstanceAndTheRemedy()
    {
        var clash = LighterKeys.Clash("lb", OnLighter("lb"), 5, [("paper1", OnPaper("paper1")), ("la", OnLighter("la"))]);

        Assert.Equal("instance 'lb' would sign its Lighter orders with API key 5 (the daemon's, LIGHTER_API_KEY_INDEX), as started instance 'la' does: "
            + "Lighter takes a key's nonces in order, so the two would refuse each other's orders and cancels; give one of them a key of its own, "
            + "registered on the account: spec lighter.apiKeyIndex N, its private key in LIGHTER_PRIVATE_KEY_N (the environment or the secrets file)", clash);
    }

    [Fact]
    public void AnOwnKey_ClashesOnlyWithAnInstanceOnThatKey_AHedgeOnLighterCounts()
    {
        Assert.Null(LighterKeys.Clash("lb", OnLighter("lb", ownKey: 6), 5, [("la", OnLighter("la"))]));
        Assert.NotNull(LighterKeys.Clash("lb", OnLighter("lb", ownKey: 5), 5, [("la", OnLighter("la"))])); // its own key is the daemon's
        Assert.NotNull(LighterKeys.Clash("lb", OnLighter("lb", ownKey: 6), 5, [("la", OnLighter("la", ownKey: 6))]));
        Assert.NotNull(LighterKeys.Clash("hx", HedgingOnLighter("hx"), 5, [("la", OnLighter("la"))])); // its hedges are signed too
        Assert.Null(LighterKeys.Clash("p", OnPaper("p"), 5, [("la", OnLighter("la"))]));
        Assert.Null(LighterKeys.Clash("la", OnLighter("la"), 5, [("la", OnLighter("la"))])); // itself
        Assert.Contains("with the daemon's API key (LIGHTER_API_KEY_INDEX), as started instance 'la' does",
            LighterKeys.Clash("lb", OnLighter("lb"), null, [("la", OnLighter("la"))]), StringComparison.Ordinal); // its index unknown here: one key all the same
        Assert.Null(LighterKeys.Clash("lb", OnLighter("lb", ownKey: 6), null, [("la", OnLighter("la"))]));
    }

    [Theory]
    [InlineData("5", 5)]
    [InlineData(" 7 ", 7)]
    [InlineData("x", null)]
    [InlineData(null, null)]
    public void TheDaemonsKey_IsLighterApiKeyIndex(string? value, int? key) =>
        Assert.Equal(key, Exchanges.Lighter.LighterCredentials.ApiKeyIndexIn(value is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["LIGHTER_API_KEY_INDEX"] = value }));
}
