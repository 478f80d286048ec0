using System.CommandLine;
using System.Runtime.InteropServices;
using Mmd.Configuration;
using Mmd.Daemon;

namespace Mmd.Hosting;

/// <summary><c>mmd</c> (no subcommand): the daemon. SIGTERM/SIGINT stop it; its workers keep trading.</summary>
public static class DaemonCommand
{
    public static Option<string?> ConfigOption { get; } = new("--config", "-c") { Description = "daemon.json to use (default: MMD_CONFIG, then ./daemon.json)", Recursive = false };

    /// <summary>True for the command lines that can only mean the daemon: none, or just its configuration file.</summary>
    public static bool IsDaemonOnly(string[] args) =>
        args.Length == 0 || args.Length == 2 && (args[0] == ConfigOption.Name || ConfigOption.Aliases.Contains(args[0]));

    public static async Task<int> RunAsync(ParseResult result, CancellationToken cancellationToken)
    {
        // The web host's builder needs nothing of the configuration: made on the other core while it is read.
        var hostBuilder = Task.Run(QuietWebHost.CreateBuilder, cancellationToken);
        DaemonConfig config;
        try
        {
            config = DaemonConfigLoader.Load(result.GetValue(ConfigOption), RunCommand.EnvironmentVariables());
        }
        catch (ConfigException ex)
        {
            await Console.Error.WriteLineAsync($"mmd: configuration error: {ex.Message}");
            return ExitCodes.InvalidInput;
        }

        using var stop = new CancellationTokenSource();
        DaemonApp app;
        try
        {
            app = await DaemonApp.StartAsync(config, stop.Token, hostBuilder: hostBuilder);
        }
        catch (DaemonApp.AlreadyRunningException ex)
        {
            await Console.Error.WriteLineAsync($"mmd: {ex.Message}");
            return ExitCodes.AlreadyRunning;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"mmd: cannot start: {ex.Message}");
            return ExitCodes.Failure;
        }
        await using (app)
        {
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            await app.WaitForShutdownAsync(CancellationToken.None);

            void Stop(PosixSignalContext context)
            {
                context.Cancel = true;
                app.RequestStop();
            }
        }
        return ExitCodes.Ok;
    }
}
