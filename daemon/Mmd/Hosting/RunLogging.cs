using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Extensions.Logging;
using Serilog.Sinks.SystemConsole.Themes;

namespace Mmd.Hosting;

/// <summary>Serilog for one instance (`mmd run` and `mmd worker`): console, and logs/&lt;day&gt;/&lt;name&gt;.log.</summary>
public static class RunLogging
{
    public static (ILoggerFactory Factory, Serilog.Core.Logger Logger) Create(string logDir, string instance, int retentionDays)
    {
        LogFolders.Prune(logDir, retentionDays, DateTimeOffset.Now);
        var logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .Enrich.WithProperty("Instance", instance)
            // Colours only on a terminal: a pipe or a file gets plain text that scripts can grep.
            .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {Message:lj}{NewLine}{Exception}", standardErrorFromLevel: Serilog.Events.LogEventLevel.Error,
                theme: Console.IsOutputRedirected ? ConsoleTheme.None : AnsiConsoleTheme.Literate)
            .WriteTo.DailyFile(logDir, instance + ".log")
            .CreateLogger();
        return (new SerilogLoggerFactory(logger), logger);
    }
}
