using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Extensions.Logging;
using Serilog.Sinks.SystemConsole.Themes;

namespace Mmd.Hosting;

/// <summary>Serilog for <c>mmd run</c>: console, and a daily-rolled file per instance under the log dir.</summary>
public static class RunLogging
{
    public static (ILoggerFactory Factory, Serilog.Core.Logger Logger) Create(string logDir, string instance, int retentionDays)
    {
        var logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .Enrich.WithProperty("Instance", instance)
            // Colours only on a terminal: a pipe or a file gets plain text that scripts can grep.
            .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {Message:lj}{NewLine}{Exception}", standardErrorFromLevel: Serilog.Events.LogEventLevel.Error,
                theme: Console.IsOutputRedirected ? ConsoleTheme.None : AnsiConsoleTheme.Literate)
            .WriteTo.File(Path.Combine(logDir, instance, instance + "-.log"), rollingInterval: RollingInterval.Day, retainedFileCountLimit: retentionDays,
                outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {Message:lj}{NewLine}{Exception}")
            .CreateLogger();
        return (new SerilogLoggerFactory(logger), logger);
    }
}
