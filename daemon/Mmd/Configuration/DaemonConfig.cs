namespace Mmd.Configuration;

/// <summary>
/// daemon.json. Relative paths are relative to the file's folder. Every key can be overridden from the
/// environment: MMD_ and the key in upper snake case, nested keys joined by "__" (MMD_SUPERVISION__MAX_BACKOFF_SECONDS).
/// </summary>
/// <remarks>
/// Setters, not init: the records are read by source-generated JSON (<see cref="DaemonConfigJson"/>), which sets an
/// init-only property absent from the file to its type's default instead of the initializer below (dotnet/runtime#84484).
/// </remarks>
public sealed record DaemonConfig
{
    /// <summary>The public gRPC Unix socket. Its folder is created 0700.</summary>
    public string SocketPath { get; set; } = "state/mmd.sock";
    /// <summary>Databases, paper venue state, the worker socket.</summary>
    public string StateDir { get; set; } = "state";
    /// <summary>Daily log folders.</summary>
    public string LogDir { get; set; } = "logs";
    /// <summary>Days of log folders kept.</summary>
    public int LogRetentionDays { get; set; } = 14;
    /// <summary>
    /// Days an instance's journal keeps ended orders and stats snapshots (the latest snapshot always stays). Fills are
    /// kept whatever their age: they are the trading record, and the cumulative figures are built from them.
    /// </summary>
    public int JournalRetentionDays { get; set; } = DefaultJournalRetentionDays;
    public const int DefaultJournalRetentionDays = 30;
    /// <summary>A group name: the socket becomes 0660 and owned by that group. Empty: 0600.</summary>
    public string? SocketGroup { get; set; }
    /// <summary>Uids allowed to call the daemon (SO_PEERCRED). Empty: only the daemon's own uid.</summary>
    public IReadOnlyList<int> AllowedUids { get; set; } = [];
    public SupervisionDefaults Supervision { get; set; } = new();
    public HealthThresholds Health { get; set; } = new();
    /// <summary>The Prometheus endpoint: off unless an address is given.</summary>
    public MetricsSettings Metrics { get; set; } = new();
    /// <summary>Where and when the daemon sends alerts (a webhook, Telegram); the addresses' secrets come from the environment or the secrets file.</summary>
    public AlertSettings Alerts { get; set; } = new();
    /// <summary>A NAME=value file of venue credentials (BACKPACK_KEY, BACKPACK_SECRET; ASTER_USER, ASTER_SIGNER, ASTER_SIGNER_PRIVATE_KEY or ASTER_API_KEY, ASTER_SECRET_KEY; PARADEX_ACCOUNT_ADDRESS, PARADEX_PRIVATE_KEY; LIGHTER_ACCOUNT_INDEX, LIGHTER_API_KEY_INDEX, LIGHTER_PRIVATE_KEY), mode 0600; the environment wins over it.</summary>
    public string? SecretsFile { get; set; }
    /// <summary>Venue endpoints by venue name, e.g. pointing "backpack" at a loopback emulator.</summary>
    public IReadOnlyDictionary<string, VenueEndpoints> Venues { get; set; } = new Dictionary<string, VenueEndpoints>();

    /// <summary>Where this configuration came from, for messages ("built-in defaults" when no file).</summary>
    public string Source { get; set; } = "built-in defaults";

    public string WorkerSocketPath => Path.Combine(StateDir, "run", "worker.sock");
    public string DatabasePath => Path.Combine(StateDir, "mmd.db");

    /// <summary>An instance's journal (its orders, fills and runs), written by its workers.</summary>
    public string JournalPath(string instance) => Path.Combine(StateDir, "instances", instance, "journal.db");

    /// <summary>The lock a worker of the instance holds for its life: one worker per instance and state dir.</summary>
    public string WorkerLockPath(string instance) => Path.Combine(StateDir, "instances", instance, "worker.lock");
}

/// <summary>Restart policy and probes applied to instances whose spec leaves them unset.</summary>
public sealed record SupervisionDefaults
{
    /// <summary>on-failure, always or never.</summary>
    public string RestartPolicy { get; set; } = "on-failure";
    public double InitialBackoffSeconds { get; set; } = 1;
    public double MaxBackoffSeconds { get; set; } = 60;
    /// <summary>Healthy this long resets the backoff and the crash-loop state.</summary>
    public double ResetAfterSeconds { get; set; } = 60;
    public double StopTimeoutSeconds { get; set; } = 30;
    /// <summary>Worker RSS above which it is restarted; 0 turns the check off.</summary>
    public int MemoryLimitMb { get; set; } = 1024;
    /// <summary>How often workers report their health.</summary>
    public double HealthIntervalSeconds { get; set; } = 1;
    /// <summary>Consecutive missed or unhealthy reports before the worker is killed and restarted.</summary>
    public int HealthFailureThreshold { get; set; } = 10;
    /// <summary>Time a new worker has to attach and reach RUNNING before health failures count.</summary>
    public double StartupGraceSeconds { get; set; } = 30;
}

/// <summary>Resource checks of `mmctl daemon status`.</summary>
public sealed record HealthThresholds
{
    public int MinFreeDiskMb { get; set; } = 512;
    public int MinAvailableMemoryMb { get; set; } = 256;
    /// <summary>One-minute load average divided by the core count.</summary>
    public double MaxLoadPerCore { get; set; } = 4;
}

/// <summary>
/// Where the daemon serves <c>GET /metrics</c> (Prometheus text) over plain HTTP, e.g. "127.0.0.1:9464". Unset or empty:
/// not served. Only the metrics are on it; the API stays on the Unix socket.
/// </summary>
public sealed record MetricsSettings
{
    public string? Listen { get; set; }

    /// <summary>The address to listen on, or null when metrics are off or <see cref="Listen"/> is not an IP address and port.</summary>
    public System.Net.IPEndPoint? Endpoint() =>
        string.IsNullOrWhiteSpace(Listen) ? null : System.Net.IPEndPoint.TryParse(Listen, out var e) && e.Port > 0 ? e : null;
}

/// <summary>
/// Alerts: what needs an operator (a crash loop, a failed worker, orders possibly left, a kill switch, a daily loss halt,
/// a worker unhealthy or quoting nothing for a while, a resource check failing) sent when it begins, again while it
/// lasts, and when it ends.
/// The webhook's address is the secret ALERT_WEBHOOK_URL and Telegram's bot token TELEGRAM_BOT_TOKEN (the environment,
/// else the secrets file): a Slack or Discord webhook address is a credential.
/// </summary>
public sealed record AlertSettings
{
    /// <summary>The webhook's body: "json" (the alert's fields), "slack" ({"text"}) or "discord" ({"content"}).</summary>
    public string WebhookFormat { get; set; } = "json";
    /// <summary>The Telegram chat the bot writes to; unset: no Telegram.</summary>
    public string? TelegramChatId { get; set; }
    /// <summary>Telegram's Bot API address (another one for a test).</summary>
    public string TelegramApiUrl { get; set; } = "https://api.telegram.org";
    /// <summary>How long a running worker may report itself unhealthy before it is an alert.</summary>
    public double UnhealthyAfterSeconds { get; set; } = 60;
    /// <summary>
    /// How long a running worker may have no order of its own on the book (not paused, not halted) before it is an alert:
    /// alive but not trading, e.g. every order refused for funds. 0: never.
    /// </summary>
    public double NotQuotingAfterSeconds { get; set; } = 300;
    /// <summary>A condition that lasts is said again this often; 0: only when it begins and ends.</summary>
    public double RepeatAfterMinutes { get; set; } = 60;
    /// <summary>Just after 00:00 UTC, each instance's trading of the day that ended (fills, volume, maker share, fees, net PnL).</summary>
    public bool DailySummary { get; set; } = true;
}

/// <summary>Where a venue is and how fast to talk to it; unset keys take the venue's own defaults.</summary>
public sealed record VenueEndpoints
{
    public string? RestUrl { get; set; }
    public string? WsUrl { get; set; }
    /// <summary>How long after its timestamp a signed request stays valid (Backpack's X-Window, Aster V1's recvWindow, Paradex's recv_window; at most 60000).</summary>
    public int? WindowMs { get; set; }
    /// <summary>Sustained requests per second of the client-side token bucket (Paradex: of its reads; its order writes have their own).</summary>
    public int? RequestsPerSecond { get; set; }
    /// <summary>Lighter's chain id, signed into every transaction; unset: 304 when the REST host names mainnet, else 300 (testnet).</summary>
    public long? ChainId { get; set; }
}
