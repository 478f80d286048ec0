using System.Diagnostics;

namespace Mmd.Supervision;

/// <summary>
/// A worker process: one this daemon started (its exit code is known) or one adopted from a previous daemon
/// (it is not our child; its end is seen by polling /proc, its exit code only if it said so before exiting).
/// </summary>
public sealed class WorkerHandle : IDisposable
{
    private readonly Process? _child;

    private WorkerHandle(int pid, DateTimeOffset startedAt, long runId, Process? child)
    {
        Pid = pid;
        StartedAt = startedAt;
        RunId = runId;
        _child = child;
    }

    public int Pid { get; }
    public DateTimeOffset StartedAt { get; }
    public long RunId { get; }
    public bool Adopted => _child is null;

    public static WorkerHandle Started(Process child, DateTimeOffset startedAt, long runId) => new(child.Id, startedAt, runId, child);

    public static WorkerHandle Adopt(int pid, DateTimeOffset startedAt, long runId) => new(pid, startedAt, runId, null);

    /// <summary>Completes with the exit code when our child exits (an adopted worker is watched through /proc instead).</summary>
    public async Task<int> WaitForChildExitAsync(CancellationToken cancellationToken)
    {
        var child = _child ?? throw new InvalidOperationException("an adopted worker is not our child");
        await child.WaitForExitAsync(cancellationToken);
        return child.ExitCode;
    }

    /// <summary>For an adopted worker: whether its process is gone.</summary>
    public bool AdoptedProcessGone => _child is null && !ProcFs.IsSameProcess(Pid, StartedAt);

    private readonly TaskCompletionSource _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile WorkerConnection? _connection;

    /// <summary>Completes once the worker's link has been accepted (read from any thread, unlike the actor's state).</summary>
    public Task Attached => _attached.Task;

    /// <summary>The worker's latest accepted link, or null before the first.</summary>
    public WorkerConnection? Connection => _connection;

    /// <summary>Called by the actor when it accepts the worker's link.</summary>
    internal void MarkAttached(WorkerConnection connection)
    {
        _connection = connection;
        _attached.TrySetResult();
    }

    public bool Terminate() => Signals.Send(Pid, Signals.SigTerm);

    public bool Kill() => !ProcessGone() && Signals.Send(Pid, Signals.SigKill);

    private bool ProcessGone() => _child is not null ? _child.HasExited : AdoptedProcessGone;

    public void Dispose() => _child?.Dispose();
}
