namespace Mmd.Configuration;

/// <summary>
/// daemon.json. Relative paths are relative to the file's folder. Every key can be overridden from the
/// environment: MMD_ and the key in upper snake case, nested keys joined by "__" (MMD_SUPERVISION__MAX_BACKOFF_SECONDS).
/// </summary>
public sealed record DaemonConfig
{
    /// <summary>The public gRPC Unix socket. Its folder is created 0700.</summary>
    public string SocketPath { get; init; } = "state/mmd.sock";
    /// <summary>Databases, paper venue state, the worker socket.</summary>
    public string StateDir { get; init; } = "state";
    /// <summary>Daily log folders.</summary>
    public string LogDir { get; init; } = "logs";
    /// <summary>Days of log folders kept.</summary>
    public int LogRetentionDays { get; init; } = 14;
    /// <summary>A group name: the socket becomes 0660 and owned by that group. Empty: 0600.</summary>
    public string? SocketGroup { get; init; }
    /// <summary>Uids allowed to call the daemon (SO_PEERCRED). Empty: only the daemon's own uid.</summary>
    public IReadOnlyList<int> AllowedUids { get; init; } = [];
    public SupervisionDefaults Supervision { get; init; } = new();
    public HealthThresholds Health { get; init; } = new();
    /// <summary>A NAME=value file of venue credentials (BACKPACK_KEY, BACKPACK_SECRET; ASTER_USER, ASTER_SIGNER, ASTER_SIGNER_PRIVATE_KEY or ASTER_API_KEY, ASTER_SECRET_KEY), mode 0600; the environment wins over it.</summary>
    public string? SecretsFile { get; init; }
    /// <summary>Venue endpoints by venue name, e.g. pointing "backpack" at a loopback emulator.</summary>
    public IReadOnlyDictionary<string, VenueEndpoints> Venues { get; init; } = new Dictionary<string, VenueEndpoints>();

    /// <summary>Where this configuration came from, for messages ("built-in defaults" when no file).</summary>
    public string Source { get; init; } = "built-in defaults";

    public string WorkerSocketPath => Path.Combine(StateDir, "run", "worker.sock");
    public string DatabasePath => Path.Combine(StateDir, "mmd.db");
}

/// <summary>Restart policy and probes applied to instances whose spec leaves them unset.</summary>
public sealed record SupervisionDefaults
{
    /// <summary>on-failure, always or never.</summary>
    public string RestartPolicy { get; init; } = "on-failure";
    public double InitialBackoffSeconds { get; init; } = 1;
    public double MaxBackoffSeconds { get; init; } = 60;
    /// <summary>Healthy this long resets the backoff and the crash-loop state.</summary>
    public double ResetAfterSeconds { get; init; } = 60;
    public double StopTimeoutSeconds { get; init; } = 30;
    /// <summary>Worker RSS above which it is restarted; 0 turns the check off.</summary>
    public int MemoryLimitMb { get; init; } = 1024;
    /// <summary>How often workers report their health.</summary>
    public double HealthIntervalSeconds { get; init; } = 1;
    /// <summary>Consecutive missed or unhealthy reports before the worker is killed and restarted.</summary>
    public int HealthFailureThreshold { get; init; } = 10;
    /// <summary>Time a new worker has to attach and reach RUNNING before health failures count.</summary>
    public double StartupGraceSeconds { get; init; } = 30;
}

/// <summary>Resource checks of `mmctl daemon status`.</summary>
public sealed record HealthThresholds
{
    public int MinFreeDiskMb { get; init; } = 512;
    public int MinAvailableMemoryMb { get; init; } = 256;
    /// <summary>One-minute load average divided by the core count.</summary>
    public double MaxLoadPerCore { get; init; } = 4;
}

/// <summary>Where a venue is and how fast to talk to it; unset keys take the venue's own defaults.</summary>
public sealed record VenueEndpoints
{
    public string? RestUrl { get; init; }
    public string? WsUrl { get; init; }
    /// <summary>How long after its timestamp a signed request stays valid (Backpack's X-Window, Aster V1's recvWindow; at most 60000).</summary>
    public int? WindowMs { get; init; }
    /// <summary>Sustained requests per second of the client-side token bucket.</summary>
    public int? RequestsPerSecond { get; init; }
}
