using Google.Protobuf.WellKnownTypes;
using GrpcMM.Protos.V1;
using Mmd.Specs;

namespace Mmd.Daemon.Tests;

/// <summary>What an update of a spec changes (the history's "spec updated: ..."), and what it may not change.</summary>
public sealed class SpecChangesTests
{
    private static InstanceSpec Spot() => new()
    {
        Name = "bot", Symbol = "SOL_USDC",
        SpotMarketMaking = new SpotMarketMakingConfig { SpreadPct = "0.2", OrderQuantity = "0.5", Levels = 3 },
        Paper = new PaperVenueOptions { Seed = 7, InitialBalances = { ["USDC"] = "1000" } },
    };

    [Fact]
    public void Paths_NameEachChangedField_AnAbsentSectionIsAnEmptyOne_ADurationOrAMapIsOneField()
    {
        var before = Spot();
        Assert.Empty(SpecChanges.Paths(before, before.Clone()));
        var after = before.Clone();
        after.SpotMarketMaking.SpreadPct = "0.3";
        after.Risk = new RiskLimits { MaxPosition = "5" };
        after.Duration = Duration.FromTimeSpan(TimeSpan.FromHours(1));
        after.Paper.InitialBalances["SOL"] = "2";
        Assert.Equal(["duration", "spot_market_making.spread_pct", "risk.max_position", "paper.initial_balances"], SpecChanges.Paths(before, after));

        // A section present but empty, or at its defaults, says what an absent one says.
        var empty = before.Clone();
        empty.Risk = new RiskLimits();
        empty.Supervision = new SupervisionOptions();
        Assert.Empty(SpecChanges.Paths(before, empty));
    }

    [Fact]
    public void Diff_GivesEachChangedFieldsValues_AsASpecFileWritesThem()
    {
        var before = Spot();
        var after = before.Clone();
        after.SpotMarketMaking.SpreadPct = "0.3";
        after.Duration = Duration.FromTimeSpan(TimeSpan.FromMinutes(90));
        after.Paper.InitialBalances["SOL"] = "2";
        after.Supervision = new SupervisionOptions { RestartPolicy = RestartPolicy.Never, MemoryLimitMb = 256 };
        after.SpotMarketMaking.RebalanceEnabled = false;
        Assert.Equal(
        [
            ("duration", "(unset)", "5400s"),
            ("spot_market_making.spread_pct", "0.2", "0.3"),
            ("spot_market_making.rebalance_enabled", "(unset)", "false"),
            ("paper.initial_balances", "{ \"USDC\": \"1000\" }", "{ \"USDC\": \"1000\", \"SOL\": \"2\" }"),
            ("supervision.restart_policy", "RESTART_POLICY_UNSPECIFIED", "RESTART_POLICY_NEVER"),
            ("supervision.memory_limit_mb", "0", "256"),
        ], SpecChanges.Diff(before, after).Select(c => (c.Path, c.From, c.To)));
    }

    [Fact]
    public void WhereTheOrdersLive_CannotChange_EachFieldNamed_TheDefaultsSpelledOutAreNoChange()
    {
        var before = Spot();
        var spelled = before.Clone();
        spelled.Venue = "paper"; // "" is paper
        Assert.Empty(SpecChanges.Refused(before, spelled));

        var moved = before.Clone();
        moved.Venue = "backpack";
        moved.Symbol = "BTC_USDC";
        moved.Paper.Account = "other";
        Assert.Equal(["venue", "symbol", "paper.account", "backpack.client_id_tag"], SpecChanges.Refused(before, moved).Select(v => v.Field));
        Assert.Contains("from 'SOL_USDC' to 'BTC_USDC'", SpecChanges.Refused(before, moved)[1].Description, StringComparison.Ordinal);

        var grid = before.Clone();
        grid.SpotGrid = new SpotGridConfig { OrderQuantity = "0.5" };
        Assert.Equal(["strategy"], SpecChanges.Refused(before, grid).Select(v => v.Field));

        // Backpack's client-id tag: the one it numbers its orders in. The default written out is the same tag.
        var backpack = new InstanceSpec { Name = "bot", Venue = "backpack", Symbol = "SOL_USDC", SpotMarketMaking = before.SpotMarketMaking };
        var sameTag = backpack.Clone();
        sameTag.Backpack = new BackpackVenueOptions { ClientIdTag = SpecValidator.BackpackTagOf(null, "bot") };
        Assert.Empty(SpecChanges.Refused(backpack, sameTag));
        var otherTag = backpack.Clone();
        otherTag.Backpack = new BackpackVenueOptions { ClientIdTag = SpecValidator.BackpackTagOf(null, "bot") % 1000 + 1 };
        Assert.Equal(["backpack.client_id_tag"], SpecChanges.Refused(backpack, otherTag).Select(v => v.Field));

        var hedge = new InstanceSpec { Name = "bot", Symbol = "SOL_USDC", MakerTakerHedge = new MakerTakerHedgeConfig { HedgeVenue = "paper", HedgeSymbol = "SOL_USDC_PERP" } };
        var otherHedge = hedge.Clone();
        otherHedge.MakerTakerHedge.HedgeSymbol = "SOL_USDC";
        otherHedge.Aster = new AsterVenueOptions { Testnet = true };
        Assert.Equal(["maker_taker_hedge.hedge_symbol", "aster.testnet"], SpecChanges.Refused(hedge, otherHedge).Select(v => v.Field));
    }
}
