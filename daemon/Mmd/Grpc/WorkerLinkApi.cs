using Grpc.Core;
using GrpcMM.Protos.Worker.V1;
using Mmd.Supervision;

namespace Mmd.Grpc;

/// <summary>
/// mm.worker.v1.WorkerLink on the worker socket: a worker says Hello, is routed to its instance's actor, then
/// streams health, stats and its exit; the actor's commands (Welcome, Stop) flow back on the same call.
/// </summary>
public sealed class WorkerLinkApi(Supervisor supervisor, Configuration.DaemonConfig config, Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime) : WorkerLink.WorkerLinkBase
{
    public override async Task Attach(IAsyncStreamReader<WorkerMessage> requestStream, IServerStreamWriter<DaemonCommand> responseStream, ServerCallContext context)
    {
        // The link ends when the daemon stops: the worker keeps trading and dials the next daemon. Left open, the link
        // held every shutdown for the host's 30 s grace.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var token = linked.Token;
        // Only on the worker socket: the public socket may admit other uids.
        var socket = context.GetHttpContext().Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionSocketFeature>()?.Socket;
        if (socket?.LocalEndPoint?.ToString() != config.WorkerSocketPath)
            throw new RpcException(new Status(StatusCode.PermissionDenied, "the worker link is served on the worker socket only"));
        if (!await requestStream.MoveNext(token) || requestStream.Current.KindCase != WorkerMessage.KindOneofCase.Hello)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the first message must be Hello"));
        var hello = requestStream.Current.Hello;
        if (hello.Protocol != ProtocolVersion._1)
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"worker protocol {hello.Protocol} is not supported (daemon speaks {ProtocolVersion._1})"));
        var connection = new WorkerConnection(hello.Pid, hello.StartedAt.ToDateTimeOffset())
        {
            Spec = hello.Spec,
        };
        if (!await supervisor.AttachAsync(hello.Instance, connection, token))
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"no instance '{hello.Instance}' supervises pid {hello.Pid}"));
        var actor = supervisor.Find(hello.Instance)!;

        var writer = WriteCommandsAsync(connection, responseStream, token);
        try
        {
            while (await requestStream.MoveNext(token))
            {
                var m = requestStream.Current;
                ActorMessage? message = m.KindCase switch
                {
                    WorkerMessage.KindOneofCase.Health => new HealthReported(connection, m.Health),
                    WorkerMessage.KindOneofCase.Stats => new StatsReported(m.Stats),
                    WorkerMessage.KindOneofCase.Exiting => new ExitingReported(m.Exiting),
                    WorkerMessage.KindOneofCase.CommandResult => new CommandResultReported(m.CommandResult),
                    _ => null,
                };
                if (message is not null) await actor.PostAsync(message, token);
                else if (m.KindCase == WorkerMessage.KindOneofCase.RequestsPaused) supervisor.VenuePaused(hello.Instance, m.RequestsPaused);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested) { }
        catch (IOException) { } // the worker went away mid-message
        finally
        {
            connection.MarkReadToEnd();
            connection.Close();
            actor.TryPost(new WorkerDetached(connection));
            try { await writer; } catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException) { }
        }
    }

    private static async Task WriteCommandsAsync(WorkerConnection connection, IServerStreamWriter<DaemonCommand> stream, CancellationToken token)
    {
        await foreach (var command in connection.Outgoing.ReadAllAsync(token)) await stream.WriteAsync(command, token);
    }
}
