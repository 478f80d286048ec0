using Cocona;
using Mmctl.Completion;
using GrpcMM.Protos.V1;
using Mmctl.Connection;
using Mmctl.Output;

namespace Mmctl.Commands;

/// <summary>pause, resume, set: steer a running strategy without restarting it.</summary>
[UsageRules, IgnoreUnknownOptions]
public sealed class StrategyCommands
{
    [Command("pause", Description = "Pull every quote and place none until resumed; the instance keeps running and its protective closes still work")]
    public Task<int> Pause([Argument(Description = "Instance name"), InstanceNames] string name, CommonOptions o) =>
        Send(o, new CommandInstanceRequest { Name = name, Pause = new PauseQuoting() });

    [Command("resume", Description = "Quote again after a pause; with --lift-daily-loss-halt, after a daily loss halt instead")]
    public Task<int> Resume(
        [Argument(Description = "Instance name"), InstanceNames] string name,
        [Option("lift-daily-loss-halt", Description = "Lift today's daily loss halt: quote again, the limit counting afresh from now until 00:00 UTC")] bool liftDailyLossHalt,
        CommonOptions o) =>
        Send(o, liftDailyLossHalt
            ? new CommandInstanceRequest { Name = name, LiftDailyLossHalt = new LiftDailyLossHalt() }
            : new CommandInstanceRequest { Name = name, Resume = new ResumeQuoting() });

    [Command("cancel-all", Description = "Cancel EVERY open order on the instance's symbol and account (those of other instances and hand-placed ones too) and pause it; needs --yes")]
    public Task<int> CancelAll([Argument(Description = "Instance name"), InstanceNames] string name, [Option(Description = "Confirm the whole-symbol cancel")] bool yes, CommonOptions o) =>
        Send(o, new CommandInstanceRequest { Name = name, CancelAllOnSymbol = new CancelAllOnSymbol { Confirm = yes } });

    [Command("set", Description = "Change a market maker's spread, size or levels, or any instance's capital, while it runs (validated like a new spec; kept across restarts)")]
    public Task<int> Set(
        [Argument(Description = "Instance name"), InstanceNames] string name,
        [Option(Description = "New spread in % of mid")] string? spread,
        [Option(Description = "New order quantity")] string? quantity,
        [Option(Description = "New number of levels per side")] uint? levels,
        [Option(Description = "New capital of an asset, ASSET=AMOUNT, once per asset (the others keep theirs)")] string[]? capital,
        CommonOptions o)
    {
        var update = new UpdateParameters { SpreadPct = spread ?? "", OrderQuantity = quantity ?? "" };
        if (levels is { } l) update.Levels = l;
        if (InstanceCommands.CapitalProblem(capital, update.Capital) is { } problem) return Task.FromResult(InstanceCommands.Fail(problem));
        return Send(o, new CommandInstanceRequest { Name = name, Update = update });
    }

    /// <summary>Sends the command and prints the outcome: "NAME: applied" or "NAME: saved; applies at the next start".</summary>
    internal static Task<int> Send(CommonOptions o, CommandInstanceRequest request) => InstanceCommands.Run(o, async (c, ct) =>
    {
        var response = await c.Instances.CommandInstanceAsync(request, cancellationToken: ct);
        if (o.Json) Printer.JsonLine(response);
        else if (o.Quiet) Console.Out.WriteLine(response.Instance.Name);
        else Console.Out.WriteLine($"{response.Instance.Name}: {response.Outcome}");
        return ExitCodes.Ok;
    });
}

/// <summary>mmctl grid ...: grid-only commands.</summary>
public sealed class GridCommands
{
    [Command("adjust", Description = "Move a grid's range: its orders are cancelled and the grid is rebuilt around the current price (kept across restarts)")]
    public Task<int> Adjust(
        [Argument(Description = "Instance name"), InstanceNames] string name,
        [Option(Description = "New lower bound")] string? lower,
        [Option(Description = "New upper bound")] string? upper,
        CommonOptions o) =>
        StrategyCommands.Send(o, new CommandInstanceRequest { Name = name, AdjustGrid = new AdjustGridRange { LowerPrice = lower ?? "", UpperPrice = upper ?? "" } });
}
