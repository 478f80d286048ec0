using Google.Rpc;
using Grpc.Core;
using GrpcMM.Protos.V1;
using Mmd.Configuration;
using Mmd.Daemon;
using Mmd.TestKit;

namespace Mmd.Daemon.Tests;

/// <summary>The daemon hosted in the test process on a temp socket and a temp database: the API's contract.</summary>
public sealed class InProcessDaemon : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _dir = new();
    private DaemonApp? _app;
    private DaemonConfig? _config;

    public string SocketPath => _dir.Combine("state", "mmd.sock");

    public Mmd.Watching.StatsHub Hub => _app!.Hub;

    /// <summary>Where the daemon reads an instance's journal (its worker writes it).</summary>
    public string JournalPath(string name) => _config!.JournalPath(name);

    public InstanceService.InstanceServiceClient Instances { get; private set; } = null!;
    public StatsService.StatsServiceClient Stats { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var config = _config = new DaemonConfig { SocketPath = SocketPath, StateDir = _dir.Combine("state"), LogDir = _dir.Combine("logs") };
        _app = await DaemonApp.StartAsync(config, CancellationToken.None, console: false);
        var channel = GrpcMM.Protos.UnixSocketChannel.Create(SocketPath);
        Instances = new InstanceService.InstanceServiceClient(channel);
        Stats = new StatsService.StatsServiceClient(channel);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        Dispose();
    }

    public void Dispose() => _dir.Dispose();
}

public sealed class InstanceApiTests(InProcessDaemon daemon) : IClassFixture<InProcessDaemon>
{
    /// <summary>A paper spot market maker: what the API tests create.</summary>
    internal static InstanceSpec Spec(string name, string spread = "0.2") => new()
    {
        Name = name, Venue = "paper", Symbol = "SOL_USDC",
        SpotMarketMaking = new SpotMarketMakingConfig { SpreadPct = spread, OrderQuantity = "0.5", Levels = 3 },
    };

    /// <summary>The status of a call that must fail, and the fields its BadRequest names.</summary>
    internal static async Task<(StatusCode Code, IReadOnlyList<string> Fields)> FailureOf(Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(call);
        var fields = ex.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.Select(v => v.Field).ToList() ?? [];
        return (ex.StatusCode, fields);
    }

    [Fact]
    public async Task InvalidSpec_IsInvalidArgument_WithAViolationPerBadField_AndCreatesNothing()
    {
        var spec = Spec("Bad Name", spread: "-1");
        spec.SpotMarketMaking.Levels = 0;
        spec.SpotMarketMaking.OrderQuantity = "lots";
        var (code, fields) = await FailureOf(() => daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = spec }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Contains("name", fields);
        Assert.Contains("spot_market_making.spread_pct", fields);
        Assert.Contains("spot_market_making.levels", fields);
        Assert.Contains("spot_market_making.order_quantity", fields);
        Assert.DoesNotContain((await daemon.Instances.ListInstancesAsync(new ListInstancesRequest())).Instances, i => i.Name.StartsWith("bad", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Create_IsIdempotentOnNameAndSpec_ADifferentSpecUnderTheSameNameIsAlreadyExists()
    {
        var first = await daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = Spec("idem") });
        Assert.True(first.Created);
        Assert.Equal(InstanceState.Created, first.Instance.State);
        var again = await daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = Spec("idem") });
        Assert.False(again.Created);
        Assert.Equal(first.Instance.CreatedAt, again.Instance.CreatedAt);
        var (code, _) = await FailureOf(() => daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = Spec("idem", spread: "0.3") }).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, code);
        Assert.Single((await daemon.Instances.ListInstancesAsync(new ListInstancesRequest())).Instances, i => i.Name == "idem");
    }

    [Fact]
    public async Task ASecondLighterInstanceWhoseNameHashesToAHeldTag_IsRefused_NamingTheHolder()
    {
        static uint Tag(string name) => Exchanges.Shared.NumericClientIds.DefaultTag(name, Exchanges.Lighter.LighterConnector.MaxTag);
        InstanceSpec Lighter(string name) => new()
        {
            Name = name, Venue = "lighter", Symbol = "SOL",
            PerpMarketMaking = new PerpMarketMakingConfig { SpreadPct = "0.2", OrderQuantity = "0.5", MaxPosition = "1" },
        };
        var twin = Enumerable.Range(0, 1_000_000).Select(i => $"lt{i}").First(n => n != "lt-held" && Tag(n) == Tag("lt-held"));
        await daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = Lighter("lt-held") }).ResponseAsync;
        var ex = await Assert.ThrowsAsync<RpcException>(() => daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = Lighter(twin) }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var violation = Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations);
        Assert.Equal("name", violation.Field);
        Assert.Contains("'lt-held'", violation.Description, StringComparison.Ordinal);
        await Assert.ThrowsAsync<RpcException>(() => daemon.Instances.GetInstanceAsync(new GetInstanceRequest { Name = twin }).ResponseAsync);
        await daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = Lighter("lt-other") }).ResponseAsync; // a name with another tag is taken
    }

    [Fact]
    public async Task UnknownNames_AreNotFound_MalformedNamesAreInvalid()
    {
        foreach (var call in new Func<Task>[]
        {
            () => daemon.Instances.GetInstanceAsync(new GetInstanceRequest { Name = "ghost" }).ResponseAsync,
            () => daemon.Instances.StartInstanceAsync(new StartInstanceRequest { Name = "ghost" }).ResponseAsync,
            () => daemon.Instances.StopInstanceAsync(new StopInstanceRequest { Name = "ghost" }).ResponseAsync,
            () => daemon.Instances.DeleteInstanceAsync(new DeleteInstanceRequest { Name = "ghost" }).ResponseAsync,
        })
            Assert.Equal(StatusCode.NotFound, (await FailureOf(call)).Code);
        var (code, fields) = await FailureOf(() => daemon.Instances.GetInstanceAsync(new GetInstanceRequest { Name = "NOT A NAME" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["name"], fields);
    }

    [Fact]
    public async Task History_IsTheInstancesEvents_NewestFirst_ADeletedInstancesToo_AndABadRequestNamesItsFields()
    {
        await daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = Spec("chronicle") });
        await daemon.Instances.CommandInstanceAsync(new CommandInstanceRequest { Name = "chronicle", Pause = new PauseQuoting() });
        var history = await daemon.Instances.GetInstanceHistoryAsync(new GetInstanceHistoryRequest { Name = "chronicle" });
        Assert.Empty(history.Runs);
        Assert.Equal(["operator", "operator"], history.Events.Select(e => e.Kind));
        Assert.Equal("created", history.Events[1].Message);
        Assert.StartsWith("pause", history.Events[0].Message, StringComparison.Ordinal);
        Assert.True(history.Events[0].Time.ToDateTimeOffset() >= history.Events[1].Time.ToDateTimeOffset());

        await daemon.Instances.DeleteInstanceAsync(new DeleteInstanceRequest { Name = "chronicle" });
        var afterDelete = await daemon.Instances.GetInstanceHistoryAsync(new GetInstanceHistoryRequest { Name = "chronicle", Limit = 1 });
        Assert.Equal(["deleted"], afterDelete.Events.Select(e => e.Message));
        // Nothing since the delete: for an instance that is gone, that is not found.
        var later = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(StatusCode.NotFound, (await FailureOf(() => daemon.Instances.GetInstanceHistoryAsync(new GetInstanceHistoryRequest { Name = "chronicle", Since = later }).ResponseAsync)).Code);
        Assert.Equal(StatusCode.NotFound, (await FailureOf(() => daemon.Instances.GetInstanceHistoryAsync(new GetInstanceHistoryRequest { Name = "never-was" }).ResponseAsync)).Code);

        var (code, fields) = await FailureOf(() => daemon.Instances.GetInstanceHistoryAsync(new GetInstanceHistoryRequest
        {
            Name = "NOT A NAME", Limit = 1001, Since = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = 1, Nanos = -1 },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["name", "limit", "since"], fields);
    }

    [Fact]
    public async Task Templates_AreListed_AndATemplateNeedsAName()
    {
        var templates = (await daemon.Instances.ListTemplatesAsync(new ListTemplatesRequest())).Templates;
        Assert.Contains(templates, t => t.Name == "paper-spot-mm");
        var (code, fields) = await FailureOf(() => daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Template = "paper-spot-mm" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["name"], fields);
        (code, fields) = await FailureOf(() => daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Template = "nope", Name = "t1" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["template"], fields);
        var created = await daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Template = "paper-spot-mm", Name = "from-template", Symbol = "SOL_USDC" });
        Assert.Equal("from-template", created.Instance.Spec.Name);
    }

    [Fact]
    public async Task StoppingAnInstanceThatIsNotRunning_IsANoOp_DeletingItRemovesIt()
    {
        await daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = Spec("idle") });
        var stopped = await daemon.Instances.StopInstanceAsync(new StopInstanceRequest { Name = "idle" });
        Assert.Equal(0u, stopped.OrdersLeft);
        await daemon.Instances.DeleteInstanceAsync(new DeleteInstanceRequest { Name = "idle" });
        Assert.Equal(StatusCode.NotFound, (await FailureOf(() => daemon.Instances.GetInstanceAsync(new GetInstanceRequest { Name = "idle" }).ResponseAsync)).Code);
    }

    [Fact]
    public async Task Watch_ValidatesItsNames()
    {
        var (code, fields) = await FailureOf(async () =>
        {
            using var call = daemon.Stats.Watch(new WatchRequest { Names = { "Bad Name" } });
            await call.ResponseStream.MoveNext(CancellationToken.None);
        });
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["names[0]"], fields);
        (code, _) = await FailureOf(async () =>
        {
            using var call = daemon.Stats.Watch(new WatchRequest { Names = { "ghost" } });
            await call.ResponseStream.MoveNext(CancellationToken.None);
        });
        Assert.Equal(StatusCode.NotFound, code);
    }

    [Fact]
    public async Task Watch_EveryWatcherOfAnInstance_ReceivesTheSameMessages()
    {
        await daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = Spec("shared") });
        using var first = daemon.Stats.Watch(new WatchRequest { Names = { "shared" } });
        using var second = daemon.Stats.Watch(new WatchRequest { Names = { "shared" } });
        Assert.True(await first.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        Assert.True(await second.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        var (a, b) = (first.ResponseStream.Current, second.ResponseStream.Current);
        Assert.Equal("shared", a.Instance);
        Assert.Equal(WatchEvent.KindOneofCase.Lifecycle, a.KindCase);
        Assert.Equal(a, b);
    }

    [Fact]
    public async Task Watch_OfAQuietInstance_EndsWhenTheClientCancels_AndWhenTheDaemonStops()
    {
        // Its own daemon: the shared one's watcher count moves with the other tests' watches.
        var own = new InProcessDaemon();
        await own.InitializeAsync();
        var stopped = false;
        try
        {
            // Never started: after its first message the watch gets nothing more, so only its end can finish it.
            await own.Instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = Spec("quiet") });
            using (var cancel = new CancellationTokenSource())
            {
                using var call = own.Stats.Watch(new WatchRequest { Names = { "quiet" } }, cancellationToken: cancel.Token);
                Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
                Assert.Equal(1, own.Hub.WatcherCount);
                await cancel.CancelAsync();
                await Until.TrueAsync(() => own.Hub.WatcherCount == 0, "the cancelled watch leaves the hub");
            }

            using var open = own.Stats.Watch(new WatchRequest { Names = { "quiet" } });
            Assert.True(await open.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
            var next = open.ResponseStream.MoveNext(CancellationToken.None);
            // A watch still waiting for a message would hold the stop for the host's grace and then be cut off
            // with the connection, not end with the daemon's own status.
            stopped = true;
            await own.DisposeAsync().DefaultTimeout();
            var ended = await Assert.ThrowsAsync<RpcException>(() => next.DefaultTimeout());
            Assert.Equal((StatusCode.Unavailable, "the daemon is shutting down"), (ended.StatusCode, ended.Status.Detail));
        }
        finally
        {
            if (!stopped) await own.DisposeAsync();
        }
    }

    [Fact]
    public async Task ServerReflection_ListsThePublicServices_AndDescribesStatsService()
    {
        var reflection = new global::Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(GrpcMM.Protos.UnixSocketChannel.Create(daemon.SocketPath));
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new global::Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = "" });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("mm.v1.StatsService", services);
        Assert.Contains("mm.v1.InstanceService", services);
        Assert.Contains("mm.v1.DaemonService", services);
        Assert.Contains("grpc.health.v1.Health", services);
        await call.RequestStream.WriteAsync(new global::Grpc.Reflection.V1Alpha.ServerReflectionRequest { FileContainingSymbol = "mm.v1.StatsService" });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        Assert.NotEmpty(call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto);
        await call.RequestStream.CompleteAsync();
    }
}
