using Grpc.Core;
using GrpcMM.Protos.V1;
using static Mmd.Daemon.Tests.InstanceApiTests;

namespace Mmd.Daemon.Tests;

/// <summary>InstanceService.UpdateInstance on the in-process daemon (stopped instances: the restart path is end to end).</summary>
public sealed class InstanceUpdateApiTests(InProcessDaemon daemon) : IClassFixture<InProcessDaemon>
{
    [Fact]
    public async Task AStoppedInstancesSpec_IsReplaced_ChangesNamedAndKept_APauseHolds_TheSameSpecChangesNothing()
    {
        await daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = Spec("tuned") });
        await daemon.Instances.CommandInstanceAsync(new CommandInstanceRequest { Name = "tuned", Pause = new PauseQuoting() });

        var updated = Spec("tuned", spread: "0.35");
        updated.Risk = new RiskLimits { MaxPosition = "4" };
        var response = await daemon.Instances.UpdateInstanceAsync(new UpdateInstanceRequest { Spec = updated, Restart = true });
        Assert.Equal(["spot_market_making.spread_pct", "risk.max_position"], response.Changed);
        Assert.Equal("saved; applies at the next start", response.Outcome); // stopped: restart has nothing to restart
        Assert.Equal(InstanceState.Created, response.Instance.State);
        var kept = (await daemon.Instances.GetInstanceAsync(new GetInstanceRequest { Name = "tuned" })).Instance;
        Assert.Equal(("0.35", "4", true), (kept.Spec.SpotMarketMaking.SpreadPct, kept.Spec.Risk.MaxPosition, kept.Spec.QuotingPaused));
        Assert.False(kept.RestartPending);
        var history = await daemon.Instances.GetInstanceHistoryAsync(new GetInstanceHistoryRequest { Name = "tuned", Limit = 1 });
        Assert.Equal("spec updated: spot_market_making.spread_pct, risk.max_position", Assert.Single(history.Events).Message);

        // Again (from the file form, without the pause it holds): nothing changes.
        var again = await daemon.Instances.UpdateInstanceAsync(new UpdateInstanceRequest
        {
            SpecJson = """{ "name": "tuned", "venue": "paper", "symbol": "SOL_USDC", "spotMarketMaking": { "spreadPct": "0.35", "orderQuantity": "0.5", "levels": 3 }, "risk": { "maxPosition": "4" } }""",
        });
        Assert.Equal(("unchanged", 0), (again.Outcome, again.Changed.Count));
    }

    [Fact]
    public async Task WhereItTrades_ABadSpec_AndAnUnknownName_AreRefused_AndChangeNothing()
    {
        await daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = Spec("anchored") });
        var moved = Spec("anchored");
        moved.Symbol = "BTC_USDC";
        moved.Venue = "backpack";
        var (code, fields) = await FailureOf(() => daemon.Instances.UpdateInstanceAsync(new UpdateInstanceRequest { Spec = moved }).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "venue symbol backpack.client_id_tag"), (code, string.Join(" ", fields)));

        // From a file: each violation gives its line.
        var ex = await Assert.ThrowsAsync<RpcException>(() => daemon.Instances.UpdateInstanceAsync(new UpdateInstanceRequest
        {
            SpecJson = "{\n  \"name\": \"anchored\",\n  \"symbol\": \"ETH_USDC\",\n  \"spotMarketMaking\": { \"spreadPct\": \"0.2\", \"orderQuantity\": \"0.5\", \"levels\": 3 }\n}",
        }).ResponseAsync);
        Assert.Contains("symbol: cannot change on an existing instance (from 'SOL_USDC' to 'ETH_USDC')", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("(line 3)", ex.Status.Detail, StringComparison.Ordinal);

        var bad = Spec("anchored", spread: "-1");
        (code, fields) = await FailureOf(() => daemon.Instances.UpdateInstanceAsync(new UpdateInstanceRequest { Spec = bad }).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "spot_market_making.spread_pct"), (code, string.Join(" ", fields)));
        Assert.Equal("0.2", (await daemon.Instances.GetInstanceAsync(new GetInstanceRequest { Name = "anchored" })).Instance.Spec.SpotMarketMaking.SpreadPct);

        Assert.Equal(StatusCode.NotFound, (await FailureOf(() => daemon.Instances.UpdateInstanceAsync(new UpdateInstanceRequest { Spec = Spec("nobody") }).ResponseAsync)).Code);
        (code, fields) = await FailureOf(() => daemon.Instances.UpdateInstanceAsync(new UpdateInstanceRequest()).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "source"), (code, string.Join(" ", fields)));
    }

    [Fact]
    public async Task ADryRun_SaysWhatWouldChangeAndWhen_WithTheValues_AndSavesNothing()
    {
        await daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = Spec("dry") });
        var updated = Spec("dry", spread: "0.35");
        updated.Supervision = new SupervisionOptions { RestartPolicy = RestartPolicy.Always };
        var response = await daemon.Instances.UpdateInstanceAsync(new UpdateInstanceRequest { Spec = updated, DryRun = true, Restart = true });
        Assert.Equal("would save; applies at the next start", response.Outcome); // stopped: restart has nothing to restart
        Assert.Equal([("spot_market_making.spread_pct", "0.2", "0.35"), ("supervision.restart_policy", "RESTART_POLICY_UNSPECIFIED", "RESTART_POLICY_ALWAYS")],
            response.Changes.Select(c => (c.Path, c.From, c.To)));
        Assert.Equal(response.Changes.Select(c => c.Path), response.Changed);
        var kept = (await daemon.Instances.GetInstanceAsync(new GetInstanceRequest { Name = "dry" })).Instance;
        Assert.Equal(("0.2", null), (kept.Spec.SpotMarketMaking.SpreadPct, kept.Spec.Supervision));
        var history = await daemon.Instances.GetInstanceHistoryAsync(new GetInstanceHistoryRequest { Name = "dry", Limit = 1 });
        Assert.Equal("created", Assert.Single(history.Events).Message);
        // A dry run is refused as the update would be.
        var (code, fields) = await FailureOf(() => daemon.Instances.UpdateInstanceAsync(new UpdateInstanceRequest { Spec = Spec("dry", spread: "-1"), DryRun = true }).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "spot_market_making.spread_pct"), (code, string.Join(" ", fields)));

        // A create's dry run: validated, not created; one under a taken name with another spec is ALREADY_EXISTS.
        var created = await daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = Spec("dry-new"), DryRun = true, Start = true });
        Assert.Equal((true, "dry-new", "0.2"), (created.Created, created.Instance.Name, created.Instance.Spec.SpotMarketMaking.SpreadPct));
        Assert.Equal(StatusCode.NotFound, (await FailureOf(() => daemon.Instances.GetInstanceAsync(new GetInstanceRequest { Name = "dry-new" }).ResponseAsync)).Code);
        Assert.False((await daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = Spec("dry"), DryRun = true })).Created);
        Assert.Equal(StatusCode.AlreadyExists, (await FailureOf(() => daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = Spec("dry", spread: "0.5"), DryRun = true }).ResponseAsync)).Code);
        (code, fields) = await FailureOf(() => daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = Spec("dry-bad", spread: "-1"), DryRun = true }).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "spot_market_making.spread_pct"), (code, string.Join(" ", fields)));
    }
}
