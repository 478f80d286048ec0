using Grpc.Core;
using Grpc.Net.Client;
using GrpcMM.Protos;
using GrpcMM.Protos.V1;

namespace Mmctl.Connection;

/// <summary>
/// The daemon's socket (--socket, then MMCTL_SOCKET, then ./daemon/state/mmd.sock (the shipped daemon.json), then the daemon's own default) and
/// a gRPC channel over it.
/// </summary>
public sealed class DaemonConnection : IDisposable
{
    private readonly GrpcChannel _channel;

    private DaemonConnection(string socketPath)
    {
        SocketPath = socketPath;
        _channel = UnixSocketChannel.Create(socketPath);
    }

    public string SocketPath { get; }
    public InstanceService.InstanceServiceClient Instances => new(_channel);
    public StatsService.StatsServiceClient Stats => new(_channel);
    public DaemonService.DaemonServiceClient Daemon => new(_channel);
    public Grpc.Health.V1.Health.HealthClient Health => new(_channel);

    public static string ResolveSocket(string? flag)
    {
        if (!string.IsNullOrEmpty(flag)) return Path.GetFullPath(flag);
        if (Environment.GetEnvironmentVariable("MMCTL_SOCKET") is { Length: > 0 } env) return Path.GetFullPath(env);
        var local = Path.GetFullPath("daemon/state/mmd.sock");
        if (File.Exists(local)) return local;
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state", "grpcmm", "state", "mmd.sock");
    }

    /// <summary>Opens a connection, or explains in one line why there is no daemon to talk to.</summary>
    public static DaemonConnection Open(string? socketFlag)
    {
        var path = ResolveSocket(socketFlag);
        if (!File.Exists(path)) throw new NoDaemonException(path, "no socket there");
        return new DaemonConnection(path);
    }

    public void Dispose() => _channel.Dispose();
}

/// <summary>There is no daemon on the socket.</summary>
public sealed class NoDaemonException(string socketPath, string why) : Exception(
    $"mmctl: no daemon at {socketPath} ({why}). Start one with `mmd` (or `dotnet run --project daemon/Mmd`), or point --socket / MMCTL_SOCKET at it.")
{
    public string SocketPath { get; } = socketPath;
}

/// <summary>Turns RPC failures into one clear line and an exit code (from the one table in <see cref="ExitCodes"/>).</summary>
public static class RpcFailures
{
    public static int Report(Exception ex, string socketPath)
    {
        switch (ex)
        {
            case NoDaemonException none:
                Console.Error.WriteLine(none.Message);
                return ExitCodes.Unavailable;
            case RpcException { StatusCode: StatusCode.Unavailable } rpc:
                Console.Error.WriteLine(new NoDaemonException(socketPath, rpc.Status.DebugException?.InnerException?.Message ?? rpc.Status.Detail).Message);
                return ExitCodes.Unavailable;
            case RpcException rpc:
                var bad = rpc.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>();
                var violations = bad?.FieldViolations.Select(v => $"{v.Field}: {v.Description}").ToList() ?? [];
                // The daemon's message ends with the violations too, for clients that do not read the details: one line each here.
                var summary = $": {string.Join("; ", violations)}";
                var detail = violations.Count > 0 && rpc.Status.Detail.EndsWith(summary, StringComparison.Ordinal) ? rpc.Status.Detail[..^summary.Length] : rpc.Status.Detail;
                Console.Error.WriteLine($"mmctl: {Describe(rpc.StatusCode)}: {detail}");
                foreach (var v in violations) Console.Error.WriteLine($"  {v}");
                return ExitCodes.From(rpc.StatusCode);
            default:
                throw ex;
        }
    }

    private static string Describe(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument => "invalid",
        StatusCode.NotFound => "not found",
        StatusCode.AlreadyExists => "already exists",
        StatusCode.FailedPrecondition => "refused",
        StatusCode.PermissionDenied => "permission denied",
        StatusCode.DeadlineExceeded => "timed out",
        StatusCode.ResourceExhausted => "out of resources",
        _ => code.ToString(),
    };
}
