using Cocona;
using Mmctl.Completion;
using GrpcMM.Protos.V1;

namespace Mmctl.Commands;

/// <summary>`mmctl history NAME [--since] [--limit]`: the instance's workers and events, as the daemon's database keeps them.</summary>
[UsageRules, IgnoreUnknownOptions]
public sealed class HistoryCommand
{
    [Command("history", Description = "An instance's workers (start, end, exit reason) and events (restarts, health, operator), oldest first")]
    public Task<int> History([Argument, InstanceNames] string name,
        [Option(Description = "Only this far back: 30m, 2h, 3d (default: all that is kept)")] string? since,
        [Option(Description = "The newest N runs and N events (default 50, at most 1000)")] uint? limit, CommonOptions o) => InstanceCommands.Run(o, async (c, ct) =>
    {
        if (!JournalCommands.TrySince(since, out var from)) return JournalCommands.SinceRefused(since!);
        var request = new GetInstanceHistoryRequest { Name = name, Limit = limit ?? 0, Since = from };
        var history = await c.Instances.GetInstanceHistoryAsync(request, cancellationToken: ct);
        if (o.Json) Output.Printer.JsonLine(history);
        else Output.Printer.History(name, history);
        return ExitCodes.Ok;
    });
}
