using Microsoft.Extensions.Logging;
using Cocona;
using Mmctl.Commands;

// Thin client of mmd's gRPC API on its Unix socket. No hosting services beyond what Cocona needs: a CLI starts cold.
var builder = CoconaApp.CreateBuilder(args, options =>
{
    options.EnableShellCompletionSupport = false;
    options.TreatPublicMethodsAsCommands = false;
});
builder.Logging.ClearProviders();
// Piped output is for scripts and logs: no wrapping at a made-up terminal width.
if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 400;
var app = builder.Build();
app.AddCommands<InstanceCommands>();
app.AddCommands<WatchCommand>();
app.AddCommands<HealthCommand>();
app.AddCommands<LogsCommand>();
app.AddSubCommand("daemon", d => d.AddCommands<DaemonCommands>()).WithDescription("The daemon itself: status, version, shutdown");
await app.RunAsync();
return Environment.ExitCode;
