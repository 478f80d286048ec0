using Microsoft.Extensions.Logging;

namespace Mmd.Daemon;

internal static partial class DaemonLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "mmd serving on {Socket} (pid {Pid}, config {Config})")]
    public static partial void Serving(ILogger logger, string socket, int pid, string config);

    [LoggerMessage(Level = LogLevel.Warning, Message = "refused a connection from pid {Pid} uid {Uid}: uid not in allowedUids")]
    public static partial void PeerRejected(ILogger logger, int pid, int uid);
}
