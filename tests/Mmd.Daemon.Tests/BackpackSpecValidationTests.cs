using Mmd.Exchanges.Backpack;
using Mmd.Specs;
using static Mmd.Daemon.Tests.SpecFiles;

namespace Mmd.Daemon.Tests;

public class BackpackSpecValidationTests
{
    [Fact]
    public void ShippedTemplate_IsValid_WithTheTagDerivedFromTheName()
    {
        var spec = Template("backpack-perp-mm.json");
        Assert.Equal("backpack", spec.Venue);
        Assert.Equal(BackpackClientIds.DefaultTag("backpack-sol-perp"), spec.BackpackClientIdTag);
        Assert.Equal(new BackpackMarginFlags(), spec.BackpackMarginFlags);
    }

    [Fact]
    public void TagAndMarginFlags_AreTaken_FromTheSpec()
    {
        var spec = Valid("""{"name":"bp","venue":"backpack","symbol":"SOL_USDC","spotMarketMaking":{"spreadPct":"0.2"},"backpack":{"clientIdTag":9,"autoLend":true}}""");
        Assert.Equal(9u, spec.BackpackClientIdTag);
        Assert.Equal(new BackpackMarginFlags(AutoLend: true), spec.BackpackMarginFlags);
    }

    [Fact]
    public void BadTag_AndASpotSymbolForAPerpStrategy_AreEachNamed()
    {
        var e = Invalid("""
            {"name":"bp","venue":"backpack","symbol":"SOL_USDC",
             "perpMarketMaking":{"spreadPct":"0.2","maxPosition":"1"},
             "backpack":{"clientIdTag":1024}}
            """);
        Assert.Contains(e.Violations, v => v.Field == "backpack.client_id_tag");
        Assert.Contains(e.Violations, v => v.Field == "symbol" && v.Description.Contains("spot market", StringComparison.Ordinal));
        Assert.Equal(3, e.LineOf("backpack.client_id_tag"));
    }
}
