using Microsoft.Extensions.Logging;

namespace Mmd.Daemon;

internal static partial class DaemonLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "mmd serving on {Socket} (pid {Pid}, config {Config})")]
    public static partial void Serving(ILogger logger, string socket, int pid, string config);

    [LoggerMessage(Level = LogLevel.Warning, Message = "refused pid {Pid} uid {Uid} on the socket: uid not in allowedUids")]
    public static partial void PeerRejected(ILogger logger, int pid, int uid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "the work after the start failed (warming up the database layer, saving spec bytes; the next request or start pays for it): {Error}")]
    public static partial void AfterStartFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "systemd watchdog: ping withheld: {Problem}; systemd restarts the daemon if this lasts WatchdogSec (its workers keep trading and are re-adopted)")]
    public static partial void WatchdogWithheld(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "systemd watchdog: progressing again, pings resumed")]
    public static partial void WatchdogResumed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "systemd notify failed: {Error}")]
    public static partial void NotifyFailed(ILogger logger, string error);
}
