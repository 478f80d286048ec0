using System.Text;
using GrpcMM.Protos.V1;
using Mmd.Exchanges.Lighter;
using Mmd.Exchanges.Shared;
using Mmd.Specs;
using static Mmd.Daemon.Tests.SpecFiles;

namespace Mmd.Daemon.Tests;

/// <summary>The client-id tags two instances on one account must not share, whichever of their markets is on the venue.</summary>
public class InstanceConflictsTests
{
    private static InstanceSpec Proto(string json) => InstanceSpecJson.Parse("spec.json", Encoding.UTF8.GetBytes(json), out _);

    private static string OnBackpack(string name, uint tag) =>
        $$$"""{"name":"{{{name}}}","venue":"backpack","symbol":"SOL_USDC_PERP","perpMarketMaking":{"spreadPct":"0.2","maxPosition":"1"},"backpack":{"clientIdTag":{{{tag}}}}}""";

    /// <summary>A paper spot market hedged on <paramref name="hedgeVenue"/>'s perpetual.</summary>
    private static string Hedging(string name, string hedgeVenue, uint tag) =>
        $$$"""{"name":"{{{name}}}","venue":"paper","symbol":"SOL_USDC","makerTakerHedge":{"orderQuantity":"0.5","hedgeVenue":"{{{hedgeVenue}}}","hedgeSymbol":"SOL_USDC_PERP"},"backpack":{"clientIdTag":{{{tag}}}}}""";

    private static string OnLighter(string name) =>
        $$$"""{"name":"{{{name}}}","venue":"lighter","symbol":"SOL","perpMarketMaking":{"spreadPct":"0.2","maxPosition":"1"}}""";

    [Fact]
    public void OnBackpack_ATagAnotherInstanceNumbersItsOrdersIn_IsNamed_WhicheverMarketTradesThere()
    {
        var clash = InstanceConflicts.Find(Valid(OnBackpack("b", 7)), [("a", Proto(Hedging("a", "backpack", 7)))]);
        Assert.Equal(new FieldViolation("backpack.client_id_tag", "Backpack's client-id tag 7 is already used by instance 'a'; set backpack.client_id_tag to another value (1-1023)"), clash);
        Assert.NotNull(InstanceConflicts.Find(Valid(Hedging("b", "backpack", 7)), [("a", Proto(OnBackpack("a", 7)))]));

        Assert.Null(InstanceConflicts.Find(Valid(OnBackpack("b", 8)), [("a", Proto(OnBackpack("a", 7)))]));
        // The tag counts on Backpack only: a paper instance's spec may carry any.
        Assert.Null(InstanceConflicts.Find(Valid(OnBackpack("b", 7)), [("a", Proto(Hedging("a", "paper", 7)))]));
        // The instance itself (an update of its spec) is no other.
        Assert.Null(InstanceConflicts.Find(Valid(OnBackpack("a", 7)), [("a", Proto(OnBackpack("a", 7)))]));
    }

    [Fact]
    public void OnLighter_TwoNamesHashedToOneTag_AreRefused_OthersPass()
    {
        // Two names whose hash gives one 16-bit tag, found by trying.
        var byTag = new Dictionary<uint, string>();
        var (first, second) = ("", "");
        for (var i = 0; second.Length == 0; i++)
        {
            var name = $"bot-{i}";
            var tag = NumericClientIds.DefaultTag(name, LighterConnector.MaxTag);
            if (byTag.TryGetValue(tag, out var earlier)) (first, second) = (earlier, name);
            else byTag[tag] = name;
        }

        var clash = InstanceConflicts.Find(Valid(OnLighter(second)), [("x", Proto(OnBackpack("x", 7))), (first, Proto(OnLighter(first)))]);
        Assert.Equal("name", clash?.Field);
        Assert.Equal($"Lighter's client-id tag {NumericClientIds.DefaultTag(first, LighterConnector.MaxTag)} (a hash of the name) is already used by instance '{first}'; "
            + "choose another name", clash?.Description);
        Assert.Null(InstanceConflicts.Find(Valid(OnLighter("another")), [(first, Proto(OnLighter(first)))]));
    }
}
