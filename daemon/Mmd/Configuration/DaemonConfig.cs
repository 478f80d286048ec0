namespace Mmd.Configuration;

/// <summary>daemon.json. Relative paths are relative to the file's folder. Every key can be overridden from the environment.</summary>
public sealed record DaemonConfig
{
    /// <summary>The gRPC Unix socket (used by the daemon; MMD_SOCKET_PATH).</summary>
    public string SocketPath { get; init; } = "state/mmd.sock";
    /// <summary>Databases, paper venue state, worker sockets (MMD_STATE_DIR).</summary>
    public string StateDir { get; init; } = "state";
    /// <summary>Daily log folders (MMD_LOG_DIR).</summary>
    public string LogDir { get; init; } = "logs";
    /// <summary>Days of log folders kept (MMD_LOG_RETENTION_DAYS).</summary>
    public int LogRetentionDays { get; init; } = 14;

    /// <summary>Where this configuration came from, for messages ("built-in defaults" when no file).</summary>
    public string Source { get; init; } = "built-in defaults";
}
