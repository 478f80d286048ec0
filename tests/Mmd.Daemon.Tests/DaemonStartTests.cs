using Grpc.Core;
using Grpc.Health.V1;
using GrpcMM.Protos.V1;
using Mmd.Configuration;
using Mmd.Daemon;
using Mmd.TestKit;

namespace Mmd.Daemon.Tests;

/// <summary>The daemon's start, in process: what clients see while it loads.</summary>
public sealed class DaemonStartTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private DaemonConfig Config => new() { SocketPath = _dir.Combine("state", "mmd.sock"), StateDir = _dir.Combine("state"), LogDir = _dir.Combine("logs") };

    private string Database => _dir.Combine("state", "mmd.db");

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

    public void Dispose() => _dir.Dispose();
}
