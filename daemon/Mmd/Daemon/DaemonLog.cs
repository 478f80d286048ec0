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
}
