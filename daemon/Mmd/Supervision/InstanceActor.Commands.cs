using GrpcMM.Protos.V1;
using GrpcMM.Protos.Worker.V1;

namespace Mmd.Supervision;

// Operator commands to the running strategy: forwarded to the worker, answered by its CommandResult.
public sealed partial class InstanceActor
{
    private readonly Dictionary<ulong, CommandRequested> _pendingCommands = [];
    private readonly Dictionary<ulong, TaskCompletionSource<CommandResult>> _pendingReads = [];
    private ulong _nextCommandId;

    /// <summary>Sends a command to the worker (saving a new spec first, if any); returns what happened, for the operator.</summary>
    internal async Task<string> CommandAsync(StrategyCommand command, InstanceSpec? newSpec, string? newSpecJson, bool needsWorker,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await PostAsync(new CommandRequested(command, newSpec, newSpecJson, needsWorker, done), cancellationToken);
        return await WorkerAnswerAsync(done.Task, timeout, cancellationToken);
    }

    /// <summary>The running worker's order books, <paramref name="depth"/> levels a side (a read: nothing is saved or changed).</summary>
    internal async Task<IReadOnlyList<OrderBookView>> ReadBooksAsync(uint depth, TimeSpan timeout, CancellationToken cancellationToken) =>
        (await ReadAsync(new StrategyCommand { BookDepth = depth }, "its books are read", timeout, cancellationToken)).Books;

    /// <summary>The venue account of each of the running worker's markets, as the worker reads it from the venue now.</summary>
    internal async Task<IReadOnlyList<AccountView>> ReadAccountsAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        (await ReadAsync(new StrategyCommand { Account = true }, "its account is read", timeout, cancellationToken)).Accounts;

    /// <summary>The seed's market analysis of the running worker's quoted market, read by the worker now.</summary>
    internal async Task<MarketAnalysisView> ReadAnalysisAsync(string interval, uint candles, TimeSpan timeout, CancellationToken cancellationToken) =>
        (await ReadAsync(new StrategyCommand { Analysis = new AnalysisRead { Interval = interval, Candles = candles } }, "its market is analysed", timeout, cancellationToken)).Analysis;

    private async Task<CommandResult> ReadAsync(StrategyCommand read, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<CommandResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await PostAsync(new WorkerReadAsked(read, what, done), cancellationToken);
        var answer = await WorkerAnswerAsync(done.Task, timeout, cancellationToken);
        if (answer.Error.Length > 0) throw new InstancePreconditionException($"instance '{Name}': {answer.Error}");
        return answer;
    }

    /// <summary>What the worker answers, or UNAVAILABLE once <paramref name="timeout"/> has passed without an answer.</summary>
    private async Task<T> WorkerAnswerAsync<T>(Task<T> answer, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await answer.WaitAsync(timeout, _ctx.Time, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new InstanceUnavailableException($"instance '{Name}': the worker did not answer within {timeout.TotalSeconds:0} s");
        }
    }

    private void OnWorkerReadAsked(WorkerReadAsked asked)
    {
        if (_connection is null || _state != InstanceState.Running)
        {
            asked.Done.TrySetException(new InstancePreconditionException($"instance '{Name}' is {Supervisor.Describe(_state)}: {asked.What} from its running worker"));
            return;
        }
        var id = ++_nextCommandId;
        _pendingReads[id] = asked.Done;
        var read = asked.Read.Clone();
        read.Id = id;
        if (!_connection.Send(new DaemonCommand { StrategyCommand = read }))
        {
            _pendingReads.Remove(id);
            asked.Done.TrySetException(new InstanceUnavailableException($"instance '{Name}': the link to its worker just closed; try again"));
        }
    }

    private void OnCommand(CommandRequested request)
    {
        if (_connection is null || _state != InstanceState.Running)
        {
            if (request.NeedsWorker)
            {
                request.Done.TrySetException(new InstancePreconditionException(
                    $"instance '{Name}' is {Supervisor.Describe(_state)}: {request.Command.KindCase.ToString().ToLowerInvariant()} needs a running instance"));
                return;
            }
            ReplaceSpec(request);
            request.Done.TrySetResult("saved; applies at the next start");
            return;
        }
        var id = ++_nextCommandId;
        var command = request.Command.Clone();
        command.Id = id;
        _pendingCommands[id] = request;
        if (!_connection.Send(new DaemonCommand { StrategyCommand = command }))
        {
            _pendingCommands.Remove(id);
            request.Done.TrySetException(new InstanceUnavailableException($"instance '{Name}': the link to its worker just closed; try again"));
        }
    }

    private void OnCommandResult(CommandResult result)
    {
        if (_pendingReads.Remove(result.Id, out var read))
        {
            read.TrySetResult(result);
            return;
        }
        if (!_pendingCommands.Remove(result.Id, out var request)) return;
        if (result.Error.Length == 0)
        {
            ReplaceSpec(request);
            if (_workerSpec is { } running) WorkerSpecIs(Specs.SpecEdits.Applied(running, request.Command, request.NewSpec)); // as the worker records it
            request.Done.TrySetResult("applied");
        }
        else
        {
            request.Done.TrySetException(new InstancePreconditionException($"instance '{Name}': {result.Error}"));
        }
    }

    private void ReplaceSpec(CommandRequested request)
    {
        if (request.NewSpec is null) return;
        Volatile.Write(ref _spec, request.NewSpec);
        Volatile.Write(ref _specJson, request.NewSpecJson!);
        WorkerSpecIs(_workerSpec);
    }

    /// <summary>The worker went away: nobody will answer the commands it was sent.</summary>
    private void FailPendingCommands()
    {
        foreach (var request in _pendingCommands.Values)
            request.Done.TrySetException(new InstanceUnavailableException($"instance '{Name}': its worker went away before answering"));
        _pendingCommands.Clear();
        foreach (var read in _pendingReads.Values)
            read.TrySetException(new InstanceUnavailableException($"instance '{Name}': its worker went away before answering"));
        _pendingReads.Clear();
    }
}
