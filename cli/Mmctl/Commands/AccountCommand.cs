using Cocona;
using GrpcMM.Protos.V1;
using Mmctl.Completion;

namespace Mmctl.Commands;

/// <summary>`mmctl account NAME`: the venue account a running instance trades on, read from the venue now.</summary>
[UsageRules, IgnoreUnknownOptions]
public sealed class AccountCommand
{
    [Command("account", Description = "The venue account a running instance trades on, read from the venue now: balances, positions, and the open orders on its symbol, its own and anyone else's")]
    public Task<int> Account([Argument, InstanceNames] string name, CommonOptions o) => InstanceCommands.Run(o, async (c, ct) =>
    {
        var response = await c.Instances.GetAccountAsync(new GetAccountRequest { Name = name }, cancellationToken: ct);
        if (o.Json) Output.Printer.JsonLine(response);
        else Output.Printer.Accounts(name, response);
        // A market whose venue did not answer is shown with why; the exit code tells a script the read is incomplete.
        return response.Accounts.Any(a => a.Error.Length > 0) ? ExitCodes.Failure : ExitCodes.Ok;
    });
}
