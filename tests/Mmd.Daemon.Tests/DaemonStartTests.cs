using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using GrpcMM.Protos.V1;
using Mmd.Configuration;
using Mmd.Daemon;
using Mmd.TestKit;

namespace Mmd.Daemon.Tests;

/// <summary>The daemon's start, in process: what clients see while it loads, and where it reads the instances' specs from.</summary>
public sealed class DaemonStartTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private DaemonConfig Config => new() { SocketPath = _dir.Combine("state", "mmd.sock"), StateDir = _dir.Combine("state"), LogDir = _dir.Combine("logs") };

    private string Database => _dir.Combine("state", "mmd.db");

    private static InstanceSpec MarketMaker(string name) => new()
    {
        Name = name, Symbol = "SOL_USDC_PERP", PerpMarketMaking = new PerpMarketMakingConfig { SpreadPct = "0.2", OrderQuantity = "0.5" },
    };

    [Fact]
    public async Task WhileItLoads_HealthSaysNotServing_AndOtherCallsWaitForTheInstances()
    {
        // A live migrator of a new database holds its file lock: the daemon's loading waits for it.
        Directory.CreateDirectory(_dir.Combine("state"));
        var migrator = new FileStream(Database + ".migrating", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var starting = DaemonApp.StartAsync(Config, CancellationToken.None, console: false);
        using var channel = GrpcMM.Protos.UnixSocketChannel.Create(Config.SocketPath);
        var health = new Health.HealthClient(channel);

        // Kestrel listens before the instances are loaded; until they are, health answers NOT_SERVING.
        HealthCheckResponse.Types.ServingStatus? status = null;
        await Until.TrueAsync(async () =>
        {
            if (!File.Exists(Config.SocketPath)) return false;
            try { status = (await health.CheckAsync(new HealthCheckRequest())).Status; }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable) { return false; } // bound, not yet listening
            return true;
        }, "the daemon answers health checks");
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, status);
        var list = new InstanceService.InstanceServiceClient(channel).ListInstancesAsync(new ListInstancesRequest()).ResponseAsync;
        Assert.False(starting.IsCompleted);
        Assert.False(list.IsCompleted);

        // The migrator lets go: the daemon migrates, loads, answers the waiting call, and serves.
        await migrator.DisposeAsync();
        await using var app = await starting.DefaultTimeout();
        Assert.Empty((await list.DefaultTimeout()).Instances);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
    }

    [Fact]
    public async Task ASpec_IsReadFromItsBytes_UnlessAWriterChangedItsJsonAlone_ThenItsBytesAreSavedAgain()
    {
        await using (var app = await DaemonApp.StartAsync(Config, CancellationToken.None, console: false))
        {
            using var channel = GrpcMM.Protos.UnixSocketChannel.Create(Config.SocketPath);
            var instances = new InstanceService.InstanceServiceClient(channel);
            await instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = MarketMaker("bytes") });
            await instances.CommandInstanceAsync(new CommandInstanceRequest { Name = "bytes", Update = new UpdateParameters { SpreadPct = "0.35" } });
        }
        var saved = InstanceSpec.Parser.ParseFrom((byte[])(await SqliteFile.ScalarAsync(Database, "SELECT SpecProto FROM instances WHERE Name = 'bytes'"))!);
        Assert.Equal("0.35", saved.PerpMarketMaking.SpreadPct);

        // The daemon reads the bytes: a spread only they hold is the one it loads.
        var onlyInBytes = saved.Clone();
        onlyInBytes.PerpMarketMaking.SpreadPct = "0.55";
        await SqliteFile.ExecuteAsync(Database, $"UPDATE instances SET SpecProto = X'{Convert.ToHexString(onlyInBytes.ToByteArray())}' WHERE Name = 'bytes'");
        Assert.Equal("0.55", (await LoadedSpecAsync("bytes")).PerpMarketMaking.SpreadPct);

        // A writer that changes the JSON alone (an older mmd) leaves the bytes stale: they are dropped, and the JSON is read.
        await SqliteFile.ExecuteAsync(Database, "UPDATE instances SET SpecJson = replace(SpecJson, '\"0.35\"', '\"0.45\"') WHERE Name = 'bytes'");
        Assert.Equal(1L, await SqliteFile.ScalarAsync(Database, "SELECT SpecProto IS NULL FROM instances WHERE Name = 'bytes'"));
        await using (var app = await DaemonApp.StartAsync(Config, CancellationToken.None, console: false))
        {
            Assert.Equal("0.45", (await GetSpecAsync("bytes")).PerpMarketMaking.SpreadPct);
            // A second after its start, the daemon saves the bytes of what it read from JSON, for its next start.
            await Until.TrueAsync(async () => await SqliteFile.ScalarAsync(Database, "SELECT SpecProto IS NULL FROM instances WHERE Name = 'bytes'") is 0L, "the spec's bytes are saved");
        }
        var resaved = InstanceSpec.Parser.ParseFrom((byte[])(await SqliteFile.ScalarAsync(Database, "SELECT SpecProto FROM instances WHERE Name = 'bytes'"))!);
        Assert.Equal("0.45", resaved.PerpMarketMaking.SpreadPct);
    }

    private async Task<InstanceSpec> LoadedSpecAsync(string name)
    {
        await using var app = await DaemonApp.StartAsync(Config, CancellationToken.None, console: false);
        return await GetSpecAsync(name);
    }

    private async Task<InstanceSpec> GetSpecAsync(string name)
    {
        using var channel = GrpcMM.Protos.UnixSocketChannel.Create(Config.SocketPath);
        return (await new InstanceService.InstanceServiceClient(channel).GetInstanceAsync(new GetInstanceRequest { Name = name })).Instance.Spec;
    }

    public void Dispose() => _dir.Dispose();
}
