using Cocona;
using Cocona.Command.Dispatcher;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mmctl.Commands;

// Thin client of mmd's gRPC API on its Unix socket. A bare HostBuilder, not CoconaApp.CreateBuilder: the default host
// reads appsettings from the working directory and puts an inotify watch on every folder under it, which cost 450 ms
// in a repository checkout (and more in a home directory). A CLI has no configuration files to reload.
if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 400; // scripts and logs: no wrapping at a made-up width

using var host = new HostBuilder()
    .ConfigureCocona(CommandLine.Parse(args), CommandTree.Types)
    .UseConsoleLifetime()
    .ConfigureServices(services =>
    {
        // Settled options and no logging (a bare host logs nowhere anyway): under Native AOT, every options or logger
        // type the container builds from an open generic is a runtime type build, about 8 ms of a 57 ms `mmctl status`.
        services.AddSingleton(Options.Create(new CoconaAppOptions { EnableShellCompletionSupport = true, TreatPublicMethodsAsCommands = false }));
        services.AddSingleton(Options.Create(new ConsoleLifetimeOptions { SuppressStatusMessages = true }));
        services.AddSingleton(Options.Create(new HostOptions()));
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton<Cocona.Application.ICoconaApplicationMetadataProvider, ProgramMetadata>();
        // Cocona's zsh script does not parse with an apostrophe in a description: ours in its place.
        var zsh = services.Single(d => d.ImplementationType == typeof(Cocona.ShellCompletion.Generators.ZshCoconaShellCompletionCodeGenerator));
        services.Remove(zsh);
        services.Add(new ServiceDescriptor(typeof(Cocona.ShellCompletion.Generators.ICoconaShellCompletionCodeGenerator), typeof(Mmctl.Completion.ZshCompletionScript), zsh.Lifetime));
        // Registered after Cocona's own (which it adds only if none is there): the one the host resolves.
        services.AddTransient<ICoconaCommandDispatcher>(sp => new UsageDispatcher(ActivatorUtilities.CreateInstance<CoconaCommandDispatcher>(sp)));
    })
    .Build();
if (UsageDispatcher.UnknownCommand(host.Services) is { } refusal)
{
    Console.Error.WriteLine(refusal);
    return Mmctl.ExitCodes.InvalidInput;
}
await host.RunAsync();
return Environment.ExitCode;
