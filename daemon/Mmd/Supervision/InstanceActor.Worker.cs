using Google.Protobuf.WellKnownTypes;
using GrpcMM.Protos.V1;
using GrpcMM.Protos.Worker.V1;

namespace Mmd.Supervision;

// The worker's life: spawn, attach, health, memory, stop, exit, restart.
public sealed partial class InstanceActor
{
    private WorkerHandle? _worker;
    private WorkerConnection? _connection;
    private Exiting? _exiting;
    private string? _killReason;
    private DateTimeOffset _spawnedAt;
    private DateTimeOffset? _lastHealthAt;
    private DateTimeOffset? _lastMissCounted;
    private int _healthFailures;
    private DateTimeOffset? _healthySince;
    private WorkerPhase _phase;
    private InstanceHealth _health = new();
    private readonly List<TaskCompletionSource<Instance>> _startWaiters = [];
    private readonly List<TaskCompletionSource<StopOutcome>> _stopWaiters = [];
    private TimeSpan _stopTimeout;
    private bool _stopFlatten;
    private string? _stopReason; // the first stop's, sent to the worker: its exit then says why it ended
    private DateTimeOffset? _stopSentAt;
    private DateTimeOffset? _stoppingSince; // the worker's first report of its stop
    private bool _killSent;
    // A stop asked for a sweep (not a restart's stop), and whether the worker now running is that sweep.
    private bool _sweepWanted;
    private bool _operatorStartPending;
    private bool _sweeping;
    private string _sweepCause = "";
    // The venues' request shares the worker was last told (at launch, then over its link), and the budgets' version then.
    private Dictionary<string, uint> _sharesSent = [];
    private Dictionary<string, uint> _partsSent = [];
    private long _sharesVersion = -1;

    /// <summary>A live worker of a previous daemon, found by pid and start time: watch it and wait for it to attach.</summary>
    public void Adopt(int pid, DateTimeOffset startedAt, long runId)
    {
        _worker = WorkerHandle.Adopt(pid, startedAt, runId);
        _ctx.Budgets.Claim(Name, RequestBudgets.VenuesOf(_spec)); // told its share once it attaches
        _spawnedAt = _ctx.Time.GetUtcNow();
        _state = _desired == DesiredState.Stopped ? InstanceState.Stopping : InstanceState.Starting;
        _lastEventMessage = $"adopted live worker pid {pid}";
        Publish();
    }

    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        await DriveAsync(cancellationToken);
        // A start returns once the worker quotes, or once it is clear that it does not (backoff, failed, exited).
        if (_state == InstanceState.Running || _worker is null)
        {
            foreach (var w in _startWaiters) w.TrySetResult(SnapshotAfterPublish());
            _startWaiters.Clear();
        }
    }

    private async Task DriveAsync(CancellationToken cancellationToken)
    {
        var now = _ctx.Time.GetUtcNow();
        if (_desired == DesiredState.Running && _worker is null)
        {
            if (_state == InstanceState.Backoff && _nextRetryAt is { } at && now < at) return;
            if (_state is InstanceState.Failed or InstanceState.Exited) return;
            var restart = _state == InstanceState.Backoff;
            await SpawnAsync(restart, cancellationToken);
        }
        else if (_worker is not null && (_desired == DesiredState.Stopped || _stopSentAt is not null))
        {
            // A stop under way keeps its timeout even when a start came meanwhile: the start waits for this worker's end.
            _state = InstanceState.Stopping;
            if (_stopSentAt is null)
            {
                _stopSentAt = now;
                if (_stopTimeout == TimeSpan.Zero) _stopTimeout = _settings.StopTimeout;
                // Attached: ask over the link. Not attached: SIGTERM, which the worker handles the same way.
                if (_connection is null || !_connection.Send(new DaemonCommand { Stop = StopCommand() })) _worker.Terminate();
            }
            else if (!_killSent && now - _stopSentAt.Value > _stopTimeout)
            {
                _killReason = $"stop timeout: killed after {_stopTimeout.TotalSeconds:0}s";
                _killSent = _worker.Kill();
            }
        }
    }

    private Instance SnapshotAfterPublish()
    {
        Publish();
        return Snapshot;
    }

    private async Task SpawnAsync(bool restart, CancellationToken cancellationToken)
    {
        if (restart) _restarts++;
        ResetWorkerState();
        _state = InstanceState.Starting;
        // Only the first worker of an operator's start clears a tripped kill switch; the supervisor's restarts keep it.
        var operatorStart = _operatorStartPending;
        _operatorStartPending = false;
        if (await LaunchAsync(sweep: false, cancellationToken, operatorStart) is not { } worker)
        {
            _operatorStartPending = operatorStart; // no worker ran: the next one is still the operator's
            await FailedToStartAsync(_lastLaunchError!, cancellationToken);
            return;
        }
        await EventAsync(restart ? "restart" : "state", restart ? $"restart {_restarts}: worker pid {worker.Pid}" : $"worker pid {worker.Pid} started", cancellationToken);
    }

    /// <summary>
    /// A stop that no worker confirmed (killed at the stop timeout, failed, or none ran after one was killed): a worker that
    /// only reconciles and cancels what is left, then exits (mmd worker --sweep). Its clean exit confirms the book; the
    /// stop answers once it has ended, the stop timeout bounding it too. One per stop.
    /// </summary>
    private async Task SpawnSweepAsync(string why, CancellationToken cancellationToken)
    {
        var (timeout, flatten, reason) = (_stopTimeout, _stopFlatten, _stopReason);
        ResetWorkerState();
        (_stopTimeout, _stopFlatten, _stopReason) = (timeout == TimeSpan.Zero ? _settings.StopTimeout : timeout, flatten, reason);
        _state = InstanceState.Stopping;
        _sweepWanted = false;
        if (await LaunchAsync(sweep: true, cancellationToken) is not { } worker)
        {
            await EventAsync("sweep", $"could not start a sweep worker: {_lastLaunchError}", cancellationToken);
            await SettleStoppedAsync("no sweep: " + _lastLaunchError, 0, cancellationToken);
            return;
        }
        _sweeping = true;
        _sweepCause = why;
        _stopSentAt = _spawnedAt; // it stops by itself; the stop timeout runs from now, and no SIGTERM races its start
        await EventAsync("sweep", $"worker pid {worker.Pid} reconciles and cancels what is left ({why})", cancellationToken);
    }

    private string? _lastLaunchError;

    private async Task<WorkerHandle?> LaunchAsync(bool sweep, CancellationToken cancellationToken, bool operatorStart = false)
    {
        System.Diagnostics.Process process;
        try
        {
            // Counted before it starts, so that it starts with its share and the others are told theirs at their next tick.
            _ctx.Budgets.Claim(Name, RequestBudgets.VenuesOf(_spec));
            _sharesVersion = _ctx.Budgets.Version;
            _sharesSent = _ctx.Budgets.SharesOf(Name);
            process = _ctx.Launcher.Start(Name, _spec, _settings.HealthInterval, sweep ? _stopTimeout : null, operatorStart, _sharesSent);
            WorkerSpecIs(_spec);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _ctx.Budgets.Release(Name);
            (_sharesSent, _partsSent) = ([], []);
            _lastLaunchError = ex.Message;
            return null;
        }
        var startedAt = ProcFs.StartTime(process.Id) ?? _ctx.Time.GetUtcNow();
        long runId;
        try
        {
            runId = await _ctx.Store.WorkerStartedAsync(Name, process.Id, startedAt, _restarts, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A worker without its run in the database could not be found again by the next daemon (adoption reads the
            // runs): left running, it would trade beside the one that daemon starts. It is killed at once, before it has
            // opened its journal or its venue, and the start backs off as a failed start does.
            await KillUnrecordedAsync(process, cancellationToken);
            _ctx.Budgets.Release(Name);
            (_sharesSent, _partsSent) = ([], []);
            _lastLaunchError = $"cannot record the worker in the daemon's database: {ex.GetBaseException().Message}";
            return null;
        }
        var worker = WorkerHandle.Started(process, startedAt, runId);
        _worker = worker;
        _spawnedAt = _ctx.Time.GetUtcNow();
        _ = WatchChildAsync(worker);
        return worker;
    }

    private async Task KillUnrecordedAsync(System.Diagnostics.Process process, CancellationToken cancellationToken)
    {
        using (process)
        {
            try
            {
                process.Kill();
                await process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(5), _ctx.Time, cancellationToken);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or TimeoutException) { }
            // Killed before it sent anything as a rule; its journal says for sure, and an order sent is one to sweep.
            if (await _ctx.Journals.SentOrdersAsync(Name, process.Id, cancellationToken) != false) Volatile.Write(ref _bookUnconfirmed, true);
        }
    }

    private async Task WatchChildAsync(WorkerHandle worker)
    {
        var code = await worker.WaitForChildExitAsync(CancellationToken.None);
        // The actor may be completed at daemon shutdown; then nobody needs to know.
        TryPost(new ChildExited(worker, code));
    }

    /// <summary>How long a worker's exit waits for its link (its Hello, then its last messages) before the exit is handled.</summary>
    private static readonly TimeSpan LinkDrain = TimeSpan.FromSeconds(3);

    private async Task PostWhenLinkReadAsync(ChildExited exited)
    {
        var deadline = _ctx.Time.GetUtcNow() + LinkDrain;
        try
        {
            // Off the actor: the handle, not the actor's state, says whether and on which link the worker attached.
            await exited.Worker.Attached.WaitAsync(LinkDrain, _ctx.Time);
            var left = deadline - _ctx.Time.GetUtcNow();
            if (exited.Worker.Connection is { } link && left > TimeSpan.Zero) await link.ReadToEnd.WaitAsync(left, _ctx.Time);
        }
        catch (TimeoutException) { } // it never dialed, or its link is stuck: the exit code is all there is
        TryPost(exited with { LinkRead = true });
    }

    private async Task FailedToStartAsync(string reason, CancellationToken cancellationToken)
    {
        _lastExitReason = $"could not start the worker: {reason}";
        _lastExitCode = -1;
        _lastExitAt = _ctx.Time.GetUtcNow();
        await ScheduleRestartOrSettleAsync(failed: true, wasRunning: false, cancellationToken);
    }

    private void ResetWorkerState()
    {
        _connection = null;
        FailPendingCommands();
        _exiting = null;
        _killReason = null;
        _killSent = false;
        _lastHealthAt = null;
        _lastMissCounted = null;
        _healthFailures = 0;
        _healthySince = null;
        _phase = WorkerPhase.Starting;
        _health = new InstanceHealth();
        _stopSentAt = null;
        _stoppingSince = null;
        _stopFlatten = false;
        _stopReason = null;
        _stopTimeout = TimeSpan.Zero;
        _sweeping = false;
    }

    private Stop StopCommand() => new() { Timeout = Duration.FromTimeSpan(_stopTimeout), Flatten = _stopFlatten, Reason = _stopReason ?? "stop requested" };

    private async Task<bool> OnAttachedAsync(WorkerConnection connection, CancellationToken cancellationToken)
    {
        if (_worker is null || _worker.Pid != connection.Pid || (_worker.StartedAt - connection.StartedAt).Duration() > TimeSpan.FromSeconds(1))
        {
            SupervisionLog.AttachRefused(_ctx.Logger, Name, connection.Pid, _worker?.Pid ?? 0);
            return false;
        }
        _connection = connection;
        _worker.MarkAttached(connection);
        // What it trades with: for a worker re-adopted after a daemon restart, the only way to know.
        if (connection.Spec is { } spec) WorkerSpecIs(spec);
        _lastHealthAt = _ctx.Time.GetUtcNow();
        connection.Send(new DaemonCommand { Welcome = new Welcome { HealthInterval = Duration.FromTimeSpan(_settings.HealthInterval) } });
        SendShares(connection, always: true); // an adopted worker's may have changed while the daemon was away
        await EventAsync("state", $"worker pid {connection.Pid} attached", cancellationToken);
        // A stop asked for before it attached (or while the daemon was away) is sent now.
        if (_stopSentAt is not null)
            connection.Send(new DaemonCommand { Stop = StopCommand() });
        return true;
    }

    /// <summary>
    /// Tells the worker its part of each venue's request limits when another instance started or ended there, or the
    /// split by demand moved.
    /// </summary>
    private void SendShares(WorkerConnection connection, bool always)
    {
        _sharesVersion = _ctx.Budgets.Version;
        var shares = _ctx.Budgets.SharesOf(Name);
        var parts = _ctx.Budgets.PartsOf(Name);
        if (!always && Same(shares, _sharesSent) && Same(parts, _partsSent)) return;
        (_sharesSent, _partsSent) = (shares, parts);
        if (shares.Count > 0 || always) connection.Send(new DaemonCommand { RequestShares = new RequestShares { Instances = { shares }, PartPpm = { parts } } });
    }

    private static bool Same(Dictionary<string, uint> a, Dictionary<string, uint> b) => a.Count == b.Count && a.All(e => b.GetValueOrDefault(e.Key) == e.Value);

    private async Task OnHealthAsync(Health health, CancellationToken cancellationToken)
    {
        var now = _ctx.Time.GetUtcNow();
        _lastHealthAt = now;
        _lastMissCounted = null;
        _phase = health.Phase;
        _ctx.Budgets.Report(Name, health.RequestDemand, running: health.Phase == WorkerPhase.Running);
        if (_desired == DesiredState.Running)
            _state = health.Phase switch
            {
                WorkerPhase.Running => InstanceState.Running,
                WorkerPhase.Stopping => InstanceState.Stopping,
                _ => InstanceState.Starting,
            };
        var problem = health.Phase != WorkerPhase.Running ? ""
            : !health.MarketDataFresh ? "market data stale"
            : !health.AccountStreamConnected ? "account stream disconnected"
            : "";
        _health = new InstanceHealth
        {
            Healthy = health.Phase == WorkerPhase.Running && problem.Length == 0,
            MarketDataFresh = health.MarketDataFresh,
            AccountStreamConnected = health.AccountStreamConnected,
            LastLoop = health.LastLoop,
            LastBookUpdate = health.LastBookUpdate,
            LastReport = Timestamp.FromDateTimeOffset(now),
            Problem = problem,
            RssBytes = health.RssBytes,
        };
        _stoppingSince = health.Phase == WorkerPhase.Stopping ? _stoppingSince ?? now : null;
        if (_health.Healthy)
        {
            _healthFailures = 0;
            _healthySince ??= now;
        }
        // A worker that reports its stop is cancelling its orders: it is given the stop timeout, not failed by the probe
        // (which counted every stop as a failure once the start-up grace was over, and killed a worker stopping by itself,
        // at a duration's end, after the threshold's probes). One the daemon asked to stop is killed at that timeout.
        // Within the start-up grace a running worker is not failed for the first book it is still waiting for (it
        // reports every change of phase and health at once, so that report comes early); any other problem counts.
        else if (!StoppingInTime(now)
                 && (now - _spawnedAt > _settings.StartupGrace || (health.Phase == WorkerPhase.Running && health.LastBookUpdate is not null)))
        {
            await CountHealthFailureAsync(problem.Length > 0 ? problem
                : health.Phase == WorkerPhase.Stopping ? $"still stopping after {_settings.StopTimeout.TotalSeconds:0}s"
                : $"still {health.Phase.ToString().ToLowerInvariant()} after {_settings.StartupGrace.TotalSeconds:0}s", cancellationToken);
        }
    }

    private bool StoppingInTime(DateTimeOffset now) =>
        _stoppingSince is { } since && (_stopSentAt is not null || now - since <= _settings.StopTimeout);

    private async Task CountHealthFailureAsync(string problem, CancellationToken cancellationToken)
    {
        _healthySince = null;
        _healthFailures++;
        _health.ConsecutiveFailures = (uint)_healthFailures;
        _health.Healthy = false;
        _health.Problem = problem;
        if (_healthFailures == 1 || _healthFailures == _settings.HealthFailureThreshold)
            await EventAsync("health", $"liveness probe failed ({_healthFailures}/{_settings.HealthFailureThreshold}): {problem}", cancellationToken);
        if (_healthFailures >= _settings.HealthFailureThreshold && _desired == DesiredState.Running)
            Kill($"liveness: {problem} ({_healthFailures} failed probes)");
    }

    private void Kill(string reason)
    {
        if (_worker is null || _killReason is not null) return;
        _killReason = reason;
        SupervisionLog.Killing(_ctx.Logger, Name, _worker.Pid, reason);
        _killSent = _worker.Kill();
    }

    private async Task OnTickAsync(CancellationToken cancellationToken)
    {
        if (_worker is null) return;
        if (_connection is { } link && _ctx.Budgets.Version != _sharesVersion) SendShares(link, always: false);
        var now = _ctx.Time.GetUtcNow();
        if (_worker.Adopted && _worker.AdoptedProcessGone)
        {
            await OnWorkerGoneAsync(_exiting?.ExitCode, cancellationToken);
            return;
        }
        if (_killReason is not null || _desired == DesiredState.Stopped) return;

        if (_connection is null)
        {
            if (now - _spawnedAt > _settings.StartupGrace) Kill($"liveness: the worker did not attach within {_settings.StartupGrace.TotalSeconds:0}s");
            return;
        }
        // A silent worker (wedged loop, stopped process) counts one failure per missed report period.
        var silentFor = now - (_lastHealthAt ?? _spawnedAt);
        if (silentFor > 2 * _settings.HealthInterval && (_lastMissCounted is null || now - _lastMissCounted.Value >= _settings.HealthInterval))
        {
            _lastMissCounted = now;
            await CountHealthFailureAsync($"no health report for {silentFor.TotalSeconds:0.#}s", cancellationToken);
            if (_killReason is not null) return;
        }
        if (_settings.MemoryLimitBytes > 0 && ProcFs.ResidentBytes(_worker.Pid) is { } rss)
        {
            _health.RssBytes = (ulong)rss;
            if (rss > _settings.MemoryLimitBytes)
            {
                Kill($"memory limit: {rss / (1024 * 1024)} MB resident > {_settings.MemoryLimitBytes / (1024 * 1024)} MB");
                return;
            }
        }
        if (_healthySince is { } since && now - since >= _settings.ResetAfter && _consecutiveFailures > 0)
        {
            _consecutiveFailures = 0;
            await EventAsync("state", $"healthy for {_settings.ResetAfter.TotalSeconds:0}s: backoff reset", cancellationToken);
        }
    }

    private async Task OnWorkerGoneAsync(int? exitCode, CancellationToken cancellationToken)
    {
        var worker = _worker!;
        var wasRunning = _state == InstanceState.Running;
        var now = _ctx.Time.GetUtcNow();
        var wasSweep = _sweeping;
        var stopping = _stopSentAt is not null; // asked to stop (a sweep stops by itself)
        var reason = _killReason ?? DescribeExit(exitCode, _exiting);
        var ordersLeft = _exiting?.OrdersLeft ?? 0;
        // A killed worker confirmed nothing; a run that sent nothing leaves the book as the run before it did. Which
        // runs sent nothing: those whose exit says so, and those whose journal holds no order of theirs.
        var confirms = _killReason is null ? ExitCodes.ConfirmsFlatBook(_exiting?.ExitCode ?? exitCode) : false;
        bool? sentOrders = null;
        if (confirms == false && (sentOrders = await _ctx.Journals.SentOrdersAsync(Name, worker.Pid, cancellationToken)) == false) confirms = null;
        reason = WorkerJournals.Reason(reason, sentOrders);
        if (confirms is { } said) Volatile.Write(ref _bookUnconfirmed, !said);
        if (wasSweep) reason = confirms == true ? $"{_sweepCause}; a sweep cancelled what was left" : $"{_sweepCause}; the sweep failed: {reason}";
        _connection?.Close();
        _connection = null;
        _worker = null;
        _ctx.Budgets.Release(Name);
        (_sharesSent, _partsSent) = ([], []);
        worker.Dispose();
        _lastExitReason = reason;
        _lastExitCode = exitCode ?? -1;
        _lastExitAt = now;
        _health = new InstanceHealth { Problem = "not running" };
        await RecordAsync(ct => _ctx.Store.WorkerEndedAsync(Name, worker.RunId, exitCode, reason, sentOrders, ct), "the worker's end", cancellationToken);

        if (_desired == DesiredState.Stopped)
        {
            if (_bookUnconfirmed && _sweepWanted && !wasSweep)
            {
                await EventAsync("exit", $"worker pid {worker.Pid} ended: {reason}", cancellationToken);
                await SpawnSweepAsync(reason, cancellationToken);
                return;
            }
            await SettleStoppedAsync(reason, ordersLeft, cancellationToken);
            return;
        }
        if (wasSweep || stopping)
        {
            // Started again while it stopped or swept: the stop has its answer, and the next step spawns a trading worker,
            // whose start reconciles whatever this one left (as a restart's does), so no sweep.
            _state = InstanceState.Starting; // the start already dropped any sweep the stop wanted
            await EventAsync("state", $"stopped ({reason}); starting again, as asked meanwhile", cancellationToken);
            AnswerStops(new StopOutcome(SnapshotAfterPublish(), ordersLeft, _bookUnconfirmed, StartedAgain: true));
            return;
        }
        var failed = _killReason is not null || exitCode != 0;
        await EventAsync("exit", $"worker pid {worker.Pid} ended: {reason}", cancellationToken);
        await ScheduleRestartOrSettleAsync(failed, wasRunning, cancellationToken);
    }

    private async Task SettleStoppedAsync(string reason, uint ordersLeft, CancellationToken cancellationToken)
    {
        _state = InstanceState.Stopped;
        _sweepWanted = false;
        await EventAsync("state", $"stopped ({reason})", cancellationToken);
        AnswerStops(new StopOutcome(SnapshotAfterPublish(), ordersLeft, _bookUnconfirmed));
    }

    private void AnswerStops(StopOutcome outcome)
    {
        foreach (var w in _stopWaiters) w.TrySetResult(outcome);
        _stopWaiters.Clear();
    }

    private async Task ScheduleRestartOrSettleAsync(bool failed, bool wasRunning, CancellationToken cancellationToken)
    {
        var now = _ctx.Time.GetUtcNow();
        if (_settings.Restarts(failed))
        {
            if (failed) _consecutiveFailures++;
            var delay = failed ? _settings.BackoffAfter(_consecutiveFailures, wasRunning) : _settings.InitialBackoff;
            _nextRetryAt = now + delay;
            _state = InstanceState.Backoff;
            ArmRetry(_nextRetryAt.Value);
            SupervisionLog.BackingOff(_ctx.Logger, Name, delay.TotalSeconds, _consecutiveFailures, _lastExitReason);
        }
        else
        {
            _state = failed ? InstanceState.Failed : InstanceState.Exited;
            _desired = DesiredState.Stopped;
            await RecordAsync(ct => _ctx.Store.SetDesiredStateAsync(Name, "stopped", resetRestarts: false, ct), "its desired state", cancellationToken);
        }
    }

    /// <summary>
    /// Wakes the actor at <paramref name="retryAt"/>, so that the next worker starts then and not at the supervisor's next
    /// tick (up to 250 ms later: a quarter of a second more without quotes, at every restart after the first). Timed from
    /// the clock now, not from when the delay was chosen; a retry already due needs none: this step starts the worker.
    /// </summary>
    private void ArmRetry(DateTimeOffset retryAt)
    {
        _retryTimer?.Dispose();
        var due = retryAt - _ctx.Time.GetUtcNow();
        _retryTimer = due > TimeSpan.Zero
            ? _ctx.Time.CreateTimer(static actor => ((InstanceActor)actor!).TryPost(Tick.Instance), this, due + RetryTimerSlack, Timeout.InfiniteTimeSpan)
            : null;
    }

    /// <summary>Timers count whole milliseconds: one that fired a hair before the retry's time would find it not yet due.</summary>
    private static readonly TimeSpan RetryTimerSlack = TimeSpan.FromMilliseconds(2);

    internal static string DescribeExit(int? exitCode, Exiting? exiting)
    {
        // A clean end says only why ("stopped by operator"); orders left on the venue say so first, whatever the cause.
        if (exiting is { Reason.Length: > 0 })
            return exiting.ExitCode switch
            {
                ExitCodes.Ok => exiting.Reason,
                ExitCodes.OrdersLeftOnVenue => $"{ExitCodes.Describe(exiting.ExitCode)} ({(exiting.OrdersUnconfirmed ? "could not confirm how many" : $"{exiting.OrdersLeft} left")}; {exiting.Reason})",
                _ => $"exit code {exiting.ExitCode}: {exiting.Reason}",
            };
        return exitCode is { } code ? ExitCodes.Describe(code) : "the worker is gone (exit code unknown)";
    }
}
