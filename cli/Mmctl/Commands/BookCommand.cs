using Cocona;
using GrpcMM.Protos.V1;
using Mmctl.Completion;

namespace Mmctl.Commands;

/// <summary>`mmctl book NAME`: the order book the instance's worker trades on, its own orders marked.</summary>
[UsageRules, IgnoreUnknownOptions]
public sealed class BookCommand
{
    [Command("book", Description = "The order book a running instance sees (a cross-market hedge's other market too), its own orders marked, with the spread and the liquidity near the mid")]
    public Task<int> Book([Argument, InstanceNames] string name,
        [Option(Description = "Levels a side (default 10, at most 50)")] uint? depth, CommonOptions o) => InstanceCommands.Run(o, async (c, ct) =>
    {
        var response = await c.Instances.GetOrderBookAsync(new GetOrderBookRequest { Name = name, Depth = depth ?? 0 }, cancellationToken: ct);
        if (o.Json) Output.Printer.JsonLine(response);
        else Output.Printer.Books(name, response);
        return ExitCodes.Ok;
    });
}
