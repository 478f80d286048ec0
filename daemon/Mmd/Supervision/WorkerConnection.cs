using System.Threading.Channels;
using GrpcMM.Protos.Worker.V1;

namespace Mmd.Supervision;

/// <summary>The daemon's end of one worker's Attach stream: commands are queued here and written by the RPC.</summary>
public sealed class WorkerConnection(int pid, DateTimeOffset startedAt)
{
    private readonly Channel<DaemonCommand> _outgoing = Channel.CreateBounded<DaemonCommand>(
        new BoundedChannelOptions(16) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });

    public int Pid { get; } = pid;
    public DateTimeOffset StartedAt { get; } = startedAt;

    /// <summary>The spec the worker says it trades with (its Hello); null from an older worker.</summary>
    public GrpcMM.Protos.V1.InstanceSpec? Spec { get; init; }

    public ChannelReader<DaemonCommand> Outgoing => _outgoing.Reader;

    public bool Send(DaemonCommand command) => _outgoing.Writer.TryWrite(command);

    public void Close() => _outgoing.Writer.TryComplete();

    private readonly TaskCompletionSource _readToEnd = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when every message the worker sent has been handed to its actor and the stream has ended.</summary>
    public Task ReadToEnd => _readToEnd.Task;

    public void MarkReadToEnd() => _readToEnd.TrySetResult();
}
