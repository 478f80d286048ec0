using GrpcMM.Protos.V1;
using GrpcMM.Protos.Worker.V1;
using Mmd.Supervision;

namespace Mmd.Daemon.Tests;

/// <summary>Who shares which venue's request limits: the instances with a worker on it.</summary>
public class RequestBudgetsTests
{
    [Fact]
    public void TheVenuesOfASpec_AreItsOwnAndItsHedgeMarkets_PaperLeftOut()
    {
        Assert.Equal(["backpack"], RequestBudgets.VenuesOf(new InstanceSpec { Venue = "backpack", Symbol = "SOL_USDC_PERP" }));
        Assert.Empty(RequestBudgets.VenuesOf(new InstanceSpec { Symbol = "SOL_USDC" }));
        var xemm = new InstanceSpec { Venue = "paradex", MakerTakerHedge = new MakerTakerHedgeConfig { HedgeVenue = "lighter" } };
        Assert.Equal(["paradex", "lighter"], RequestBudgets.VenuesOf(xemm));
        var sameVenue = new InstanceSpec { Venue = "backpack", MakerTakerHedge = new MakerTakerHedgeConfig { HedgeSymbol = "SOL_USDC_PERP" } };
        Assert.Equal(["backpack"], RequestBudgets.VenuesOf(sameVenue));
        var paperQuotesLiveHedges = new InstanceSpec { Symbol = "SOL_USDC", MakerTakerHedge = new MakerTakerHedgeConfig { HedgeVenue = "backpack" } };
        Assert.Equal(["backpack"], RequestBudgets.VenuesOf(paperQuotesLiveHedges));
    }

    [Fact]
    public void EachVenue_CountsTheInstancesWithAWorkerOnIt_AndTheVersionMovesOnlyWithAChange()
    {
        var budgets = new RequestBudgets();
        budgets.Claim("a", ["backpack"]);
        Assert.Equal(new Dictionary<string, uint> { ["backpack"] = 1 }, budgets.SharesOf("a"));

        budgets.Claim("b", ["backpack", "aster"]);
        budgets.Claim("c", ["aster"]);
        Assert.Equal(new Dictionary<string, uint> { ["backpack"] = 2 }, budgets.SharesOf("a"));
        Assert.Equal(new Dictionary<string, uint> { ["backpack"] = 2, ["aster"] = 2 }, budgets.SharesOf("b"));

        var version = budgets.Version;
        budgets.Claim("b", ["backpack", "aster"]); // a restart's claim of the same venues: no change
        Assert.Equal(version, budgets.Version);

        budgets.Release("b");
        Assert.NotEqual(version, budgets.Version);
        Assert.Equal(new Dictionary<string, uint> { ["backpack"] = 1 }, budgets.SharesOf("a"));
        Assert.Equal(new Dictionary<string, uint> { ["aster"] = 1 }, budgets.SharesOf("c"));
        Assert.Empty(budgets.SharesOf("b")); // no worker: nothing to share

        Assert.Equal(["c"], budgets.OthersOn("aster", "x")); // whom a wait the venue asked of x concerns
        Assert.Empty(budgets.OthersOn("aster", "c"));

        budgets.Claim("p", []); // paper only: not counted anywhere
        Assert.Empty(budgets.SharesOf("p"));
        Assert.Equal(new Dictionary<string, uint> { ["backpack"] = 1 }, budgets.SharesOf("a"));
    }

    [Fact]
    public void AQuietInstancesPart_GoesToTheBusyOnes_WhileAStartingOrStoppingOrSilentOneAsksAllItCan()
    {
        var budgets = new RequestBudgets();
        foreach (var name in new[] { "grid", "mm1", "mm2", "mm3" }) budgets.Claim(name, ["backpack"]);
        var quiet = new Dictionary<string, RequestDemand> { ["backpack"] = new() { AskedPpm = 5_000 } };
        var busy = new Dictionary<string, RequestDemand> { ["backpack"] = new() { AskedPpm = 240_000, Queued = true } };
        Assert.Empty(budgets.PartsOf("mm1")); // none has said yet: an even split, unsaid

        var version = budgets.Version;
        budgets.Report("grid", quiet, running: true);
        Assert.NotEqual(version, budgets.Version);
        Assert.Equal(new Dictionary<string, uint> { ["backpack"] = 16 * 3_906 }, budgets.PartsOf("grid")); // 1/16, in 1/256 steps
        Assert.Equal(new Dictionary<string, uint> { ["backpack"] = 80 * 3_906 }, budgets.PartsOf("mm1")); // 5/16
        foreach (var mm in new[] { "mm1", "mm2", "mm3" }) budgets.Report(mm, busy, running: true);

        // The same demand again moves nothing; a grid that starts stopping (a cancel per order) asks all it can get.
        version = budgets.Version;
        budgets.Report("grid", quiet, running: true);
        Assert.Equal(version, budgets.Version);
        budgets.Report("grid", new Dictionary<string, RequestDemand>(), running: false);
        Assert.Empty(budgets.PartsOf("grid"));
        Assert.Empty(budgets.PartsOf("mm1"));

        // Its worker gone, the three left split evenly; a new worker of it has said nothing yet.
        budgets.Release("grid");
        Assert.Empty(budgets.PartsOf("mm1"));
        budgets.Claim("grid", ["backpack"]);
        Assert.Empty(budgets.PartsOf("mm1"));
    }
}
