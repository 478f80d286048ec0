using Cocona;
using Grpc.Core;
using GrpcMM.Protos.V1;
using Mmctl.Completion;
using Mmctl.Connection;

namespace Mmctl.Commands;

/// <summary>`mmctl account NAME`: the venue account a running instance trades on, read from the venue now.</summary>
[UsageRules, IgnoreUnknownOptions]
public sealed class AccountCommand
{
    [Command("account", Description = "The venue account a running instance trades on, read from the venue now: balances, positions, and the open orders on its symbol, its own and anyone else's")]
    public Task<int> Account([Argument, InstanceNames] string name, CommonOptions o) => InstanceCommands.Run(o, async (c, ct) =>
    {
        GetAccountResponse response;
        try
        {
            response = await c.Instances.GetAccountAsync(new GetAccountRequest { Name = name }, cancellationToken: ct);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition)
        {
            // Not running: the same read is one command away, without a worker.
            var code = RpcFailures.Report(ex, DaemonConnection.ResolveSocket(o.Socket));
            await Console.Error.WriteLineAsync($"  without a worker: mmctl spec {name} > {name}.json && mmd account -f {name}.json");
            return code;
        }
        if (o.Json) Output.Printer.JsonLine(response);
        else
        {
            // Who was given what of the account: the instances on it with capital (several bots on one account).
            var instances = (await c.Instances.ListInstancesAsync(new ListInstancesRequest(), cancellationToken: ct)).Instances;
            Output.Printer.Accounts(name, response, instances);
        }
        // A market whose venue did not answer is shown with why; the exit code tells a script the read is incomplete.
        return response.Accounts.Any(a => a.Error.Length > 0) ? ExitCodes.Failure : ExitCodes.Ok;
    });
}
