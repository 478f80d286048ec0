using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Mmd.Specs;

namespace Mmd.Configuration;

/// <summary>
/// Finds and reads daemon.json: --config, else MMD_CONFIG, else ./daemon.json, else built-in defaults.
/// Unknown keys are errors; MMD_&lt;KEY&gt; environment variables override the file (nested keys joined by "__").
/// Every error names the file, the line and the key.
/// </summary>
public static class DaemonConfigLoader
{
    /// <summary>MMD_ variables that are not configuration keys.</summary>
    private static readonly HashSet<string> NotKeys = ["MMD_CONFIG"];

    // Source-generated metadata: reading daemon.json by reflection cost the daemon's start-up some 80 ms.
    private static readonly JsonSerializerOptions Json = DaemonConfigJson.Default.Options;

    public static DaemonConfig Load(string? explicitPath, IReadOnlyDictionary<string, string?> environment)
    {
        var path = explicitPath ?? environment.GetValueOrDefault("MMD_CONFIG");
        if (path is null && File.Exists("daemon.json")) path = "daemon.json";
        DaemonConfig config;
        string baseDir;
        IReadOnlyDictionary<string, long> lines = new Dictionary<string, long>();
        if (path is null)
        {
            config = new DaemonConfig();
            baseDir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state", "grpcmm");
        }
        else
        {
            path = Path.GetFullPath(path);
            if (!File.Exists(path)) throw new ConfigException(path, null, "(file)", "no such file");
            var bytes = File.ReadAllBytes(path);
            config = Parse(path, bytes) with { Source = path };
            lines = JsonLineIndex.Build(bytes);
            baseDir = Path.GetDirectoryName(path)!;
        }
        var file = path ?? "(built-in defaults)";
        var (withEnv, fromEnv) = ApplyEnvironment(config, environment);
        ConfigException At(string key, string message) => fromEnv.TryGetValue(key, out var variable)
            ? new ConfigException(file, null, $"{key} (from {variable})", message)
            : new ConfigException(file, lines.TryGetValue(Snake(key), out var line) ? line : null, key, message);
        Validate(withEnv, key => At(key, ""));
        var resolved = withEnv with
        {
            SocketPath = Path.GetFullPath(withEnv.SocketPath, baseDir),
            StateDir = Path.GetFullPath(withEnv.StateDir, baseDir),
            LogDir = Path.GetFullPath(withEnv.LogDir, baseDir),
            SecretsFile = withEnv.SecretsFile is { } secrets ? Path.GetFullPath(secrets, baseDir) : null,
        };
        // A secrets file others can read, or one that is malformed, stops everything before it starts.
        var fromFile = resolved.SecretsFile is { } secretsFile ? SecretsFile.Read(secretsFile) : new Dictionary<string, string>();
        CheckAlertSecrets(resolved, fromFile, environment, At);
        return resolved;
    }

    /// <summary>The alert destinations' secrets: a webhook address that is one, and Telegram's token and chat together.</summary>
    private static void CheckAlertSecrets(DaemonConfig config, IReadOnlyDictionary<string, string> fromFile, IReadOnlyDictionary<string, string?> environment,
        Func<string, string, ConfigException> at)
    {
        const string Webhook = Alerts.AlertDestinations.WebhookSecret, Telegram = Alerts.AlertDestinations.TelegramSecret;
        var secrets = SecretsFile.Merge(fromFile, environment);
        var where = environment.GetValueOrDefault(Webhook) is null && config.SecretsFile is { } secretsFile ? secretsFile : "(environment)";
        if (secrets.GetValueOrDefault(Webhook) is { Length: > 0 } webhook
            && !(Uri.TryCreate(webhook, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
            throw new ConfigException(where, null, Webhook, "must be an http(s) address"); // the value is a secret: not echoed
        var token = secrets.GetValueOrDefault(Telegram) is { Length: > 0 };
        var chat = config.Alerts.TelegramChatId is { Length: > 0 };
        if (token && !chat) throw at("alerts.telegramChatId", $"Telegram needs the chat to write to ({Telegram} is set)");
        if (chat && !token) throw at("alerts.telegramChatId", $"Telegram needs the bot token too: {Telegram} in the environment or the secrets file");
    }

    internal static DaemonConfig Parse(string path, byte[] json)
    {
        try
        {
            return JsonSerializer.Deserialize<DaemonConfig>(json, Json) ?? throw new ConfigException(path, 1, "(root)", "the file is empty or null");
        }
        catch (JsonException ex)
        {
            var key = ex.Path is { Length: > 2 } p ? p[2..] : "(root)";
            var message = ex.Message.Contains("could not be mapped", StringComparison.Ordinal) ? "unknown key" : FirstSentence(ex.Message);
            if (message == "unknown key" && UnknownKey(ex.Message) is { } unknown) key = key == "(root)" || !key.Contains('.', StringComparison.Ordinal) ? unknown : $"{key[..key.LastIndexOf('.')]}.{unknown}";
            throw new ConfigException(path, ex.LineNumber + 1, key, message);
        }
    }

    /// <summary>Applies MMD_* variables onto the configuration; returns it and which key came from which variable.</summary>
    private static (DaemonConfig Config, Dictionary<string, string> FromEnv) ApplyEnvironment(DaemonConfig config, IReadOnlyDictionary<string, string?> env)
    {
        var fromEnv = new Dictionary<string, string>(StringComparer.Ordinal);
        var overrides = env.Where(e => e.Key.StartsWith("MMD_", StringComparison.Ordinal) && !NotKeys.Contains(e.Key) && e.Value is not null
                && !e.Key.StartsWith("MMD_WORKER_", StringComparison.Ordinal)) // the daemon -> worker hand-over
            .OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (Variable: e.Key, Value: e.Value!)).ToList();
        if (overrides.Count == 0) return (config, fromEnv); // the usual case: no round trip through a JSON tree
        var node = JsonSerializer.SerializeToNode(config, Json)!.AsObject();
        node.Remove("source");
        node.Remove("workerSocketPath");
        node.Remove("databasePath");
        foreach (var (variable, value) in overrides)
        {
            var keys = variable[4..].Split("__").Select(Camel).ToArray();
            var key = string.Join('.', keys);
            var parent = node;
            for (var i = 0; i < keys.Length - 1; i++)
            {
                if (parent[keys[i]] is JsonObject child) parent = child;
                else throw new ConfigException("(environment)", null, variable, $"no such key '{key}'");
            }
            var last = keys[^1];
            var isDictionary = parent != node && keys[0] == "venues";
            if (!parent.ContainsKey(last) && !isDictionary) throw new ConfigException("(environment)", null, variable, $"no such key '{key}'");
            parent[last] = parent[last] switch
            {
                JsonArray => new JsonArray(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => (JsonNode)JsonValue.Create(v)!).ToArray()),
                _ => JsonValue.Create(value),
            };
            fromEnv[key] = variable;
        }
        try
        {
            return (node.Deserialize<DaemonConfig>(Json)! with { Source = config.Source }, fromEnv);
        }
        catch (JsonException ex)
        {
            var key = ex.Path is { Length: > 2 } p ? p[2..] : "(root)";
            throw new ConfigException("(environment)", null, fromEnv.GetValueOrDefault(key) ?? key, FirstSentence(ex.Message));
        }
    }

    private static void Validate(DaemonConfig c, Func<string, ConfigException> at)
    {
        void Check(bool ok, string key, string message)
        {
            if (ok) return;
            var e = at(key);
            throw new ConfigException(e.File, e.Line, e.Key, message);
        }
        Check(c.LogRetentionDays >= 1, "logRetentionDays", "must be at least 1");
        Check(c.JournalRetentionDays >= 1, "journalRetentionDays", "must be at least 1");
        Check(!string.IsNullOrWhiteSpace(c.StateDir), "stateDir", "must not be empty");
        Check(!string.IsNullOrWhiteSpace(c.LogDir), "logDir", "must not be empty");
        Check(!string.IsNullOrWhiteSpace(c.SocketPath), "socketPath", "must not be empty");
        // sun_path holds 108 bytes; a longer path fails at bind with an obscure error.
        Check(Path.GetFullPath(c.SocketPath).Length < 100, "socketPath", "too long for a Unix socket (under 100 characters)");
        Check(c.AllowedUids.All(u => u >= 0), "allowedUids", "uids are whole numbers >= 0");
        var a = c.Alerts;
        Check(a.WebhookFormat is "json" or "slack" or "discord", "alerts.webhookFormat", "must be json, slack or discord");
        Check(Uri.TryCreate(a.TelegramApiUrl, UriKind.Absolute, out var telegram) && telegram.Scheme is "http" or "https", "alerts.telegramApiUrl", "must be an http(s) address");
        Check(a.UnhealthyAfterSeconds > 0, "alerts.unhealthyAfterSeconds", "must be above 0");
        Check(a.RepeatAfterMinutes >= 0, "alerts.repeatAfterMinutes", "must be 0 (never) or more");
        Check(a.NotQuotingAfterSeconds >= 0, "alerts.notQuotingAfterSeconds", "must be 0 (never) or more");
        var s = c.Supervision;
        Check(s.RestartPolicy is "on-failure" or "always" or "never", "supervision.restartPolicy", "must be on-failure, always or never");
        Check(s.InitialBackoffSeconds > 0, "supervision.initialBackoffSeconds", "must be above 0");
        Check(s.MaxBackoffSeconds >= s.InitialBackoffSeconds, "supervision.maxBackoffSeconds", "must be at least initialBackoffSeconds");
        Check(s.ResetAfterSeconds > 0, "supervision.resetAfterSeconds", "must be above 0");
        Check(s.StopTimeoutSeconds > 0, "supervision.stopTimeoutSeconds", "must be above 0");
        Check(s.MemoryLimitMb >= 0, "supervision.memoryLimitMb", "must be 0 (off) or more");
        Check(s.HealthIntervalSeconds > 0, "supervision.healthIntervalSeconds", "must be above 0");
        Check(s.HealthFailureThreshold >= 1, "supervision.healthFailureThreshold", "must be at least 1");
        Check(s.StartupGraceSeconds > 0, "supervision.startupGraceSeconds", "must be above 0");
        Check(c.Health.MinFreeDiskMb >= 0, "health.minFreeDiskMb", "must be 0 or more");
        Check(c.Health.MinAvailableMemoryMb >= 0, "health.minAvailableMemoryMb", "must be 0 or more");
        Check(c.Health.MaxLoadPerCore > 0, "health.maxLoadPerCore", "must be above 0");
        Check(string.IsNullOrWhiteSpace(c.Metrics.Listen) || c.Metrics.Endpoint() is not null, "metrics.listen",
            "must be an IP address and a port, e.g. 127.0.0.1:9464 (or empty: no metrics)");
        var liveVenues = Specs.SpecValidator.KnownVenues.Where(v => v != "paper").ToList();
        foreach (var (venue, endpoints) in c.Venues)
        {
            // A misspelt venue would leave the real one on its public defaults without a word.
            Check(liveVenues.Contains(venue), $"venues.{venue}", $"not a venue with endpoints (one of: {string.Join(", ", liveVenues)})");
            Check(endpoints.RestUrl is null || Uri.TryCreate(endpoints.RestUrl, UriKind.Absolute, out _), $"venues.{venue}.restUrl", "must be an absolute URL");
            Check(endpoints.WsUrl is null || Uri.TryCreate(endpoints.WsUrl, UriKind.Absolute, out _), $"venues.{venue}.wsUrl", "must be an absolute URL");
            Check(endpoints.WindowMs is null or (>= 1 and <= 60_000), $"venues.{venue}.windowMs", "must be 1-60000");
            Check(endpoints.RequestsPerSecond is null or (>= 1 and <= 1000), $"venues.{venue}.requestsPerSecond", "must be 1-1000");
            Check(endpoints.ChainId is null || venue == "lighter" && endpoints.ChainId > 0, $"venues.{venue}.chainId", "a positive chain id, for lighter only");
        }
    }

    // SUPERVISION -> supervision, MAX_BACKOFF_SECONDS -> maxBackoffSeconds
    private static string Camel(string upperSnake)
    {
        var parts = upperSnake.ToLowerInvariant().Split('_', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? upperSnake : parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }

    // maxBackoffSeconds -> max_backoff_seconds, as JsonLineIndex keys lines.
    private static string Snake(string camelPath) =>
        string.Concat(camelPath.Select((ch, i) => char.IsUpper(ch) ? (i > 0 && camelPath[i - 1] != '.' ? "_" : "") + char.ToLowerInvariant(ch) : ch.ToString()));

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". Path:", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }

    private static string? UnknownKey(string message)
    {
        var start = message.IndexOf('\'', StringComparison.Ordinal);
        var end = start >= 0 ? message.IndexOf('\'', start + 1) : -1;
        return end > start ? message[(start + 1)..end] : null;
    }
}
