using System.CommandLine;
using Mmd.Hosting;

var root = new RootCommand("mmd: the GrpcMM market-making daemon");
root.Subcommands.Add(RunCommand.Create());

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors) await Console.Error.WriteLineAsync($"mmd: {error.Message}");
    await Console.Error.WriteLineAsync("run 'mmd --help' for usage");
    return Mmd.ExitCodes.InvalidInput;
}
// Signals are handled by the commands themselves: a stop must cancel orders, not be cut short.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
