using Cocona;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mmctl.Commands;

// Thin client of mmd's gRPC API on its Unix socket. A bare HostBuilder, not CoconaApp.CreateBuilder: the default host
// reads appsettings from the working directory and puts an inotify watch on every folder under it, which cost 450 ms
// in a repository checkout (and more in a home directory). A CLI has no configuration files to reload.
if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 400; // scripts and logs: no wrapping at a made-up width

using var host = new HostBuilder()
    .ConfigureCocona(args, CommandTree.Types)
    .ConfigureServices(services => services.Configure<CoconaAppOptions>(options =>
    {
        options.EnableShellCompletionSupport = false;
        options.TreatPublicMethodsAsCommands = false;
    }))
    .UseConsoleLifetime(options => options.SuppressStatusMessages = true)
    .Build();
await host.RunAsync();
return Environment.ExitCode;
