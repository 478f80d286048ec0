using Google.Protobuf;
using GrpcMM.Protos.V1;
using Microsoft.Extensions.Logging;
using Mmd.Configuration;
using Mmd.Persistence.Daemon;
using Mmd.Specs;
using Mmd.Watching;

namespace Mmd.Supervision;

/// <summary>
/// Every instance's actor, by name: the operations of the public API, the desired-versus-actual loop
/// (a tick to each actor), re-adoption of live workers at start, and routing of worker attaches.
/// </summary>
public sealed class Supervisor : IAsyncDisposable
{
    private readonly DaemonConfig _config;
    private readonly ActorContext _ctx;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (InstanceActor Actor, Task Loop)> _actors = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _mutations = new(1, 1);
    private readonly List<(string Name, string SpecJson, byte[] SpecProto)> _specsReadFromJson = [];
    private ITimer? _ticker;
    private ITimer? _sequenceSaver;
    private ITimer? _historyPruner;
    private int _pruning;
    private int _disposed;

    public Supervisor(DaemonConfig config, ActorContext context)
    {
        _config = config;
        _ctx = context;
    }

    public StatsHub Hub => _ctx.Hub;

    /// <summary>Loads every instance, re-adopts live workers, and starts the reconcile ticks.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var entity in await _ctx.Store.LoadInstancesAsync(cancellationToken))
        {
            InstanceSpec spec;
            if (entity.SpecProto is { } proto) spec = InstanceSpec.Parser.ParseFrom(proto);
            else
            {
                spec = InstanceSpecJson.Parse($"instance '{entity.Name}'", System.Text.Encoding.UTF8.GetBytes(entity.SpecJson), out _);
                _specsReadFromJson.Add((entity.Name, entity.SpecJson, spec.ToByteArray()));
            }
            var validated = SpecValidator.Validate(spec, $"instance '{entity.Name}'");
            var desired = entity.DesiredState == "running" ? DesiredState.Running : DesiredState.Stopped;
            _ctx.Hub.Register(entity.Name, entity.LastSequence + SequenceMargin);
            var actor = NewActor(entity.Name, spec, entity.SpecJson, validated, desired, DateTimeOffset.FromUnixTimeMilliseconds(entity.CreatedAtMs), entity.Restarts);
            // A worker that ended while the daemon was down ended first: it is the last run the book depends on.
            (int Pid, DateTimeOffset StartedAt, long RunId)? live = null;
            var vanishedUnrecorded = false; // a vanished worker whose end the database could not take (a full disk)
            if (entity is { WorkerPid: { } pid, WorkerStartedAtMs: { } startedMs, WorkerRunId: { } runId })
            {
                var startedAt = DateTimeOffset.FromUnixTimeMilliseconds(startedMs);
                if (ProcFs.IsSameProcess(pid, startedAt)) live = (pid, startedAt, runId);
                else
                {
                    SupervisionLog.WorkerVanished(_ctx.Logger, entity.Name, pid);
                    var sent = await _ctx.Journals.SentOrdersAsync(entity.Name, pid, cancellationToken);
                    try
                    {
                        await _ctx.Store.WorkerEndedAsync(entity.Name, runId, null,
                            WorkerJournals.Reason("the worker ended while the daemon was down", sent), sent, cancellationToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // The daemon starts all the same (its other instances' workers need it); that run's book counts as unconfirmed.
                        SupervisionLog.NotRecorded(_ctx.Logger, entity.Name, "the end of a worker that ended while the daemon was down", ex.GetBaseException().Message);
                        vanishedUnrecorded = sent != false;
                    }
                }
            }
            var last = await _ctx.Store.LastEndedRunAsync(entity.Name, cancellationToken);
            // The latest run that could have sent orders says whether any is left (only a clean end says none). The runs
            // before the last are read only when the last sent nothing: a second query per instance would cost every start.
            var trading = last is null ? (Found: false, ExitCode: (int?)null)
                : ExitCodes.ConfirmsFlatBook(last.ExitCode) is null || last.SentOrders == false
                    ? await _ctx.Store.LastRunEndExceptAsync(entity.Name, ExitCodes.SentNothing, cancellationToken)
                    : (Found: true, last.ExitCode);
            // A run that ended with no exit code was killed.
            actor.Restore(RestoredState(desired, last), last?.Reason ?? "", last is null ? ExitCodes.Ok : last.ExitCode ?? -1,
                last?.EndedAtMs is { } ended ? DateTimeOffset.FromUnixTimeMilliseconds(ended) : null,
                bookUnconfirmed: vanishedUnrecorded || (trading.Found && ExitCodes.ConfirmsFlatBook(trading.ExitCode) != true));
            if (live is { } worker)
            {
                SupervisionLog.Adopting(_ctx.Logger, entity.Name, worker.Pid, worker.StartedAt);
                actor.Adopt(worker.Pid, worker.StartedAt, worker.RunId);
            }
            Run(actor);
        }
        WarnOfSharedLighterKeys();
        _ticker = _ctx.Time.CreateTimer(_ => TickAll(), null, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
        _sequenceSaver = _ctx.Time.CreateTimer(_ => _ = SaveSequencesAsync(), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
        _historyPruner = _ctx.Time.CreateTimer(_ => _ = PruneHistoryAsync(), null, TimeSpan.FromSeconds(10), TimeSpan.FromHours(1));
    }

    /// <summary>
    /// Saves the bytes of the specs that were read from their JSON (rows an older mmd wrote), so that the next start
    /// reads bytes. Called once, after the start; a spec changed in between keeps the bytes saved with the change.
    /// </summary>
    public async Task SaveSpecBytesAsync(CancellationToken cancellationToken)
    {
        foreach (var (name, json, proto) in _specsReadFromJson) await _ctx.Store.AddSpecProtoAsync(name, json, proto, cancellationToken);
        _specsReadFromJson.Clear();
    }

    /// <summary>
    /// Watch sequence numbers are saved every 2 s; after a crash a restarted daemon continues this far above the
    /// last saved one, so a number is never handed out twice.
    /// </summary>
    private const long SequenceMargin = 1_000_000;

    private static InstanceState RestoredState(DesiredState desired, InstanceRunEntity? last) =>
        desired == DesiredState.Running ? InstanceState.Starting
        : last is null ? InstanceState.Created
        : last.Reason is { } r && r.StartsWith("stop", StringComparison.Ordinal) ? InstanceState.Stopped
        : last.ExitCode == 0 ? InstanceState.Exited
        : InstanceState.Failed;

    private InstanceActor NewActor(string name, InstanceSpec spec, string specJson, ValidatedSpec validated, DesiredState desired, DateTimeOffset createdAt, int restarts) =>
        new(name, spec, specJson, SupervisionSettings.Resolve(validated.Supervision, _config.Supervision), desired, createdAt, restarts, _ctx);

    private void Run(InstanceActor actor)
    {
        var loop = actor.RunAsync(_stopping.Token);
        lock (_gate) _actors[actor.Name] = (actor, loop);
        actor.TryPost(Tick.Instance);
    }

    private void TickAll()
    {
        foreach (var actor in Actors()) actor.TryPost(Tick.Instance);
    }

    private async Task SaveSequencesAsync()
    {
        try { await _ctx.Store.SaveSequencesAsync(_ctx.Hub.Sequences(), _stopping.Token); }
        catch (Exception ex) when (ex is not OperationCanceledException) { SupervisionLog.NotRecorded(_ctx.Logger, "(watch)", "the watch sequences", ex.GetBaseException().Message); }
        catch (OperationCanceledException) { }
    }

    /// <summary>
    /// Deletes the runs and events older than journalRetentionDays, keeping the runs a start reads. Ten seconds after the
    /// start (not among its first requests), then hourly; a prune still running when the next is due skips that one.
    /// </summary>
    private async Task PruneHistoryAsync()
    {
        if (Interlocked.Exchange(ref _pruning, 1) == 1) return;
        try
        {
            var before = _ctx.Time.GetUtcNow() - TimeSpan.FromDays(_config.JournalRetentionDays);
            var (runs, events) = await _ctx.Store.PruneHistoryAsync(before, ExitCodes.SentNothing, _stopping.Token);
            if (runs + events > 0) SupervisionLog.HistoryPruned(_ctx.Logger, before, runs, events);
        }
        catch (Exception ex) when (ex is not OperationCanceledException) { SupervisionLog.ActorStepFailed(_ctx.Logger, "(history prune)", ex); }
        catch (OperationCanceledException) { }
        finally { Volatile.Write(ref _pruning, 0); }
    }

    /// <summary>
    /// The newest <paramref name="limit"/> runs and events of <paramref name="name"/> since <paramref name="since"/>, newest
    /// first; a deleted instance's too. <see cref="InstanceNotFoundException"/> when there is no instance and none of either.
    /// </summary>
    public async Task<GetInstanceHistoryResponse> HistoryAsync(string name, DateTimeOffset? since, int limit, CancellationToken cancellationToken)
    {
        var (runs, events) = await _ctx.Store.ReadHistoryAsync(name, since?.ToUnixTimeMilliseconds() ?? long.MinValue, limit, cancellationToken);
        if (Find(name) is null && runs.Count == 0 && events.Count == 0) throw new InstanceNotFoundException(name);
        var response = new GetInstanceHistoryResponse();
        foreach (var r in runs)
        {
            var run = new InstanceRun { Pid = r.Pid, StartedAt = Time(r.StartedAtMs), Reason = r.Reason ?? "" };
            if (r.EndedAtMs is { } ended) run.EndedAt = Time(ended);
            if (r.ExitCode is { } code) run.ExitCode = code;
            response.Runs.Add(run);
        }
        foreach (var e in events) response.Events.Add(new InstanceHistoryEvent { Time = Time(e.TimeMs), Kind = e.Kind, Message = e.Message });
        return response;

        static Google.Protobuf.WellKnownTypes.Timestamp Time(long ms) =>
            Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(ms));
    }

    /// <summary>
    /// The path of <paramref name="name"/>'s journal, a deleted instance's too (it stays on disk); null for an instance
    /// whose worker never wrote one. <see cref="InstanceNotFoundException"/> when there is no instance and no journal.
    /// </summary>
    public string? JournalOf(string name)
    {
        var path = _config.JournalPath(name);
        if (File.Exists(path)) return path;
        return Find(name) is null ? throw new InstanceNotFoundException(name) : null;
    }

    public IReadOnlyList<InstanceActor> Actors()
    {
        lock (_gate) return _actors.Values.Select(a => a.Actor).OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The venue asked <paramref name="instance"/>'s worker to wait (a 429, Aster's used weight): its limit is the host's,
    /// so every other worker on the venue waits as long rather than earn a 429 of its own (and, on Aster, a ban).
    /// </summary>
    public void VenuePaused(string instance, GrpcMM.Protos.Worker.V1.RequestsPaused pause)
    {
        var others = _ctx.Budgets.OthersOn(pause.Venue, instance);
        SupervisionLog.VenuePaused(_ctx.Logger, instance, pause.Venue, pause.Wait.ToTimeSpan().TotalSeconds, others.Length);
        foreach (var other in others) Find(other)?.TryPost(new HoldRequests(pause));
    }

    public InstanceActor? Find(string name)
    {
        lock (_gate) return _actors.TryGetValue(name, out var a) ? a.Actor : null;
    }

    private InstanceActor Require(string name) => Find(name) ?? throw new InstanceNotFoundException(name);

    public Instance Get(string name) => Require(name).Snapshot;

    public IReadOnlyList<Instance> List() => Actors().Select(a => a.Snapshot).ToList();

    /// <summary>Creates (idempotent on name + identical spec), optionally starting it. Returns the instance and whether it is new.</summary>
    /// <param name="lines">Where each field sits in the spec file it came from, so that errors can say.</param>
    public async Task<(Instance Instance, bool Created)> CreateAsync(InstanceSpec spec, bool start, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, long>? lines = null, bool dryRun = false)
    {
        var validated = SpecValidator.Validate(spec, "spec", lines);
        var json = InstanceSpecJson.Format(spec);
        bool created;
        InstanceActor actor;
        await _mutations.WaitAsync(cancellationToken);
        try
        {
            if (Find(validated.Name) is { } existing)
            {
                // A pause is the operator's state of the instance, not what it is: the spec it was created from still matches.
                if (existing.SpecJson != json && existing.SpecJson != InstanceSpecJson.Format(SpecEdits.Paused(spec, existing.Spec.QuotingPaused)))
                    throw new InstanceAlreadyExistsException(validated.Name);
                (actor, created) = (existing, false);
            }
            else
            {
                if (InstanceConflicts.Find(validated, Actors().Select(a => (a.Name, a.Spec))) is { } clash) throw new InvalidSpecException("spec", [clash]);
                if (start) RefuseLighterKeyClash(validated.Name, spec); // before it is created: a refused start changes nothing
                if (dryRun) return (new Instance { Name = validated.Name, Spec = spec, DesiredState = DesiredState.Stopped }, true);
                var now = _ctx.Time.GetUtcNow();
                await _ctx.Store.AddInstanceAsync(new InstanceEntity
                {
                    Name = validated.Name, SpecJson = json, SpecProto = spec.ToByteArray(), DesiredState = "stopped",
                    CreatedAtMs = now.ToUnixTimeMilliseconds(), UpdatedAtMs = now.ToUnixTimeMilliseconds(),
                }, cancellationToken);
                await OperatorEventAsync(validated.Name, "created", cancellationToken);
                _ctx.Hub.Register(validated.Name, 0);
                actor = NewActor(validated.Name, spec, json, validated, DesiredState.Stopped, now, 0);
                Run(actor);
                created = true;
            }
        }
        finally
        {
            _mutations.Release();
        }
        return (start && !dryRun ? await StartCheckedAsync(actor, cancellationToken) : actor.Snapshot, created);
    }

    // The instances whose operator's start is under way: a start beside them is checked against them too.
    private readonly HashSet<string> _starting = new(StringComparer.Ordinal);

    /// <summary>
    /// Refuses <paramref name="name"/> (with <paramref name="spec"/>) where it would run beside a started instance on one
    /// Lighter API key (<see cref="LighterKeys"/>). Started: wanted running (a worker runs, starts, or backs off), or its
    /// start under way. With <paramref name="claim"/>, it counts as starting from here (<see cref="StartCheckedAsync"/>).
    /// </summary>
    private void RefuseLighterKeyClash(string name, InstanceSpec spec, bool claim = false)
    {
        if (!SpecValidator.TradesOn(spec, "lighter")) return;
        // A secrets file gone bad since the daemon's start: the key is not known, and the worker says so at connect.
        var daemonKey = DaemonLighterKey(out _);
        lock (_gate)
        {
            var started = _actors.Values.Select(a => a.Actor).Where(a => _starting.Contains(a.Name) || a.Snapshot.DesiredState == DesiredState.Running);
            if (LighterKeys.Clash(name, spec, daemonKey, started.Select(a => (a.Name, a.Spec))) is { } clash) throw new InstancePreconditionException(clash);
            if (claim) _starting.Add(name);
        }
    }

    /// <summary>The daemon's Lighter API key index (LIGHTER_API_KEY_INDEX, the environment or the secrets file) as it is now; null when unset or unreadable.</summary>
    private int? DaemonLighterKey(out bool readable)
    {
        readable = true;
        try { return Exchanges.Lighter.LighterCredentials.ApiKeyIndexIn(SecretsFile.WithEnvironment(_config.SecretsFile)); }
        catch (ConfigException)
        {
            readable = false;
            return null;
        }
    }

    /// <summary>
    /// Instances restored wanting to run that sign with one Lighter key (started by an older daemon, or the daemon's key
    /// changed in the secrets file since): the daemon refuses only new starts, so it says so of these, each clash once.
    /// </summary>
    private void WarnOfSharedLighterKeys()
    {
        var daemonKey = DaemonLighterKey(out var readable);
        if (!readable) return; // the workers say what is wrong with the secrets file
        List<InstanceActor> wanted;
        lock (_gate) wanted = _actors.Values.Select(a => a.Actor).Where(a => a.Snapshot.DesiredState == DesiredState.Running).OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
        for (var i = 1; i < wanted.Count; i++)
            if (LighterKeys.Clash(wanted[i].Name, wanted[i].Spec, daemonKey, wanted.Take(i).Select(a => (a.Name, a.Spec)), "instance") is { } clash)
                SupervisionLog.LighterKeyShared(_ctx.Logger, clash);
    }

    /// <summary>An operator's start: refused where it would share a Lighter key with a started instance; a running instance's start is a no-op.</summary>
    private async Task<Instance> StartCheckedAsync(InstanceActor actor, CancellationToken cancellationToken)
    {
        if (actor.Snapshot.DesiredState == DesiredState.Running) return await actor.StartAsync(cancellationToken);
        RefuseLighterKeyClash(actor.Name, actor.Spec, claim: true);
        try { return await actor.StartAsync(cancellationToken); }
        finally { lock (_gate) _starting.Remove(actor.Name); }
    }

    /// <summary>
    /// Replaces an existing instance's spec (validated as a new one; what says where its orders live may not change; a
    /// pause is kept), and with <paramref name="restart"/> restarts a running instance so that it trades with it now.
    /// A <paramref name="dryRun"/> checks and compares alike, and saves, restarts and journals nothing.
    /// </summary>
    /// <returns>The instance, the changed fields, and what happened (or would), for the operator.</returns>
    public async Task<(Instance Instance, IReadOnlyList<SpecChange> Changes, string Outcome)> UpdateAsync(InstanceSpec spec, bool restart, TimeSpan? timeout,
        CancellationToken cancellationToken, IReadOnlyDictionary<string, long>? lines = null, bool dryRun = false)
    {
        var validated = SpecValidator.Validate(spec, "spec", lines);
        var actor = Require(validated.Name);
        IReadOnlyList<SpecChange> changes;
        await _mutations.WaitAsync(cancellationToken); // one spec change at a time, and none during a create or delete
        try
        {
            spec = SpecEdits.Paused(spec, actor.Spec.QuotingPaused);
            if (SpecChanges.Refused(actor.Spec, spec) is { Count: > 0 } refused) throw new InvalidSpecException("spec", refused, lines);
            // Wanted running, its next worker (a restart, the supervisor's after a crash) signs with the new spec's key.
            if (actor.Snapshot.DesiredState == DesiredState.Running) RefuseLighterKeyClash(validated.Name, spec);
            changes = SpecChanges.Diff(actor.Spec, spec);
            if (changes.Count > 0 && !dryRun)
            {
                var json = InstanceSpecJson.Format(spec);
                // Saved first: a database that cannot take it (a full disk) refuses the update before anything changed.
                await _ctx.Store.UpdateSpecAsync(validated.Name, json, spec.ToByteArray(), cancellationToken);
                await actor.ReplaceSpecAsync(spec, json, SupervisionSettings.Resolve(validated.Supervision, _config.Supervision), cancellationToken);
                await OperatorEventAsync(validated.Name, $"spec updated: {string.Join(", ", changes.Select(c => c.Path))}", cancellationToken);
            }
        }
        finally
        {
            _mutations.Release();
        }
        var instance = actor.Snapshot;
        // Supervision is the daemon's and takes effect at once; everything else is the worker's, from its next start.
        var forTheWorker = changes.Any(c => !c.Path.StartsWith("supervision.", StringComparison.Ordinal));
        var restarts = restart && instance.DesiredState == DesiredState.Running && (forTheWorker || instance.RestartPending);
        var outcome = Outcome(changes.Count > 0, forTheWorker, restarts, instance, dryRun);
        if (restarts && !dryRun) instance = await RestartAsync(validated.Name, timeout, cancellationToken);
        return (instance, changes, outcome);
    }

    /// <summary>What an update did, or on a dry run would do, said for the operator.</summary>
    private static string Outcome(bool changed, bool forTheWorker, bool restarts, Instance instance, bool dryRun)
    {
        var saved = !changed ? "unchanged" : dryRun ? "would save" : "saved";
        if (restarts) return $"{saved}; {(dryRun ? "would restart" : "restarted")}";
        if (!changed) return instance.RestartPending ? "unchanged; the worker runs an earlier spec until restarted" : "unchanged";
        if (!forTheWorker) return $"{saved}; supervision {(dryRun ? "would apply" : "applies")} at once";
        return $"{saved}; applies at the next start{(instance.Pid != 0 ? " (restart to apply it now)" : "")}";
    }

    public Task<Instance> StartAsync(string name, CancellationToken cancellationToken) => StartCheckedAsync(Require(name), cancellationToken);

    public async Task<StopOutcome> StopAsync(string name, TimeSpan? timeout, bool flatten, CancellationToken cancellationToken)
    {
        var outcome = await Require(name).StopAsync(timeout, flatten, "stopped by operator", sweep: true, cancellationToken);
        return outcome.StartedAgain ? throw StartedAgain(name, "stopped") : outcome;
    }

    private static InstanceAbortedException StartedAgain(string name, string what) =>
        new($"instance '{name}' was started again while it {what}: its worker ended, and a new one is starting (it reconciles what the last one left)");

    public async Task<Instance> RestartAsync(string name, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var actor = Require(name);
        RefuseLighterKeyClash(name, actor.Spec); // before the stop: a refused restart leaves the instance as it was
        await actor.StopAsync(timeout, false, "restart requested by operator", sweep: false, cancellationToken);
        return await StartCheckedAsync(actor, cancellationToken);
    }

    /// <summary>The books of an instance's running worker, <paramref name="depth"/> levels a side.</summary>
    public Task<IReadOnlyList<OrderBookView>> ReadBooksAsync(string name, uint depth, CancellationToken cancellationToken) =>
        Require(name).ReadBooksAsync(depth, CommandTimeout, cancellationToken);

    /// <summary>The venue account of each market of an instance's running worker, read from the venue now.</summary>
    public Task<IReadOnlyList<AccountView>> ReadAccountsAsync(string name, CancellationToken cancellationToken) =>
        Require(name).ReadAccountsAsync(CommandTimeout, cancellationToken);

    /// <summary>The seed's market analysis of an instance's quoted market, read by its running worker now.</summary>
    public Task<MarketAnalysisView> ReadAnalysisAsync(string name, string interval, uint candles, CancellationToken cancellationToken) =>
        Require(name).ReadAnalysisAsync(interval, candles, CommandTimeout, cancellationToken);

    /// <summary>How long a strategy command waits for the worker's answer.</summary>
    public static TimeSpan CommandTimeout { get; } = TimeSpan.FromSeconds(10);

    /// <summary>An operator's strategy command; range and parameter changes are validated, applied, then saved.</summary>
    public async Task<(Instance Instance, string Outcome)> CommandAsync(CommandInstanceRequest request, CancellationToken cancellationToken)
    {
        var actor = Require(request.Name);
        var command = new GrpcMM.Protos.Worker.V1.StrategyCommand();
        InstanceSpec? spec = null;
        switch (request.CommandCase)
        {
            // A pause is kept in the spec: it holds across every restart of the worker until the operator resumes.
            case CommandInstanceRequest.CommandOneofCase.Pause:
                command.Pause = true;
                spec = SpecEdits.Paused(actor.Spec, true);
                break;
            case CommandInstanceRequest.CommandOneofCase.Resume:
                command.Resume = true;
                spec = SpecEdits.Paused(actor.Spec, false);
                break;
            case CommandInstanceRequest.CommandOneofCase.CancelAllOnSymbol:
                if (!request.CancelAllOnSymbol.Confirm)
                    throw new InvalidRequestException([new("cancel_all_on_symbol.confirm", "required: this cancels other instances' and hand-placed orders on the symbol too")]);
                command.CancelAllOnSymbol = true;
                spec = SpecEdits.Paused(actor.Spec, true);
                break;
            case CommandInstanceRequest.CommandOneofCase.LiftDailyLossHalt:
                command.LiftDailyLossHalt = true;
                break;
            case CommandInstanceRequest.CommandOneofCase.AdjustGrid:
                spec = SpecEdits.AdjustGrid(actor.Spec, request.AdjustGrid);
                break;
            case CommandInstanceRequest.CommandOneofCase.Update:
                spec = SpecEdits.Update(actor.Spec, request.Update);
                break;
            default:
                throw new InvalidRequestException([new("command", "set one of pause, resume, adjust_grid, update, cancel_all_on_symbol, lift_daily_loss_halt")]);
        }
        var json = spec is null ? null : InstanceSpecJson.Format(spec);
        // The worker takes a new spec to reconfigure its strategy; a pause, a resume and a cancel-all are commands of their own.
        if (json is not null && command.KindCase == GrpcMM.Protos.Worker.V1.StrategyCommand.KindOneofCase.None) command.SpecJson = json;
        var needsWorker = spec is null || request.CommandCase == CommandInstanceRequest.CommandOneofCase.CancelAllOnSymbol;
        await _mutations.WaitAsync(cancellationToken); // one spec change at a time, and none during a create or delete
        try
        {
            var outcome = await actor.CommandAsync(command, spec, json, needsWorker, CommandTimeout, cancellationToken);
            var what = request.CommandCase.ToString().ToLowerInvariant();
            if (spec is not null)
            {
                try { await _ctx.Store.UpdateSpecAsync(request.Name, json!, spec.ToByteArray(), cancellationToken); }
                catch (Exception ex) when (ex is not OperationCanceledException && actor.Snapshot.Pid != 0)
                {
                    throw new ChangeNotSavedException($"{what}: {outcome}; the running worker has it, but it was not saved, so it lasts until the worker's next start", ex);
                }
            }
            await OperatorEventAsync(request.Name, $"{what}: {outcome}", cancellationToken);
            return (actor.Snapshot, outcome);
        }
        finally
        {
            _mutations.Release();
        }
    }

    /// <summary>
    /// The history line of an operator's change, written after the change: a database that cannot take it (a full disk)
    /// does not turn a change that was made into a refusal. The log says what was not recorded.
    /// </summary>
    private async Task OperatorEventAsync(string name, string message, CancellationToken cancellationToken)
    {
        try { await _ctx.Store.AddEventAsync(name, "operator", message, cancellationToken); }
        catch (Exception ex) when (ex is not OperationCanceledException) { SupervisionLog.NotRecorded(_ctx.Logger, name, $"the event \"{message}\"", ex.GetBaseException().Message); }
    }

    /// <returns>True when no worker confirmed that none of the instance's orders is left (its last run was killed or failed).</returns>
    public async Task<bool> DeleteAsync(string name, bool force, CancellationToken cancellationToken)
    {
        var actor = Require(name);
        var live = actor.Snapshot.Pid != 0 || actor.Snapshot.DesiredState == DesiredState.Running;
        if (live && !force) throw new InstancePreconditionException($"instance '{name}' is {Describe(actor.Snapshot.State)}: stop it first, or delete with force");
        // A stopped instance whose book no worker confirmed is swept first: once it is deleted, nothing would know those orders.
        if ((live || actor.BookUnconfirmed) && (await actor.StopAsync(null, false, "stopped for deletion", sweep: true, cancellationToken)).StartedAgain)
            throw StartedAgain(name, "stopped for deletion; not deleted");
        var bookUnconfirmed = actor.BookUnconfirmed; // after the stop: what its worker said
        await _mutations.WaitAsync(cancellationToken);
        try
        {
            // A start between the stop above and here has a worker running: removing the actor would leave it trading
            // with no one to supervise or stop it, and no instance to find it by.
            if (!await actor.RetireAsync(cancellationToken))
                throw new InstanceAbortedException($"instance '{name}' was started again while it was being deleted: not deleted, and it runs (stop it, then delete it)");
            Task loop;
            lock (_gate)
            {
                if (!_actors.Remove(name, out var entry)) return bookUnconfirmed;
                loop = entry.Loop;
            }
            actor.Complete();
            await loop;
            await _ctx.Store.DeleteInstanceAsync(name, cancellationToken);
            await OperatorEventAsync(name, "deleted", cancellationToken);
            _ctx.SetHealth(name, false);
            _ctx.Hub.PublishDeleted(name);
        }
        finally
        {
            _mutations.Release();
        }
        return bookUnconfirmed;
    }

    internal static string Describe(InstanceState state) => state.ToString().ToLowerInvariant();

    /// <summary>Routes a worker's Attach to its instance; false when no instance supervises that pid.</summary>
    public async Task<bool> AttachAsync(string instance, WorkerConnection connection, CancellationToken cancellationToken)
    {
        if (Find(instance) is not { } actor) return false;
        var accepted = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await actor.PostAsync(new WorkerAttached(connection, accepted), cancellationToken);
        return await accepted.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Stops every running instance gracefully (for `daemon shutdown --stop-instances`): how many, and the names of
    /// those whose stop did not confirm a flat book.
    /// </summary>
    public async Task<(int Stopped, IReadOnlyList<string> NotConfirmedFlat)> StopAllAsync(CancellationToken cancellationToken)
    {
        var running = Actors().Where(a => a.Snapshot.Pid != 0 || a.Snapshot.DesiredState == DesiredState.Running || a.BookUnconfirmed).ToList();
        var outcomes = await Task.WhenAll(running.Select(a => a.StopAsync(null, false, "stopped with the daemon", sweep: true, cancellationToken)));
        // One started again meanwhile keeps trading (live restore): its book is not flat either.
        return (running.Count, outcomes.Where(o => o.BookUnconfirmed || o.StartedAgain).Select(o => o.Instance.Name).Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>Ends every actor loop; workers keep running and re-attach to the next daemon.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (_ticker is not null) await _ticker.DisposeAsync();
        if (_sequenceSaver is not null) await _sequenceSaver.DisposeAsync();
        if (_historyPruner is not null) await _historyPruner.DisposeAsync();
        List<Task> loops;
        lock (_gate)
        {
            foreach (var (actor, _) in _actors.Values) actor.Complete();
            loops = _actors.Values.Select(a => a.Loop).ToList();
        }
        await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        try { await _ctx.Store.SaveSequencesAsync(_ctx.Hub.Sequences(), CancellationToken.None); }
        catch (Exception ex) { SupervisionLog.ActorStepFailed(_ctx.Logger, "(sequences)", ex); }
        await _stopping.CancelAsync();
        _stopping.Dispose();
        _mutations.Dispose();
    }
}
