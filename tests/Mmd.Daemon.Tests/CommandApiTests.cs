using Google.Rpc;
using Grpc.Core;
using GrpcMM.Protos.V1;

namespace Mmd.Daemon.Tests;

/// <summary>CommandInstance's contract on stopped instances (the running path is end to end): errors, validation, saved changes.</summary>
public sealed class CommandApiTests(InProcessDaemon daemon) : IClassFixture<InProcessDaemon>
{
    private static async Task<(StatusCode Code, IReadOnlyList<string> Fields, string Detail)> FailureOf(Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(call);
        var fields = ex.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.Select(v => v.Field).ToList() ?? [];
        return (ex.StatusCode, fields, ex.Status.Detail);
    }

    private async Task<Instance> CreateAsync(InstanceSpec spec) =>
        (await daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = spec })).Instance;

    private static InstanceSpec Grid(string name) => new()
    {
        Name = name, Symbol = "SOL_USDC", SpotGrid = new SpotGridConfig { LowerPrice = "140", UpperPrice = "160", Levels = 5, OrderQuantity = "1" },
    };

    private static InstanceSpec MarketMaker(string name) => new()
    {
        Name = name, Symbol = "SOL_USDC_PERP", PerpMarketMaking = new PerpMarketMakingConfig { SpreadPct = "0.2", OrderQuantity = "0.5" },
    };

    [Fact]
    public async Task UnknownInstance_IsNotFound_AndNoCommand_IsInvalidArgument()
    {
        var (code, _, _) = await FailureOf(() => daemon.Instances.CommandInstanceAsync(new CommandInstanceRequest { Name = "nobody", Pause = new PauseQuoting() }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, code);
        await CreateAsync(MarketMaker("cmd-none"));
        var (code2, fields, _) = await FailureOf(() => daemon.Instances.CommandInstanceAsync(new CommandInstanceRequest { Name = "cmd-none" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code2);
        Assert.Equal(["command"], fields);
    }

    [Fact]
    public async Task GetOrderBook_NamesBadFields_IsNotFoundForNoInstance_AndFailedPreconditionWithoutAWorker()
    {
        var (bad, fields, _) = await FailureOf(() => daemon.Instances.GetOrderBookAsync(new GetOrderBookRequest { Name = "no good", Depth = 51 }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad);
        Assert.Equal(["name", "depth"], fields);
        var (missing, _, _) = await FailureOf(() => daemon.Instances.GetOrderBookAsync(new GetOrderBookRequest { Name = "nobody" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing);
        await CreateAsync(MarketMaker("book-stopped"));
        var (stopped, _, detail) = await FailureOf(() => daemon.Instances.GetOrderBookAsync(new GetOrderBookRequest { Name = "book-stopped", Depth = 50 }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, stopped);
        Assert.Contains("its books are read from its running worker", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMarketAnalysis_NamesBadFields_IsNotFoundForNoInstance_AndFailedPreconditionWithoutAWorker()
    {
        var (bad, fields, _) = await FailureOf(() => daemon.Instances.GetMarketAnalysisAsync(new GetMarketAnalysisRequest { Name = "no good", Interval = "2h", Candles = 49 }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad);
        Assert.Equal(["name", "interval", "candles"], fields);
        var (tooMany, tooManyFields, _) = await FailureOf(() => daemon.Instances.GetMarketAnalysisAsync(new GetMarketAnalysisRequest { Name = "nobody", Candles = 1001 }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, tooMany);
        Assert.Equal(["candles"], tooManyFields);
        var (missing, _, _) = await FailureOf(() => daemon.Instances.GetMarketAnalysisAsync(new GetMarketAnalysisRequest { Name = "nobody" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing);
        await CreateAsync(MarketMaker("analysis-stopped"));
        var (stopped, _, detail) = await FailureOf(() => daemon.Instances.GetMarketAnalysisAsync(new GetMarketAnalysisRequest { Name = "analysis-stopped", Interval = "1H" }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, stopped);
        Assert.Contains("its market is analysed from its running worker", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAccount_NamesABadName_IsNotFoundForNoInstance_AndFailedPreconditionWithoutAWorker()
    {
        var (bad, fields, _) = await FailureOf(() => daemon.Instances.GetAccountAsync(new GetAccountRequest { Name = "no good" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad);
        Assert.Equal(["name"], fields);
        var (missing, _, _) = await FailureOf(() => daemon.Instances.GetAccountAsync(new GetAccountRequest { Name = "nobody" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing);
        await CreateAsync(MarketMaker("account-stopped"));
        var (stopped, _, detail) = await FailureOf(() => daemon.Instances.GetAccountAsync(new GetAccountRequest { Name = "account-stopped" }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, stopped);
        Assert.Contains("its account is read from its running worker", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PauseOnAStoppedInstance_IsSavedInItsSpec_ForItsNextStart_AndResumeClearsIt()
    {
        await CreateAsync(MarketMaker("cmd-pause"));
        var paused = await daemon.Instances.CommandInstanceAsync(new CommandInstanceRequest { Name = "cmd-pause", Pause = new PauseQuoting() });
        Assert.Equal(("saved; applies at the next start", true), (paused.Outcome, paused.Instance.Spec.QuotingPaused));
        Assert.True((await daemon.Instances.GetInstanceAsync(new GetInstanceRequest { Name = "cmd-pause" })).Instance.Spec.QuotingPaused);
        // The pause is the operator's state, not what the instance is: creating it again from its spec is still idempotent.
        Assert.True((await CreateAsync(MarketMaker("cmd-pause"))).Spec.QuotingPaused);
        await daemon.Instances.CommandInstanceAsync(new CommandInstanceRequest { Name = "cmd-pause", Resume = new ResumeQuoting() });
        Assert.False((await daemon.Instances.GetInstanceAsync(new GetInstanceRequest { Name = "cmd-pause" })).Instance.Spec.QuotingPaused);
    }

    [Fact]
    public async Task CancelAllOnAStoppedInstance_IsFailedPrecondition_AndPausesNothing()
    {
        await CreateAsync(MarketMaker("cmd-cancel"));
        var (code, _, detail) = await FailureOf(() => daemon.Instances.CommandInstanceAsync(new CommandInstanceRequest
        {
            Name = "cmd-cancel", CancelAllOnSymbol = new CancelAllOnSymbol { Confirm = true },
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, code);
        Assert.Contains("needs a running instance", detail);
        Assert.False((await daemon.Instances.GetInstanceAsync(new GetInstanceRequest { Name = "cmd-cancel" })).Instance.Spec.QuotingPaused);
    }

    [Fact]
    public async Task AdjustGrid_NamesTheRequestsBadFields_AndChangesNothing()
    {
        await CreateAsync(Grid("cmd-grid-bad"));
        var (code, fields, _) = await FailureOf(() => daemon.Instances.CommandInstanceAsync(new CommandInstanceRequest
        {
            Name = "cmd-grid-bad", AdjustGrid = new AdjustGridRange { LowerPrice = "170", UpperPrice = "150" },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["adjust_grid.upper_price"], fields);
        (code, fields, _) = await FailureOf(() => daemon.Instances.CommandInstanceAsync(new CommandInstanceRequest
        {
            Name = "cmd-grid-bad", AdjustGrid = new AdjustGridRange { LowerPrice = "abc" },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["adjust_grid.upper_price", "adjust_grid.lower_price"], fields);
        var spec = (await daemon.Instances.GetInstanceAsync(new GetInstanceRequest { Name = "cmd-grid-bad" })).Instance.Spec;
        Assert.Equal(("140", "160"), (spec.SpotGrid.LowerPrice, spec.SpotGrid.UpperPrice));
    }

    [Fact]
    public async Task AdjustGrid_OnAStoppedGrid_IsSaved_ForItsNextStart()
    {
        await CreateAsync(Grid("cmd-grid"));
        var response = await daemon.Instances.CommandInstanceAsync(new CommandInstanceRequest
        {
            Name = "cmd-grid", AdjustGrid = new AdjustGridRange { LowerPrice = "145", UpperPrice = "165" },
        });
        Assert.Equal("saved; applies at the next start", response.Outcome);
        var spec = (await daemon.Instances.GetInstanceAsync(new GetInstanceRequest { Name = "cmd-grid" })).Instance.Spec;
        Assert.Equal(("145", "165", false), (spec.SpotGrid.LowerPrice, spec.SpotGrid.UpperPrice, spec.SpotGrid.AutoPriceRange));
    }

    [Fact]
    public async Task AdjustGrid_OnAMarketMaker_IsFailedPrecondition_AndUpdate_OnAGrid_Too()
    {
        await CreateAsync(MarketMaker("cmd-mm"));
        await CreateAsync(Grid("cmd-grid2"));
        var (code, _, detail) = await FailureOf(() => daemon.Instances.CommandInstanceAsync(new CommandInstanceRequest
        {
            Name = "cmd-mm", AdjustGrid = new AdjustGridRange { LowerPrice = "1", UpperPrice = "2" },
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, code);
        Assert.Equal("instance 'cmd-mm' runs perp_market_making; adjust_grid is for grids", detail);
        (code, _, _) = await FailureOf(() => daemon.Instances.CommandInstanceAsync(new CommandInstanceRequest
        {
            Name = "cmd-grid2", Update = new UpdateParameters { SpreadPct = "0.3" },
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, code);
    }

    [Fact]
    public async Task Update_IsValidatedLikeASpec_AndSaved()
    {
        await CreateAsync(MarketMaker("cmd-set"));
        var (code, fields, _) = await FailureOf(() => daemon.Instances.CommandInstanceAsync(new CommandInstanceRequest
        {
            Name = "cmd-set", Update = new UpdateParameters { SpreadPct = "-1", OrderQuantity = "lots", Levels = 99 },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["update.spread_pct", "update.order_quantity", "update.levels"], fields);
        (code, fields, _) = await FailureOf(() => daemon.Instances.CommandInstanceAsync(new CommandInstanceRequest
        {
            Name = "cmd-set", Update = new UpdateParameters(),
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["update"], fields);

        await daemon.Instances.CommandInstanceAsync(new CommandInstanceRequest { Name = "cmd-set", Update = new UpdateParameters { SpreadPct = "0.35" } });
        var spec = (await daemon.Instances.GetInstanceAsync(new GetInstanceRequest { Name = "cmd-set" })).Instance.Spec;
        Assert.Equal(("0.35", "0.5"), (spec.PerpMarketMaking.SpreadPct, spec.PerpMarketMaking.OrderQuantity));
        // Creating the instance again with its old spec is now a different spec.
        var (exists, _, _) = await FailureOf(() => daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = MarketMaker("cmd-set") }).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, exists);
    }

    [Fact]
    public async Task ACapitalUpdate_GoesToAnyStrategy_ReplacesTheAssetsNamed_AndIsValidatedLikeASpec()
    {
        var spec = new InstanceSpec { Name = "cmd-cap", Symbol = "SOL_USDC", SpotMarketMaking = new SpotMarketMakingConfig { SpreadPct = "0.2" } };
        spec.Capital.Add("USDC", "1000");
        spec.Capital.Add("SOL", "5");
        await CreateAsync(spec);
        var (code, fields, _) = await FailureOf(() => daemon.Instances.CommandInstanceAsync(new CommandInstanceRequest
        {
            Name = "cmd-cap", Update = new UpdateParameters { SpreadPct = "-1", Capital = { ["USDC"] = "lots" } },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["update.spread_pct", "update.capital[USDC]"], fields);

        await daemon.Instances.CommandInstanceAsync(new CommandInstanceRequest { Name = "cmd-cap", Update = new UpdateParameters { Capital = { ["USDC"] = "1500" } } });
        var updated = (await daemon.Instances.GetInstanceAsync(new GetInstanceRequest { Name = "cmd-cap" })).Instance.Spec;
        Assert.Equal(new Dictionary<string, string> { ["USDC"] = "1500", ["SOL"] = "5" }, updated.Capital);
        Assert.Equal("0.2", updated.SpotMarketMaking.SpreadPct); // the parameters as they were
        // A grid takes a new capital too (its spread it has not).
        await CreateAsync(Grid("cmd-cap-grid"));
        await daemon.Instances.CommandInstanceAsync(new CommandInstanceRequest { Name = "cmd-cap-grid", Update = new UpdateParameters { Capital = { ["USDC"] = "700" } } });
        Assert.Equal("700", (await daemon.Instances.GetInstanceAsync(new GetInstanceRequest { Name = "cmd-cap-grid" })).Instance.Spec.Capital["USDC"]);
    }
}
