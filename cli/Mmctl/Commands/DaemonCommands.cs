using Cocona;
using GrpcMM.Protos.V1;
using Mmctl.Output;
using Spectre.Console;

namespace Mmctl.Commands;

/// <summary>`mmctl daemon status|version|shutdown`.</summary>
public sealed class DaemonCommands
{
    [Command("status", Description = "Daemon uptime, instance counts and resource health")]
    public Task<int> Status(CommonOptions o) => InstanceCommands.Run(o, async (c, ct) =>
    {
        var s = await c.Daemon.GetDaemonStatusAsync(new GetDaemonStatusRequest(), cancellationToken: ct);
        if (o.Json)
        {
            Printer.JsonLine(s);
            return s.Healthy ? ExitCodes.Ok : ExitCodes.Failure;
        }
        Console.Out.WriteLine($"mmd {s.Version}, pid {s.Pid}, up {Printer.Age(s.Uptime.ToTimeSpan())} (since {s.StartedAt.ToDateTimeOffset():u})");
        Console.Out.WriteLine($"socket {s.SocketPath}, state {s.StateDir}, logs {s.LogDir}");
        Console.Out.WriteLine($"instances {s.Instances}: {s.Running} running, {s.Stopped} stopped, {s.Failing} failing");
        Console.Out.WriteLine(s.AlertDestinations.Count == 0 ? "alerts are only kept here (mmctl alerts lists them, and says how to have them sent)"
            : $"alerts go to {string.Join(", ", s.AlertDestinations)}{(s.AlertDeliveriesFailed > 0 ? $"; {s.AlertDeliveriesFailed} deliveries failed (mmctl alerts)" : "")}");
        if (s.AlertsActive > 0)
            Console.Out.WriteLine($"{Printer.ConditionsHold(s.AlertsActive, "alert condition")} now (mmctl alerts)");
        var table = new Table().Border(TableBorder.Simple).AddColumn("CHECK").AddColumn("VALUE").AddColumn("THRESHOLD").AddColumn("OK");
        foreach (var check in s.Checks) table.AddRow(Markup.Escape(check.Name), check.Value, Markup.Escape(check.Threshold), check.Ok ? "ok" : "FAIL");
        Printer.Write(table);
        return s.Healthy ? ExitCodes.Ok : ExitCodes.Failure;
    });

    [Command("version", Description = "Daemon and protocol versions")]
    public Task<int> Version(CommonOptions o) => InstanceCommands.Run(o, async (c, ct) =>
    {
        var v = await c.Daemon.GetVersionAsync(new GetVersionRequest(), cancellationToken: ct);
        if (o.Json) Printer.JsonLine(v);
        else Console.Out.WriteLine($"mmctl {typeof(DaemonCommands).Assembly.GetName().Version}, mmd {v.Version} ({v.Api}, worker protocol {v.WorkerProtocol}, {v.Runtime})");
        return ExitCodes.Ok;
    });

    [Command("shutdown", Description = "Stop the daemon; instances keep trading unless --stop-instances")]
    public Task<int> Shutdown([Option("stop-instances", Description = "Stop every instance gracefully first")] bool stopInstances, CommonOptions o) => InstanceCommands.Run(o, async (c, ct) =>
    {
        var r = await c.Daemon.ShutdownAsync(new ShutdownRequest { StopInstances = stopInstances }, cancellationToken: ct);
        if (!o.Quiet) Console.Out.WriteLine(stopInstances ? $"daemon shutting down; {r.Stopped} instance(s) stopped" : "daemon shutting down; instances keep running and will be re-adopted");
        if (r.NotConfirmedFlat.Count == 0) return ExitCodes.Ok;
        if (!o.Quiet)
            Console.Error.WriteLine($"mmctl: WARNING: no flat book confirmed for {string.Join(", ", r.NotConfirmedFlat)}: the venue may still hold their orders; " +
                                    "starting each reconciles them, and a stop then cancels them");
        return ExitCodes.Failure;
    });
}
