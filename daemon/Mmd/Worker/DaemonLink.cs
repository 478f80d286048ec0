using System.Net.Sockets;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using GrpcMM.Protos.Worker.V1;
using Microsoft.Extensions.Logging;
using Mmd.Trading.Engine;

namespace Mmd.Worker;

/// <summary>
/// The worker's end of mm.worker.v1: dials the daemon's worker socket, says Hello, then reports health every
/// interval and stats at most 10 times a second; a Stop from the daemon cancels the run. When the daemon goes away
/// the worker keeps trading and dials again every second, so a restarted daemon re-adopts it.
/// </summary>
/// <param name="spec">The spec the worker started with; the operator's live changes are applied to it as they succeed.</param>
/// <param name="shares">Told the daemon's request shares as they change; what the run asked of each venue goes with each health report.</param>
public sealed partial class DaemonLink(string instance, GrpcMM.Protos.V1.InstanceSpec spec, string socketPath, TimeSpan healthInterval, StopRequest stop,
    TimeProvider time, ILogger logger, VenueShares? shares = null) : IAsyncDisposable
{
    // What it trades with now, told in every Hello (a restarted daemon compares it with the instance's spec).
    private GrpcMM.Protos.V1.InstanceSpec _spec = spec;
    private static readonly TimeSpan StatsPeriod = TimeSpan.FromMilliseconds(100);
    private readonly DateTimeOffset _startedAt = Supervision.ProcFs.StartTime(Environment.ProcessId) ?? time.GetUtcNow();
    private readonly CancellationTokenSource _stopLink = new();
    private InstanceEngine? _engine;
    private Task? _loop;
    private GrpcMM.Protos.Worker.V1.Exiting? _exiting;
    private readonly TaskCompletionSource _exitSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _attached;

    /// <summary>How long an ending run waits to tell the daemon why, when the daemon is there to be told.</summary>
    private static readonly TimeSpan ExitReportWait = TimeSpan.FromSeconds(5);
    // Settles when the first dial attaches or fails: a worker that fails at once still tells a listening daemon why.
    private readonly TaskCompletionSource _firstDial = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Answers to the daemon's strategy commands, sent by the session loop (the one writer of the stream).
    private readonly System.Collections.Concurrent.ConcurrentQueue<CommandResult> _results = new();
    // Pauses the venue imposed on this worker, for the daemon to pass on to the other workers there.
    private readonly System.Collections.Concurrent.ConcurrentQueue<RequestsPaused> _pauses = new();
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Dials in the background: setting up the gRPC client is tens of milliseconds the run need not wait for.</summary>
    public void Start()
    {
        if (shares is not null) shares.VenuePaused += OnVenuePaused;
        _loop = Task.Run(() => RunAsync(_stopLink.Token));
    }

    private void OnVenuePaused(string venue, TimeSpan wait)
    {
        // A storm of 429s makes one pause each time it lengthens: the queue holds a few at most between two sends.
        _pauses.Enqueue(new RequestsPaused { Venue = venue, Wait = Duration.FromTimeSpan(wait) });
        Wake();
    }

    public void Bind(InstanceEngine engine)
    {
        engine.StatsRefreshed += Wake;
        Interlocked.Exchange(ref _engine, engine); // full fences here and below: neither side misses the other
        if (Volatile.Read(ref _flattenAsked) == 1) engine.RequestFlattenOnStop(); // a stop --flatten that came before the engine
        if (stop.Within is { } within) engine.StopWithin(within); // and its timeout
    }

    private int _flattenAsked;

    // Something to send (new stats, a command's answer, the exit): the session loop goes at once rather than at its next
    // poll, so a restarted worker's first quotes reach the daemon without waiting out a stats period.
    private void Wake()
    {
        if (_wake.CurrentCount > 0) return;
        try { _wake.Release(); }
        catch (SemaphoreFullException) { } // raced with another wake: one is enough
    }

    /// <summary>Tells the daemon how the worker ends (sent on the open link, best effort) and closes it.</summary>
    public async Task ReportExitAsync(int exitCode, string reason, int ordersLeft)
    {
        // -1: the run could not confirm what is left (it was sent as 4294967295 orders left).
        Volatile.Write(ref _exiting, new GrpcMM.Protos.Worker.V1.Exiting
        {
            ExitCode = exitCode, Reason = reason, OrdersLeft = ordersLeft > 0 ? (uint)ordersLeft : 0, OrdersUnconfirmed = ordersLeft < 0,
        });
        Wake();
        // The link dials in the background, so a run that fails at once may end before the first dial: wait for it. A link
        // that breaks meanwhile never holds up the exit; with no daemon to tell, it reads the exit code or sees the process gone.
        // The wait is generous: on a loaded machine a cold process's first dial took most of a second, and the reason was lost.
        var deadline = time.GetUtcNow() + ExitReportWait;
        try
        {
            await _firstDial.Task.WaitAsync(ExitReportWait, time);
            if (!_attached) return;
            // The session loop sends it within one stats period.
            var left = deadline - time.GetUtcNow();
            if (left > TimeSpan.Zero) await _exitSent.Task.WaitAsync(left, time);
        }
        catch (TimeoutException) { }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await SessionAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { return; }
            catch (Exception ex) when (ex is RpcException or IOException or SocketException or HttpRequestException or InvalidOperationException)
            {
                LinkDown(logger, instance, ex.Message);
            }
            _firstDial.TrySetResult();
            try { await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task SessionAsync(CancellationToken cancellationToken)
    {
        using var channel = GrpcMM.Protos.UnixSocketChannel.Create(socketPath);
        var client = new WorkerLink.WorkerLinkClient(channel);
        using var call = client.Attach(cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new WorkerMessage
        {
            Hello = new Hello
            {
                Protocol = ProtocolVersion._1, Instance = instance, Pid = Environment.ProcessId, StartedAt = Timestamp.FromDateTimeOffset(_startedAt),
                Spec = Volatile.Read(ref _spec),
            },
        }, cancellationToken);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reader = ReadCommandsAsync(call.ResponseStream, session.Token);
        LinkUp(logger, instance, socketPath);
        _attached = true;
        _firstDial.TrySetResult();
        try
        {
            object? lastStats = null;
            var lastStatsAt = DateTimeOffset.MinValue;
            var nextHealth = time.GetUtcNow();
            var exitSent = false;
            (EngineState?, bool, bool) lastCondition = default;
            while (!reader.IsCompleted)
            {
                var engine = Volatile.Read(ref _engine);
                var now = time.GetUtcNow();
                // A change of phase or of health (book fresh, account stream up) is reported at once, not at the next
                // interval: the daemon shows a restarted worker running and healthy as soon as it is.
                var h = engine?.Health;
                var condition = (h?.State, h?.BookFresh ?? false, h?.AccountStreamConnected ?? false);
                if (condition != lastCondition)
                {
                    lastCondition = condition;
                    nextHealth = now;
                }
                // Health before stats: a client that sees the new stats sees the health that goes with them.
                if (now >= nextHealth)
                {
                    nextHealth = now + healthInterval;
                    var health = Health(engine);
                    if (shares is not null) health.RequestDemand.Add(shares.TakeDemand());
                    await call.RequestStream.WriteAsync(new WorkerMessage { Health = health }, cancellationToken);
                }
                if (engine?.LatestStats is { } stats && !ReferenceEquals(stats, lastStats))
                {
                    lastStats = stats;
                    lastStatsAt = now;
                    await call.RequestStream.WriteAsync(new WorkerMessage { Stats = StatsMessages.ToMessage(stats) }, cancellationToken);
                }
                while (_results.TryDequeue(out var result))
                    await call.RequestStream.WriteAsync(new WorkerMessage { CommandResult = result }, cancellationToken);
                while (_pauses.TryDequeue(out var pause))
                    await call.RequestStream.WriteAsync(new WorkerMessage { RequestsPaused = pause }, cancellationToken);
                if (!exitSent && Volatile.Read(ref _exiting) is { } exiting)
                {
                    exitSent = true;
                    await call.RequestStream.WriteAsync(new WorkerMessage { Exiting = exiting }, cancellationToken);
                    // Half-close, and wait for the daemon to end the call: it has then read the exit message. A process
                    // that ended while the message still sat unread reset the stream, and the daemon never saw it.
                    await call.RequestStream.CompleteAsync();
                    try { await reader; }
                    catch (RpcException) { } // the daemon went away: it reads the exit code instead
                    _exitSent.TrySetResult();
                    return;
                }
                // At most ten stats a second; otherwise as soon as there is something to send, and at least every period
                // (health comes due, a change of phase).
                var spacing = lastStatsAt + StatsPeriod - time.GetUtcNow();
                if (spacing > TimeSpan.Zero) await Task.WhenAny(reader, Task.Delay(spacing, time, cancellationToken));
                await Task.WhenAny(reader, _wake.WaitAsync(StatsPeriod, cancellationToken));
            }
            await reader; // surfaces the reason the daemon went away
        }
        finally
        {
            _attached = false;
            await session.CancelAsync();
        }
    }

    private async Task ReadCommandsAsync(IAsyncStreamReader<DaemonCommand> commands, CancellationToken cancellationToken)
    {
        while (await commands.MoveNext(cancellationToken))
        {
            var command = commands.Current;
            if (command.KindCase == DaemonCommand.KindOneofCase.Stop)
            {
                StopReceived(logger, instance, command.Stop.Reason);
                // Set before the run is cancelled, so the engine's stop path sees it.
                if (command.Stop.Flatten)
                {
                    Interlocked.Exchange(ref _flattenAsked, 1);
                    Volatile.Read(ref _engine)?.RequestFlattenOnStop();
                }
                // The engine confirms a flat book within the stop's timeout, after which the daemon kills the worker.
                var within = command.Stop.Timeout?.ToTimeSpan() is { Ticks: > 0 } t ? t : (TimeSpan?)null;
                if (within is { } w) Volatile.Read(ref _engine)?.StopWithin(w);
                stop.Request(command.Stop.Reason is { Length: > 0 } reason ? reason : "stop requested by the daemon", within);
            }
            else if (command.KindCase == DaemonCommand.KindOneofCase.StrategyCommand)
            {
                _ = ExecuteAsync(command.StrategyCommand, cancellationToken);
            }
            else if (command.KindCase == DaemonCommand.KindOneofCase.RequestShares)
            {
                shares?.Apply(command.RequestShares.Instances, command.RequestShares.PartPpm);
            }
            else if (command.KindCase == DaemonCommand.KindOneofCase.HoldRequests)
            {
                shares?.Hold(command.HoldRequests.Venue, command.HoldRequests.Wait.ToTimeSpan());
            }
        }
    }

    /// <summary>Hands an operator's command to the engine and queues its answer; never throws.</summary>
    private async Task ExecuteAsync(StrategyCommand command, CancellationToken cancellationToken)
    {
        if (command.KindCase is StrategyCommand.KindOneofCase.BookDepth or StrategyCommand.KindOneofCase.Account or StrategyCommand.KindOneofCase.Analysis)
        {
            await ReadAsync(command, cancellationToken);
            return;
        }
        string error;
        try
        {
            var spec = command.KindCase == StrategyCommand.KindOneofCase.SpecJson
                ? Specs.InstanceSpecJson.Parse("spec", System.Text.Encoding.UTF8.GetBytes(command.SpecJson), out _)
                : null;
            Trading.Strategies.StrategyCommand? domain = command.KindCase switch
            {
                StrategyCommand.KindOneofCase.Pause => new Trading.Strategies.PauseQuoting(),
                StrategyCommand.KindOneofCase.Resume => new Trading.Strategies.ResumeQuoting(),
                StrategyCommand.KindOneofCase.LiftDailyLossHalt => new Trading.Strategies.LiftDailyLossHalt(),
                StrategyCommand.KindOneofCase.CancelAllOnSymbol => new Trading.Strategies.CancelAllOnSymbol(),
                StrategyCommand.KindOneofCase.SpecJson => UpdateOf(Volatile.Read(ref _spec), spec!),
                _ => null,
            };
            var engine = Volatile.Read(ref _engine);
            error = domain is null ? $"unknown command {command.KindCase}"
                : engine is null ? "the engine has not started yet"
                : await engine.ExecuteAsync(domain, cancellationToken) ?? "";
            if (error.Length == 0) Volatile.Write(ref _spec, Specs.SpecEdits.Applied(Volatile.Read(ref _spec), command, spec)); // what it trades with now
        }
        catch (Specs.InvalidSpecException ex) { error = string.Join("; ", ex.Describe()); }
        catch (OperationCanceledException) { error = "the worker is stopping"; }
        _results.Enqueue(new CommandResult { Id = command.Id, Error = error });
        Wake();
    }

    /// <summary>
    /// What of a new spec a running worker takes: the strategy's parameters when they changed (a grid would take its own
    /// auto range again for a range adjustment, and refuse it), and the capital.
    /// </summary>
    private static Trading.Strategies.UpdateConfig UpdateOf(GrpcMM.Protos.V1.InstanceSpec running, GrpcMM.Protos.V1.InstanceSpec changed)
    {
        var valid = Specs.SpecValidator.Validate(changed, "spec");
        return new(Specs.SpecEdits.SameStrategy(running, changed) ? null : valid.Strategy) { Capital = valid.Capital };
    }

    /// <summary>An operator's look (not a change) at the books, the account or the market's analysis: the engine's answer; never throws.</summary>
    private async Task ReadAsync(StrategyCommand command, CancellationToken cancellationToken)
    {
        var result = new CommandResult { Id = command.Id };
        try
        {
            if (Volatile.Read(ref _engine) is not { } engine) result.Error = "the engine has not started yet";
            else if (command.KindCase == StrategyCommand.KindOneofCase.Account)
                result.Accounts.AddRange((await engine.ReadAccountsAsync(cancellationToken)).Select(StatsMessages.ToMessage));
            else if (command.KindCase == StrategyCommand.KindOneofCase.Analysis)
                result.Analysis = await MarketAnalysisRead.ReadAsync(engine, command.Analysis.Interval, (int)command.Analysis.Candles, time, cancellationToken);
            else result.Books.AddRange((await engine.ReadBooksAsync((int)command.BookDepth, cancellationToken)).Select(StatsMessages.ToMessage));
        }
        catch (InvalidOperationException ex) { result.Error = ex.Message; }
        catch (ArgumentOutOfRangeException) { result.Error = $"book depth {command.BookDepth}: must be at least 1"; }
        catch (OperationCanceledException) { result.Error = "the worker is stopping"; }
        _results.Enqueue(result);
        Wake();
    }

    private static Health Health(InstanceEngine? engine)
    {
        var health = new Health { RssBytes = (ulong)Environment.WorkingSet, Phase = WorkerPhase.Starting };
        if (engine is null) return health;
        var h = engine.Health;
        health.Phase = h.State switch
        {
            EngineState.Starting => WorkerPhase.Starting,
            EngineState.Reconciling => WorkerPhase.Reconciling,
            EngineState.Running => WorkerPhase.Running,
            _ => WorkerPhase.Stopping,
        };
        health.MarketDataFresh = h.BookFresh;
        health.AccountStreamConnected = h.AccountStreamConnected;
        if (h.LastLoop is { } loop) health.LastLoop = Timestamp.FromDateTimeOffset(loop);
        if (h.LastBookUpdate is { } book) health.LastBookUpdate = Timestamp.FromDateTimeOffset(book);
        return health;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopLink.CancelAsync();
        if (_loop is not null) await _loop;
        _stopLink.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Instance}: attached to the daemon on {Socket}")]
    private static partial void LinkUp(ILogger logger, string instance, string socket);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Instance}: no daemon link ({Error}); trading on, retrying every second")]
    private static partial void LinkDown(ILogger logger, string instance, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Instance}: the daemon asks to stop ({Reason})")]
    private static partial void StopReceived(ILogger logger, string instance, string reason);
}
