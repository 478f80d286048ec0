using System.CommandLine;
using Mmd.Hosting;

// `mmd` is the daemon; `mmd run` one instance in the foreground; `mmd backtest` one on a simulated clock; `mmd account`,
// `markets`, `book` and `deposit-address` read a venue now; `mmd worker` one supervised instance.
var root = new RootCommand("mmd: the GrpcMM market-making daemon (default: serve the gRPC API on the configured Unix socket)");
root.Options.Add(DaemonCommand.ConfigOption);
root.SetAction(DaemonCommand.RunAsync);
// The daemon's own command lines (`mmd`, `mmd --config FILE`) need none of the subcommands, whose hundred-odd options
// take some 20 ms to build: a restart is back on the socket that much sooner.
if (!DaemonCommand.IsDaemonOnly(args))
    AddSubcommands(root);

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors) await Console.Error.WriteLineAsync($"mmd: {error.Message}");
    await Console.Error.WriteLineAsync("run 'mmd --help' for usage");
    return Mmd.ExitCodes.InvalidInput;
}
// Signals are handled by the commands themselves: a stop must cancel orders, not be cut short.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });

static void AddSubcommands(RootCommand root)
{
    root.Subcommands.Add(RunCommand.Create());
    root.Subcommands.Add(BacktestCommand.Create());
    root.Subcommands.Add(CheckCommand.Create());
    root.Subcommands.Add(AccountCommand.Create());
    root.Subcommands.Add(MarketsCommand.Create());
    root.Subcommands.Add(BookCommand.Create());
    root.Subcommands.Add(CandlesCommand.Create());
    root.Subcommands.Add(AnalyzeCommand.Create());
    root.Subcommands.Add(DepositAddressCommand.Create());
    root.Subcommands.Add(WorkerCommand.Create());
}
