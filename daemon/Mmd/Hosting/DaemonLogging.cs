using Serilog;
using Serilog.Events;

namespace Mmd.Hosting;

/// <summary>Serilog for the daemon: logs/&lt;day&gt;/mmd.log, and the console when it runs in the foreground.</summary>
public static class DaemonLogging
{
    public static Serilog.Core.Logger Create(Configuration.DaemonConfig config, bool console)
    {
        LogFolders.Prune(config.LogDir, config.LogRetentionDays, DateTimeOffset.Now);
        var log = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Grpc", LogEventLevel.Warning)
            .WriteTo.DailyFile(config.LogDir, "mmd.log");
        if (console) log.WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {Message:lj}{NewLine}{Exception}");
        return log.CreateLogger();
    }
}
