using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mmd.Configuration;

/// <summary>
/// Finds and reads daemon.json: --config, else MMD_CONFIG, else ./daemon.json, else built-in defaults.
/// Unknown keys are errors; environment variables MMD_&lt;KEY&gt; override the file.
/// </summary>
public static class DaemonConfigLoader
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static DaemonConfig Load(string? explicitPath, IReadOnlyDictionary<string, string?> environment)
    {
        var path = explicitPath ?? environment.GetValueOrDefault("MMD_CONFIG");
        if (path is null && File.Exists("daemon.json")) path = "daemon.json";
        DaemonConfig config;
        string baseDir;
        if (path is null)
        {
            config = new DaemonConfig();
            baseDir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state", "grpcmm");
        }
        else
        {
            path = Path.GetFullPath(path);
            if (!File.Exists(path)) throw new ConfigException(path, null, "(file)", "no such file");
            config = Parse(path, File.ReadAllBytes(path)) with { Source = path };
            baseDir = Path.GetDirectoryName(path)!;
        }
        config = ApplyEnvironment(config, environment, path ?? "(environment)");
        Validate(config, path ?? "(built-in defaults)");
        return config with
        {
            SocketPath = Path.GetFullPath(config.SocketPath, baseDir),
            StateDir = Path.GetFullPath(config.StateDir, baseDir),
            LogDir = Path.GetFullPath(config.LogDir, baseDir),
        };
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
            if (message == "unknown key") key = UnknownKey(ex.Message) ?? key;
            throw new ConfigException(path, ex.LineNumber + 1, key, message);
        }
    }

    private static DaemonConfig ApplyEnvironment(DaemonConfig config, IReadOnlyDictionary<string, string?> env, string file)
    {
        if (env.GetValueOrDefault("MMD_SOCKET_PATH") is { Length: > 0 } socket) config = config with { SocketPath = socket };
        if (env.GetValueOrDefault("MMD_STATE_DIR") is { Length: > 0 } state) config = config with { StateDir = state };
        if (env.GetValueOrDefault("MMD_LOG_DIR") is { Length: > 0 } logs) config = config with { LogDir = logs };
        if (env.GetValueOrDefault("MMD_LOG_RETENTION_DAYS") is { Length: > 0 } days)
        {
            if (!int.TryParse(days, System.Globalization.CultureInfo.InvariantCulture, out var d))
                throw new ConfigException(file, null, "logRetentionDays (MMD_LOG_RETENTION_DAYS)", $"'{days}' is not a whole number");
            config = config with { LogRetentionDays = d };
        }
        return config;
    }

    private static void Validate(DaemonConfig config, string file)
    {
        if (config.LogRetentionDays < 1) throw new ConfigException(file, null, "logRetentionDays", "must be at least 1");
        if (string.IsNullOrWhiteSpace(config.StateDir)) throw new ConfigException(file, null, "stateDir", "must not be empty");
        if (string.IsNullOrWhiteSpace(config.LogDir)) throw new ConfigException(file, null, "logDir", "must not be empty");
        if (string.IsNullOrWhiteSpace(config.SocketPath)) throw new ConfigException(file, null, "socketPath", "must not be empty");
    }

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
