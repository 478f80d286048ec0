using Grpc.Core;
using GrpcMM.Protos.V1;
using Mmd.Supervision;
using Mmd.Watching;

namespace Mmd.Grpc;

/// <summary>mm.v1.StatsService.Watch: a StatsHub subscription written to the stream as fast as the client reads.</summary>
public sealed class StatsApi(Supervisor supervisor, Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime) : StatsServiceBinding
{
    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    public override async Task Watch(WatchRequest request, IServerStreamWriter<WatchEvent> responseStream, ServerCallContext context)
    {
        var bad = request.Names.Where(n => !Specs.SpecValidator.IsValidName(n)).Select((n, i) => new Specs.FieldViolation($"names[{i}]", $"'{n}' is not an instance name")).ToList();
        if (bad.Count > 0) throw new InvalidRequestException(bad);
        foreach (var name in request.Names) if (supervisor.Find(name) is null) throw new InstanceNotFoundException(name);

        var hub = supervisor.Hub;
        var watcher = hub.Subscribe(request.Names, request.AfterSequence);
        // A watch ends when the daemon stops, as UNAVAILABLE: a client retries and resumes after its last sequence with
        // the next daemon. Left open, it held the shutdown for the host's 30 s grace.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        // The end of the watch completes its queue rather than riding on each wait: a channel wait given a cancellable
        // token allocates an operation and a token registration every time, a thousand of them per publish.
        using var completeOnEnd = linked.Token.Register(static w => ((StatsHub.Watcher)w!).Complete(), watcher);
        try
        {
            var reader = watcher.Reader;
            while (await reader.WaitToReadAsync(CancellationToken.None))
                while (reader.TryRead(out var e))
                {
                    var dropped = watcher.TakeDropped();
                    if (dropped > 0)
                    {
                        e = e.Clone();
                        e.Dropped = (ulong)dropped;
                    }
                    // While more messages wait, let them share one flush (and HTTP/2 frame batch): a busy watcher
                    // costs the daemon a write per burst, not per message.
                    responseStream.WriteOptions = reader.Count > 0 ? Buffered : null;
                    await responseStream.WriteAsync(e, linked.Token);
                }
            linked.Token.ThrowIfCancellationRequested();
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the daemon is shutting down"));
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested) { }
        finally
        {
            hub.Unsubscribe(watcher);
        }
    }
}
