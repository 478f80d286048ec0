using Cocona;
using GrpcMM.Protos.V1;

namespace Mmctl.Commands;

/// <summary>`mmctl alerts`: what the daemon raised lately and how each delivery went; `--test` sends one now.</summary>
[UsageRules, IgnoreUnknownOptions]
public sealed class AlertsCommand
{
    [Command("alerts", Description = "The alerts the daemon raised lately (crash loops, failed workers, orders possibly left, kill switches, daily loss halts, unhealthy workers, restarts, resources, capital overlaps) and where they went; --test sends one now")]
    public Task<int> Alerts(
        [Option(Description = "How many, newest first (default 20, at most 100)")] uint? limit,
        [Option(Description = "Send a test alert to every destination now and say how each delivery went")] bool test,
        CommonOptions o) => InstanceCommands.Run(o, async (c, ct) =>
    {
        if (test)
        {
            var sent = (await c.Daemon.SendTestAlertAsync(new SendTestAlertRequest(), cancellationToken: ct)).Alert;
            if (o.Json) Output.Printer.JsonLine(sent);
            else
                foreach (var d in sent.Deliveries)
                    Console.Out.WriteLine(d.Status == "delivered" ? $"{d.Destination}: delivered" : $"{d.Destination}: {d.Status} after {d.Attempts} tries: {d.Error}");
            return sent.Deliveries.All(d => d.Status == "delivered") ? ExitCodes.Ok : ExitCodes.Failure;
        }
        var response = await c.Daemon.ListAlertsAsync(new ListAlertsRequest { Limit = limit ?? 0 }, cancellationToken: ct);
        if (o.Json) Output.Printer.JsonLine(response);
        else Output.Printer.Alerts(response);
        return ExitCodes.Ok;
    });
}
