using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Extensions.Logging;
using Serilog.Sinks.SystemConsole.Themes;

namespace Mmd.Hosting;

/// <summary>Serilog for one instance (`mmd run` and `mmd worker`): console, and logs/&lt;day&gt;/&lt;name&gt;.log.</summary>
public static class RunLogging
{
    /// <param name="console">
    /// Also to the console (`mmd run`). Not for a daemon's worker: its stdout and stderr are captured in &lt;name&gt;.out,
    /// which then holds only what bypasses the log (a runtime's crash report), not every line a second time.
    /// </param>
    public static (ILoggerFactory Factory, Serilog.Core.Logger Logger) Create(string logDir, string instance, int retentionDays, bool console)
    {
        LogFolders.Prune(logDir, retentionDays, DateTimeOffset.Now);
        var config = new LoggerConfiguration()
            .MinimumLevel.Information()
            .Enrich.WithProperty("Instance", instance)
            .WriteTo.DailyFile(logDir, instance + ".log");
        // Colours only on a terminal: a pipe or a file gets plain text that scripts can grep.
        if (console)
            config.WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {Message:lj}{NewLine}{Exception}", standardErrorFromLevel: Serilog.Events.LogEventLevel.Error,
                theme: Console.IsOutputRedirected ? ConsoleTheme.None : AnsiConsoleTheme.Literate);
        var logger = config.CreateLogger();
        return (new SerilogLoggerFactory(logger), logger);
    }

    /// <summary>
    /// Closes the run's log at its end without throwing: on a full disk the file cannot take its last buffered lines, and
    /// that must not turn the run's exit (its code and reason, what its stop cancelled) into a runtime crash.
    /// </summary>
    public static IAsyncDisposable ClosingQuietly(Serilog.Core.Logger logger) => new QuietClose(logger);

    private sealed class QuietClose(Serilog.Core.Logger logger) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try { await logger.DisposeAsync(); }
            catch (IOException) { }
        }
    }
}
