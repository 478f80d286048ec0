using Cocona;
using Cocona.ShellCompletion.Candidate;
using Mmctl.Completion;
using Google.Protobuf.WellKnownTypes;
using GrpcMM.Protos.V1;
using Mmctl.Connection;
using Mmctl.Output;

namespace Mmctl.Commands;

/// <summary>start, stop, restart, status, ls, delete, templates.</summary>
[UsageRules, IgnoreUnknownOptions]
public sealed class InstanceCommands
{
    [Command("start", Description = "Create and start an instance: from a spec file (-f), a template (--template T NAME), or flags; or start existing instances (NAME..., or --all)")]
    public Task<int> Start(
        [Argument(Description = "Instance name (several: existing instances)"), InstanceNames] string[]? names,
        [Option('f', Description = "Instance spec file (proto3 JSON)"), CompletionCandidates(CompletionCandidateType.File)] string? file,
        [Option(Description = "Template name (see mmctl templates)"), CompletionCandidates(typeof(TemplateNameCandidates))] string? template,
        [Option(Description = "Venue (with flags; default paper)"), CompletionCandidates(new[] { "paper", "backpack", "aster", "paradex", "lighter" })] string? venue,
        [Option(Description = "Symbol, e.g. SOL_USDC")] string? symbol,
        [Option(Description = "Spread in % of mid (with flags)")] string? spread,
        [Option(Description = "Order quantity (with flags; default auto)")] string? quantity,
        [Option(Description = "Levels per side (with flags)")] uint? levels,
        [Option(Description = "Run time in seconds (with flags)")] long? duration,
        [Option(Description = "Strategy (with flags): spot_market_making (default), perp_market_making, spot_grid, perp_grid, maker_taker_hedge"), CompletionCandidates(new[] { "spot_market_making", "perp_market_making", "spot_grid", "perp_grid", "maker_taker_hedge" })] string? strategy,
        [Option(Description = "Grid lower bound (grids; default: auto range)")] string? lower,
        [Option(Description = "Grid upper bound (grids)")] string? upper,
        [Option("max-position", Description = "Largest absolute position (perp strategies)")] string? maxPosition,
        [Option("hedge-venue", Description = "Where maker_taker_hedge sends its hedges (a cross-market hedge; default: the instance's venue)"),
         CompletionCandidates(new[] { "paper", "backpack", "aster", "paradex", "lighter" })] string? hedgeVenue,
        [Option("hedge-symbol", Description = "The symbol maker_taker_hedge hedges on (default: the instance's symbol)")] string? hedgeSymbol,
        [Option("dead-man-switch", Description = "Seconds of the venue's dead-man's switch (with flags; aster: 5-3600, default 60; lighter: 310-1296000, default off; 0: off)")] uint? deadManSwitch,
        [Option(Description = "Its part of a shared venue account, ASSET=AMOUNT, once per asset, e.g. --capital USDC=1500 --capital SOL=10 (with flags; default: the whole account)")] string[]? capital,
        [Option(Description = "Start every instance that is not running")] bool all,
        [Option("dry-run", Description = "Check only (with -f, --template or flags): validate, and print the spec that would be created and started; nothing is saved")] bool dryRun,
        CommonOptions o) => Run(o, async (c, ct) =>
    {
        if (dryRun && file is null && template is null && !(symbol is not null || spread is not null || strategy is not null))
            return Fail("mmctl: --dry-run checks a new instance: with -f spec.json, --template T NAME, or flags");
        var fromFlags = symbol is not null || spread is not null || strategy is not null;
        if ((file is not null || template is not null || fromFlags) && (all || names is { Length: > 1 }))
            return Fail("mmctl: a new instance takes one NAME (-f, --template and the flags create one); start existing ones with mmctl start NAME... or --all");
        var name = names is [var single] ? single : null;
        if (deadManSwitch is not null && (file ?? template) is not null)
            return Fail("mmctl: --dead-man-switch goes with flags; a spec file sets aster.deadManSwitchSeconds or lighter.deadManSwitchSeconds");
        if (capital is { Length: > 0 } && (file ?? template) is not null)
            return Fail("mmctl: --capital goes with flags; a spec file sets capital: {\"USDC\": \"1500\"}");
        var request = new CreateInstanceRequest { Start = !dryRun, DryRun = dryRun };
        if (file is not null)
        {
            if (!File.Exists(file)) return Fail($"mmctl: no such spec file: {file}");
            request.SpecJson = await File.ReadAllTextAsync(file, ct);
        }
        else if (template is not null)
        {
            if (name is null) return Fail("mmctl: a name is required with --template: mmctl start --template T NAME");
            request.Template = template;
            request.Name = name;
            request.Symbol = symbol ?? "";
        }
        else if (fromFlags)
        {
            if ((hedgeVenue ?? hedgeSymbol) is not null && strategy != "maker_taker_hedge")
                return Fail("mmctl: --hedge-venue and --hedge-symbol go with --strategy maker_taker_hedge");
            if (name is null) return Fail("mmctl: a name is required: mmctl start NAME --symbol S --spread P");
            if (symbol is null && await ExistsAsync(c, name, ct))
                return Fail($"mmctl: {name} exists: start it as it is with mmctl start {name}; change a market maker's spread, size or levels with mmctl set {name} --spread P");
            request.Spec = new InstanceSpec { Name = name, Venue = venue ?? "paper", Symbol = symbol ?? "" };
            switch (strategy ?? "spot_market_making")
            {
                case "spot_market_making":
                    request.Spec.SpotMarketMaking = new SpotMarketMakingConfig { SpreadPct = spread ?? "", OrderQuantity = quantity ?? "" };
                    if (levels is { } l) request.Spec.SpotMarketMaking.Levels = l;
                    break;
                case "perp_market_making":
                    request.Spec.PerpMarketMaking = new PerpMarketMakingConfig { SpreadPct = spread ?? "", OrderQuantity = quantity ?? "", MaxPosition = maxPosition ?? "" };
                    if (levels is { } pl) request.Spec.PerpMarketMaking.Levels = pl;
                    break;
                case "spot_grid":
                    request.Spec.SpotGrid = new SpotGridConfig { LowerPrice = lower ?? "", UpperPrice = upper ?? "", OrderQuantity = quantity ?? "" };
                    if (levels is { } gl) request.Spec.SpotGrid.Levels = gl;
                    break;
                case "perp_grid":
                    request.Spec.PerpGrid = new PerpGridConfig { LowerPrice = lower ?? "", UpperPrice = upper ?? "", OrderQuantity = quantity ?? "", MaxPosition = maxPosition ?? "" };
                    if (levels is { } pg) request.Spec.PerpGrid.Levels = pg;
                    break;
                case "maker_taker_hedge":
                    request.Spec.MakerTakerHedge = new MakerTakerHedgeConfig { OrderQuantity = quantity ?? "", HedgeVenue = hedgeVenue ?? "", HedgeSymbol = hedgeSymbol ?? "" };
                    break;
                default:
                    return Fail($"mmctl: unknown strategy '{strategy}' (spot_market_making, perp_market_making, spot_grid, perp_grid, maker_taker_hedge)");
            }
            if (duration is { } d) request.Spec.Duration = Duration.FromTimeSpan(TimeSpan.FromSeconds(d));
            if (CapitalProblem(capital, request.Spec.Capital) is { } problem) return Fail(problem);
            if (deadManSwitch is { } seconds)
            {
                switch (request.Spec.Venue)
                {
                    case "aster": request.Spec.Aster = new AsterVenueOptions { DeadManSwitchSeconds = seconds }; break;
                    case "lighter": request.Spec.Lighter = new LighterVenueOptions { DeadManSwitchSeconds = seconds }; break;
                    default: return Fail($"mmctl: --dead-man-switch goes with --venue aster or lighter; {request.Spec.Venue} has no dead-man's switch");
                }
            }
        }
        else
        {
            if (all == names is { Length: > 0 }) return Fail("mmctl: what to start? mmctl start NAME... | --all | -f spec.json | --template T NAME");
            var targets = all
                ? (await c.Instances.ListInstancesAsync(new ListInstancesRequest(), cancellationToken: ct)).Instances
                    .Where(i => i.DesiredState != DesiredState.Running).Select(i => i.Name).ToArray()
                : names!;
            if (targets.Length == 0 && !o.Json && !o.Quiet) Console.Out.WriteLine("every instance is running (or starting) already");
            return await EachAsync(targets, o, async each =>
                Show((await c.Instances.StartInstanceAsync(new StartInstanceRequest { Name = each }, cancellationToken: ct)).Instance, o));
        }
        var response = await c.Instances.CreateInstanceAsync(request, cancellationToken: ct);
        if (!dryRun) return Show(response.Instance, o);
        if (o.Json) Output.Printer.JsonLine(response);
        else
        {
            // The spec on stdout, ready for a file (mmctl start -f); what it means on stderr.
            Console.Out.WriteLine(SpecCommands.Indented(SpecCommands.SpecFormatter.Format(response.Instance.Spec)));
            var created = response.Instance.Name;
            Console.Error.WriteLine(response.Created ? $"{created}: valid; not created (dry run)" : $"{created}: exists with this spec; mmctl start {created} starts it");
        }
        return ExitCodes.Ok;
    });

    [Command("stop", Description = "Stop instances (several at once, or --all): each worker cancels all its own orders, confirms, and exits")]
    public Task<int> Stop([Argument(Description = "Instance names"), InstanceNames] string[]? names,
        [Option(Description = "Seconds before a worker is killed (default: the instance's stop timeout)")] int? timeout,
        [Option(Description = "Also close the position")] bool flatten,
        [Option(Description = "Every instance")] bool all, CommonOptions o) => Run(o, async (c, ct) =>
    {
        if (all == names is { Length: > 0 }) return Fail("mmctl: what to stop? mmctl stop NAME... | mmctl stop --all");
        var targets = all ? (await c.Instances.ListInstancesAsync(new ListInstancesRequest(), cancellationToken: ct)).Instances.Select(i => i.Name).ToArray() : names!;
        return await EachAsync(targets, o, async name =>
        {
            var request = new StopInstanceRequest { Name = name, Flatten = flatten };
            if (timeout is { } t) request.Timeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(t));
            var response = await c.Instances.StopInstanceAsync(request, cancellationToken: ct);
            if (!o.Json && !o.Quiet && response.OrdersLeft > 0) Console.Error.WriteLine($"mmctl: WARNING: {name}: {response.OrdersLeft} own order(s) could not be confirmed cancelled");
            else if (!o.Json && !o.Quiet && response.BookUnconfirmed)
                Console.Error.WriteLine($"mmctl: WARNING: {name}: no worker confirmed that none of its orders is left ({response.Instance.LastExitReason}); " +
                                        $"the venue may still hold some: mmctl start {name} reconciles them, then mmctl stop {name} cancels them");
            Show(response.Instance, o);
            return response.OrdersLeft == 0 && !response.BookUnconfirmed ? ExitCodes.Ok : ExitCodes.Failure;
        });
    });

    [Command("restart", Description = "Stop (gracefully) and start instances")]
    public Task<int> Restart([Argument(Description = "Instance names"), InstanceNames] string[] names, [Option(Description = "Stop timeout in seconds")] int? timeout, CommonOptions o) =>
        Run(o, (c, ct) => EachAsync(names, o, async name =>
        {
            var request = new RestartInstanceRequest { Name = name };
            if (timeout is { } t) request.Timeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(t));
            return Show((await c.Instances.RestartInstanceAsync(request, cancellationToken: ct)).Instance, o);
        }));

    [Command("status", Description = "Every instance, or one in detail")]
    public Task<int> Status([Argument, InstanceNames] string? name, CommonOptions o) => Run(o, async (c, ct) =>
    {
        if (name is null)
        {
            Printer.Instances((await c.Instances.ListInstancesAsync(new ListInstancesRequest(), cancellationToken: ct)).Instances, o, DateTimeOffset.UtcNow);
            return ExitCodes.Ok;
        }
        var instance = (await c.Instances.GetInstanceAsync(new GetInstanceRequest { Name = name }, cancellationToken: ct)).Instance;
        if (o.Json) Printer.JsonLine(instance);
        else if (o.Quiet) Console.Out.WriteLine(instance.Name);
        else Printer.Detail(instance, DateTimeOffset.UtcNow);
        return ExitCodes.Ok;
    });

    [Command("ls", Description = "List instances (as status, one line each)")]
    public Task<int> List(CommonOptions o) => Run(o, async (c, ct) =>
    {
        Printer.Instances((await c.Instances.ListInstancesAsync(new ListInstancesRequest(), cancellationToken: ct)).Instances, o, DateTimeOffset.UtcNow);
        return ExitCodes.Ok;
    });

    [Command("delete", Description = "Delete stopped instances (--force stops them first); their journals stay on disk")]
    public Task<int> Delete([Argument(Description = "Instance names"), InstanceNames] string[] names, [Option] bool force, CommonOptions o) =>
        Run(o, (c, ct) => EachAsync(names, o, async name =>
        {
            var deleted = await c.Instances.DeleteInstanceAsync(new DeleteInstanceRequest { Name = name, Force = force }, cancellationToken: ct);
            if (!o.Quiet && !o.Json) Console.Out.WriteLine($"deleted {name}");
            if (!deleted.BookUnconfirmed) return ExitCodes.Ok;
            if (!o.Json && !o.Quiet)
                Console.Error.WriteLine($"mmctl: WARNING: {name}: no worker confirmed that none of its orders is left; the venue may still hold some: " +
                                        $"its journal stays on disk, so an instance created again as {name} on the same market reconciles them at its start, and its stop cancels them");
            return ExitCodes.Failure;
        }));

    [Command("templates", Description = "The instance templates the daemon ships")]
    public Task<int> Templates(CommonOptions o) => Run(o, async (c, ct) =>
    {
        var templates = (await c.Instances.ListTemplatesAsync(new ListTemplatesRequest(), cancellationToken: ct)).Templates;
        foreach (var t in templates)
        {
            if (o.Json) Printer.JsonLine(t);
            else if (o.Quiet) Console.Out.WriteLine(t.Name);
            else Console.Out.WriteLine($"{t.Name,-24} {t.Description}");
        }
        return ExitCodes.Ok;
    });

    private static async Task<bool> ExistsAsync(DaemonConnection c, string name, CancellationToken ct)
    {
        try
        {
            await c.Instances.GetInstanceAsync(new GetInstanceRequest { Name = name }, cancellationToken: ct);
            return true;
        }
        catch (Grpc.Core.RpcException ex) when (ex.StatusCode is Grpc.Core.StatusCode.NotFound or Grpc.Core.StatusCode.InvalidArgument)
        {
            return false;
        }
    }

    private static int Show(Instance instance, CommonOptions o)
    {
        if (o.Json) Printer.JsonLine(instance);
        else if (o.Quiet) Console.Out.WriteLine(instance.Name);
        else Console.Out.WriteLine($"{instance.Name}: {Printer.State(instance, DateTimeOffset.UtcNow)}{(instance.Pid == 0 ? "" : $" (pid {instance.Pid})")}{(instance.LastExitReason.Length > 0 && instance.Pid == 0 ? $" — {instance.LastExitReason}" : "")}");
        return ExitCodes.Ok;
    }

    /// <summary>The first thing wrong with the form of the --capital options (read into <paramref name="capital"/>), or null.</summary>
    internal static string? CapitalProblem(string[]? options, IDictionary<string, string> capital) =>
        CapitalOption.Read(options, capital) is [var first, ..] ? $"mmctl: --capital {first}" : null;

    internal static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return ExitCodes.InvalidInput;
    }

    /// <summary>
    /// One call per instance, all at once (a stop waits for its worker to confirm): each failure is reported on its own
    /// line and the others go on; the exit code is the first failure's, in the order the names were given.
    /// </summary>
    private static async Task<int> EachAsync(IReadOnlyList<string> names, CommonOptions o, Func<string, Task<int>> call)
    {
        var socket = DaemonConnection.ResolveSocket(o.Socket);
        var codes = await Task.WhenAll(names.Distinct(StringComparer.Ordinal).Select(async name =>
        {
            try { return await call(name); }
            catch (Grpc.Core.RpcException ex) when (ex.StatusCode != Grpc.Core.StatusCode.Unavailable) { return RpcFailures.Report(ex, socket); }
        }));
        return codes.FirstOrDefault(code => code != ExitCodes.Ok);
    }

    /// <summary>Opens the connection, runs the call, and turns failures into one line and an exit code.</summary>
    internal static async Task<int> Run(CommonOptions o, Func<DaemonConnection, CancellationToken, Task<int>> action)
    {
        var socket = DaemonConnection.ResolveSocket(o.Socket);
        try
        {
            using var connection = DaemonConnection.Open(o.Socket);
            using var cancel = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
            return await action(connection, cancel.Token);
        }
        catch (Exception ex) when (ex is NoDaemonException or Grpc.Core.RpcException)
        {
            return RpcFailures.Report(ex, socket);
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Ok;
        }
    }
}
