using Cocona;
using Grpc.Core;
using GrpcMM.Protos.V1;

namespace Mmctl.Commands;

/// <summary>`mmctl alerts`: what the daemon raised lately and how each delivery went; `-f` follows them as they are raised;
/// `--test` sends one now.</summary>
[UsageRules, IgnoreUnknownOptions]
public sealed class AlertsCommand
{
    [Command("alerts", Description = "The alerts the daemon raised lately (crash loops, failed workers, orders possibly left, kill switches, daily loss halts, unhealthy workers, workers quoting nothing, restarts, resources, capital overlaps), what holds now, and where they went; -f follows them; --test sends one now")]
    public Task<int> Alerts(
        [Option(Description = "How many, newest first (default 20, at most 100)")] uint? limit,
        [Option(Description = "Send a test alert to every destination now and say how each delivery went")] bool test,
        [Option('f', Description = "Follow: a line for each alert as it is raised, until Ctrl-C (-o json: a JSON line each)")] bool follow,
        CommonOptions o) => InstanceCommands.Run(o, async (c, ct) =>
    {
        if (test && follow) return InstanceCommands.Fail("mmctl: --test and -f cannot both be given");
        if (test)
        {
            var sent = (await c.Daemon.SendTestAlertAsync(new SendTestAlertRequest(), cancellationToken: ct)).Alert;
            if (o.Json) Output.Printer.JsonLine(sent);
            else
                foreach (var d in sent.Deliveries)
                    Console.Out.WriteLine(d.Status == "delivered" ? $"{d.Destination}: delivered" : $"{d.Destination}: {d.Status} after {d.Attempts} tries: {d.Error}");
            return sent.Deliveries.All(d => d.Status == "delivered") ? ExitCodes.Ok : ExitCodes.Failure;
        }
        if (follow) return await FollowAsync(c, o, ct);
        var response = await c.Daemon.ListAlertsAsync(new ListAlertsRequest { Limit = limit ?? 0 }, cancellationToken: ct);
        if (o.Json) Output.Printer.JsonLine(response);
        else Output.Printer.Alerts(response);
        return ExitCodes.Ok;
    });

    /// <summary>
    /// Prints each alert as it is raised. A daemon that goes away is dialled again every second (said once, on stderr);
    /// one that is not there at the start is the usual "no daemon" error.
    /// </summary>
    private static async Task<int> FollowAsync(Connection.DaemonConnection c, CommonOptions o, CancellationToken ct)
    {
        var followed = false;
        var interrupted = false;
        while (true)
        {
            try
            {
                using var call = c.Daemon.WatchAlerts(new WatchAlertsRequest(), cancellationToken: ct);
                await call.ResponseHeadersAsync;
                if (!followed) await Console.Error.WriteLineAsync("mmctl: following the alerts as they are raised (Ctrl-C to stop)");
                else if (interrupted) await Console.Error.WriteLineAsync("mmctl: following again (what was raised meanwhile: mmctl alerts)");
                (followed, interrupted) = (true, false);
                await foreach (var e in call.ResponseStream.ReadAllAsync(ct))
                {
                    if (e.Dropped > 0) await Console.Error.WriteLineAsync($"mmctl: {e.Dropped} alert(s) dropped: this terminal reads slower than the daemon raises them");
                    if (o.Json) Output.Printer.JsonLine(e.Alert);
                    else Console.Out.WriteLine(Output.Printer.AlertLine(e.Alert));
                }
                return ExitCodes.Ok; // the daemon ended the stream
            }
            catch (RpcException) when (ct.IsCancellationRequested)
            {
                return ExitCodes.Ok; // Ctrl-C
            }
            catch (RpcException ex) when (followed && ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal)
            {
                if (!interrupted) await Console.Error.WriteLineAsync($"mmctl: alerts interrupted ({ex.Status.Detail}); following again when the daemon answers");
                interrupted = true;
            }
            await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System, ct);
        }
    }
}
