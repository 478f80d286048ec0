using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using GrpcMM.Protos.V1;
using GrpcMM.Protos.Worker.V1;
using Microsoft.Extensions.Logging;
using Mmd.Persistence.Daemon;
using Mmd.Specs;
using Mmd.Watching;

namespace Mmd.Supervision;

/// <summary>Services an instance actor uses.</summary>
public sealed record ActorContext(
    TimeProvider Time,
    DaemonStore Store,
    StatsHub Hub,
    WorkerLauncher Launcher,
    WorkerJournals Journals,
    Action<string, bool> SetHealth,
    ILogger Logger,
    RequestBudgets Budgets);

/// <summary>
/// Supervises one instance: drives its worker towards the desired state (start, restart with backoff, stop,
/// kill on failed liveness or memory), one message at a time, and publishes a snapshot after each.
/// </summary>
public sealed partial class InstanceActor
{
    private readonly ActorContext _ctx;
    private readonly Channel<ActorMessage> _inbox = Channel.CreateBounded<ActorMessage>(new BoundedChannelOptions(4096)
    {
        SingleReader = true, FullMode = BoundedChannelFullMode.Wait,
    });
    private string _specJson;
    private InstanceSpec _spec;
    private SupervisionSettings _settings;
    // What the running worker trades with: its start's spec with the live changes it applied, or what its Hello said; null
    // when it cannot be known (a worker of an older mmd). Compared with the instance's spec: a restart is pending.
    private InstanceSpec? _workerSpec;
    private bool _restartPending;
    private readonly DateTimeOffset _createdAt;

    private DesiredState _desired;
    private InstanceState _state;
    private int _restarts;
    private int _consecutiveFailures;
    private DateTimeOffset? _nextRetryAt;
    // Wakes the actor when a backoff ends (see ArmRetry).
    private ITimer? _retryTimer;
    private string _lastExitReason = "";
    private int _lastExitCode;
    // No worker confirmed that none of the instance's orders is left since one was last sent (ExitCodes.ConfirmsFlatBook).
    private bool _bookUnconfirmed;
    private DateTimeOffset? _lastExitAt;
    private InstanceStats? _stats;
    private Instance _snapshot = new();
    // When the actor last finished handling a message (UTC ticks): the supervisor's tick reaches it every 250 ms.
    private long _lastStepTicks;

    public InstanceActor(string name, InstanceSpec spec, string specJson, SupervisionSettings settings, DesiredState desired,
        DateTimeOffset createdAt, int restarts, ActorContext context)
    {
        Name = name;
        _spec = spec;
        _specJson = specJson;
        _settings = settings;
        _desired = desired;
        _createdAt = createdAt;
        _restarts = restarts;
        _ctx = context;
        _lastStepTicks = context.Time.GetUtcNow().UtcTicks;
        _state = InstanceState.Created;
        Publish();
    }

    public string Name { get; }
    public string SpecJson => Volatile.Read(ref _specJson);

    /// <summary>The instance's spec; replaced (never mutated) by a live parameter change.</summary>
    public InstanceSpec Spec => Volatile.Read(ref _spec);

    /// <summary>No worker confirmed that none of the instance's orders is left: its last trading run was killed or failed.</summary>
    public bool BookUnconfirmed => Volatile.Read(ref _bookUnconfirmed);

    /// <summary>What the running worker trades with, as far as known: a restart is pending when it differs from the spec (but for supervision, the daemon's).</summary>
    private void WorkerSpecIs(InstanceSpec? workerSpec)
    {
        _workerSpec = workerSpec;
        _restartPending = workerSpec is not null && SpecEdits.TradingJson(workerSpec) != SpecEdits.TradingJson(_spec);
    }

    /// <summary>When the actor last finished handling a message (or was created): one that stops stepping is wedged.</summary>
    public DateTimeOffset LastStepAt => new(Volatile.Read(ref _lastStepTicks), TimeSpan.Zero);

    /// <summary>The latest snapshot; replaced (never mutated) after every message.</summary>
    public Instance Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>Restores what the database and the last run say, before <see cref="RunAsync"/>.</summary>
    public void Restore(InstanceState state, string lastExitReason, int lastExitCode, DateTimeOffset? lastExitAt, bool bookUnconfirmed)
    {
        (_state, _lastExitReason, _lastExitCode, _lastExitAt, _bookUnconfirmed) = (state, lastExitReason, lastExitCode, lastExitAt, bookUnconfirmed);
        Publish();
    }

    internal async ValueTask PostAsync(ActorMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await _inbox.Writer.WriteAsync(message, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            throw new InstanceNotFoundException(Name); // deleted meanwhile
        }
    }

    internal bool TryPost(ActorMessage message) => _inbox.Writer.TryWrite(message);

    /// <summary>Takes an updated spec (and the supervision settings it resolves to): the next worker runs it.</summary>
    internal async Task ReplaceSpecAsync(InstanceSpec spec, string json, SupervisionSettings settings, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await PostAsync(new SpecReplaced(spec, json, settings, done), cancellationToken);
        await done.Task.WaitAsync(cancellationToken);
    }

    public async Task<Instance> StartAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<Instance>(TaskCreationOptions.RunContinuationsAsynchronously);
        await PostAsync(new StartRequested(done), cancellationToken);
        return await done.Task.WaitAsync(cancellationToken);
    }

    public async Task<StopOutcome> StopAsync(TimeSpan? timeout, bool flatten, string reason, bool sweep, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<StopOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        await PostAsync(new StopRequested(timeout, flatten, reason, sweep, done), cancellationToken);
        return await done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Before a delete removes the actor: false when a worker runs or is wanted (a start came since the delete's stop);
    /// once true, every later request is refused as not found.
    /// </summary>
    public async Task<bool> RetireAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await PostAsync(new RetireRequested(done), cancellationToken);
        return await done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Ends the actor loop; the worker is left running (live restore).</summary>
    public void Complete() => _inbox.Writer.TryComplete();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _inbox.Reader.ReadAllAsync(cancellationToken))
            {
                try
                {
                    await HandleAsync(message, cancellationToken);
                    await ReconcileAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    SupervisionLog.ActorStepFailed(_ctx.Logger, Name, ex);
                }
                Publish();
                Volatile.Write(ref _lastStepTicks, _ctx.Time.GetUtcNow().UtcTicks);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
        _retryTimer?.Dispose();
        _worker?.Dispose();
    }

    private bool _retired;

    private async Task HandleAsync(ActorMessage message, CancellationToken cancellationToken)
    {
        if (_retired)
        {
            RefuseRetired(message);
            return;
        }
        switch (message)
        {
            case RetireRequested retire:
                _retired = _worker is null && _desired == DesiredState.Stopped;
                retire.Done.TrySetResult(_retired);
                break;
            case CommandRequested command:
                OnCommand(command);
                break;
            case CommandResultReported result:
                OnCommandResult(result.Result);
                break;
            case WorkerReadAsked asked:
                OnWorkerReadAsked(asked);
                break;
            case SpecReplaced replaced:
                Volatile.Write(ref _spec, replaced.Spec);
                Volatile.Write(ref _specJson, replaced.Json);
                WorkerSpecIs(_workerSpec);
                _settings = replaced.Settings;
                Publish(); // the caller reads the snapshot next
                replaced.Done.TrySetResult();
                break;
            case StartRequested start:
                if (_desired != DesiredState.Running || _state is InstanceState.Failed or InstanceState.Exited or InstanceState.Backoff)
                {
                    _desired = DesiredState.Running;
                    _consecutiveFailures = 0;
                    _nextRetryAt = null;
                    _restarts = 0;
                    _operatorStartPending = true;
                    if (_worker is null) _state = InstanceState.Starting;
                    await RecordAsync(ct => _ctx.Store.SetDesiredStateAsync(Name, "running", resetRestarts: true, ct), "its desired state", cancellationToken);
                    await EventAsync("operator", "started by operator", cancellationToken);
                }
                _sweepWanted = false;
                _startWaiters.Add(start.Done);
                break;
            case StopRequested stop:
                if (_desired != DesiredState.Stopped)
                {
                    _desired = DesiredState.Stopped;
                    await RecordAsync(ct => _ctx.Store.SetDesiredStateAsync(Name, "stopped", resetRestarts: false, ct), "its desired state", cancellationToken);
                    await EventAsync("operator", stop.Reason, cancellationToken);
                }
                _nextRetryAt = null;
                _sweepWanted |= stop.Sweep;
                if (_worker is null && stop.Sweep && Volatile.Read(ref _bookUnconfirmed))
                {
                    // No worker to ask, and none confirmed the book since the last one was killed or failed.
                    _stopTimeout = stop.Timeout ?? _settings.StopTimeout;
                    (_stopFlatten, _stopReason) = (stop.Flatten, stop.Reason);
                    _stopWaiters.Add(stop.Done);
                    await SpawnSweepAsync(_lastExitReason, cancellationToken);
                }
                else if (_worker is null)
                {
                    if (_state is not (InstanceState.Failed or InstanceState.Exited or InstanceState.Created)) _state = InstanceState.Stopped;
                    Publish();
                    // No worker: what the last ones said about the orders stands.
                    stop.Done.TrySetResult(new StopOutcome(Snapshot, 0, Volatile.Read(ref _bookUnconfirmed)));
                }
                else
                {
                    _stopTimeout = stop.Timeout ?? _settings.StopTimeout;
                    _stopFlatten |= stop.Flatten;
                    _stopReason ??= stop.Reason;
                    _stopWaiters.Add(stop.Done);
                }
                break;
            case WorkerAttached attached:
                attached.Accepted.TrySetResult(await OnAttachedAsync(attached.Connection, cancellationToken));
                break;
            case WorkerDetached detached:
                if (ReferenceEquals(detached.Connection, _connection))
                {
                    _connection = null;
                    FailPendingCommands();
                    SupervisionLog.Detached(_ctx.Logger, Name, detached.Connection.Pid);
                }
                break;
            case HealthReported health:
                if (ReferenceEquals(health.Connection, _connection)) await OnHealthAsync(health.Health, cancellationToken);
                break;
            case StatsReported stats:
                _stats = stats.Stats;
                _ctx.Hub.PublishStats(Name, stats.Stats);
                break;
            case ExitingReported exiting:
                _exiting = exiting.Exiting;
                break;
            case HoldRequests hold:
                _connection?.Send(new DaemonCommand { HoldRequests = hold.Pause });
                break;
            case ChildExited exited:
                if (!ReferenceEquals(exited.Worker, _worker)) break;
                if (!exited.LinkRead && _exiting is null && _killReason is null && _connection?.ReadToEnd.IsCompleted != true)
                {
                    // The process exit can overtake the worker's last messages (its exit reason) still in the link, and a
                    // worker that fails at once even its Hello: wait for them first, for a moment at most.
                    _ = PostWhenLinkReadAsync(exited);
                    break;
                }
                await OnWorkerGoneAsync(exited.ExitCode, cancellationToken);
                break;
            case Tick:
                await OnTickAsync(cancellationToken);
                break;
        }
    }

    /// <summary>A request that reached an instance being deleted: it is gone, as for one that came a moment later.</summary>
    private void RefuseRetired(ActorMessage message)
    {
        var gone = new InstanceNotFoundException(Name);
        switch (message)
        {
            case StartRequested start: start.Done.TrySetException(gone); break;
            case StopRequested stop: stop.Done.TrySetException(gone); break;
            case CommandRequested command: command.Done.TrySetException(gone); break;
            case WorkerReadAsked asked: asked.Done.TrySetException(gone); break;
            case RetireRequested retire: retire.Done.TrySetException(gone); break;
            case WorkerAttached attached: attached.Accepted.TrySetResult(false); break;
        }
    }

    private async Task EventAsync(string kind, string message, CancellationToken cancellationToken)
    {
        SupervisionLog.Event(_ctx.Logger, Name, kind, message);
        _lastEventMessage = message;
        await RecordAsync(ct => _ctx.Store.AddEventAsync(Name, kind, message, ct), "an event", cancellationToken);
    }

    /// <summary>
    /// Writes the instance's history or desired state to the daemon's database, and goes on when it cannot (a full disk,
    /// an I/O error): a stop must still stop its worker and a failed worker still be restarted, so supervision never
    /// waits on a record of itself. The log says what was not recorded.
    /// </summary>
    private async Task RecordAsync(Func<CancellationToken, Task> write, string what, CancellationToken cancellationToken)
    {
        try { await write(cancellationToken); }
        catch (Exception ex) when (ex is not OperationCanceledException) { SupervisionLog.NotRecorded(_ctx.Logger, Name, what, ex.GetBaseException().Message); }
    }

    private string _lastEventMessage = "";
    private (InstanceState, int, uint, string) _published;
    private bool? _servingPublished;

    /// <summary>Refreshes the snapshot; publishes a lifecycle event when the state, pid or restarts changed.</summary>
    private void Publish()
    {
        var now = _ctx.Time.GetUtcNow();
        var snapshot = new Instance
        {
            Name = Name,
            Spec = _spec,
            DesiredState = _desired,
            State = _state,
            CreatedAt = Timestamp.FromDateTimeOffset(_createdAt),
            Pid = _worker?.Pid ?? 0,
            Restarts = (uint)_restarts,
            ConsecutiveFailures = (uint)_consecutiveFailures,
            CrashLoop = _state == InstanceState.Backoff && _consecutiveFailures >= 2,
            LastExitReason = _lastExitReason,
            LastExitCode = _lastExitCode,
            Health = _health.Clone(),
            RestartPending = _worker is not null && _restartPending,
        };
        if (_worker is not null) snapshot.RequestSharers.Add(_sharesSent);
        if (_worker is not null) snapshot.RequestPartPpm.Add(_partsSent);
        if (_worker is not null) snapshot.StartedAt = Timestamp.FromDateTimeOffset(_worker.StartedAt);
        if (_nextRetryAt is { } retry && _state == InstanceState.Backoff) snapshot.NextRetryAt = Timestamp.FromDateTimeOffset(retry);
        if (_lastExitAt is { } exitAt) snapshot.LastExitAt = Timestamp.FromDateTimeOffset(exitAt);
        if (_stats is not null) snapshot.Stats = _stats;
        // grpc.health.v1 follows the instance's health as it changes, not only with its lifecycle (a worker that turns
        // healthy when its first book arrives keeps its state, pid and restarts), and before the snapshot shows it.
        var serving = _state == InstanceState.Running && _health.Healthy;
        if (serving != _servingPublished)
        {
            _servingPublished = serving;
            _ctx.SetHealth(Name, serving);
        }
        Volatile.Write(ref _snapshot, snapshot);

        var key = (_state, snapshot.Pid, snapshot.Restarts, _lastEventMessage);
        if (key == _published) return;
        _published = key;
        var text = _state switch
        {
            InstanceState.Backoff when _nextRetryAt is { } at =>
                $"{_lastExitReason}; restart {(_restarts + 1)} in {Math.Max(0, (at - now).TotalSeconds):0.#}s{(snapshot.CrashLoop ? " (crash loop)" : "")}",
            InstanceState.Failed or InstanceState.Exited => _lastExitReason,
            _ => _lastEventMessage,
        };
        _ctx.Hub.PublishLifecycle(Name, new LifecycleEvent { State = _state, Message = text, Restarts = snapshot.Restarts, Pid = snapshot.Pid });
    }
}
