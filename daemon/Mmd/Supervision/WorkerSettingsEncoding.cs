using Google.Protobuf;
using GrpcMM.Protos.Worker.V1;
using Mmd.Configuration;

namespace Mmd.Supervision;

/// <summary>
/// How the daemon hands a worker its configuration (in <see cref="WorkerLauncher.SettingsVariable"/>): the resolved
/// paths, log retention, secrets file and venue endpoints, as base64 of a binary <see cref="WorkerSettings"/>. Reading
/// daemon.json again cost each worker start some 60 ms of cold JSON, and could give a worker a file edited since
/// its daemon started (one with a typo made every restart fail).
/// </summary>
public static class WorkerSettingsEncoding
{
    public static string Encode(DaemonConfig config)
    {
        var settings = new WorkerSettings
        {
            ConfigSource = config.Source, StateDir = config.StateDir, LogDir = config.LogDir,
            LogRetentionDays = config.LogRetentionDays, SecretsFile = config.SecretsFile ?? "", JournalRetentionDays = config.JournalRetentionDays,
        };
        foreach (var (venue, endpoints) in config.Venues)
        {
            var wire = new GrpcMM.Protos.Worker.V1.VenueEndpoints { RestUrl = endpoints.RestUrl ?? "", WsUrl = endpoints.WsUrl ?? "" };
            if (endpoints.WindowMs is { } window) wire.WindowMs = window;
            if (endpoints.RequestsPerSecond is { } rate) wire.RequestsPerSecond = rate;
            settings.Venues[venue] = wire;
        }
        return Convert.ToBase64String(settings.ToByteArray());
    }

    /// <exception cref="ConfigException">The value is not base64 of a WorkerSettings with its paths set.</exception>
    public static DaemonConfig Decode(string encoded)
    {
        WorkerSettings settings;
        try
        {
            settings = WorkerSettings.Parser.ParseFrom(Convert.FromBase64String(encoded));
        }
        catch (Exception ex) when (ex is FormatException or InvalidProtocolBufferException)
        {
            throw new ConfigException("(environment)", null, WorkerLauncher.SettingsVariable, $"not a base64 WorkerSettings: {ex.Message}");
        }
        if (settings.StateDir.Length == 0 || settings.LogDir.Length == 0 || settings.LogRetentionDays < 1)
            throw new ConfigException("(environment)", null, WorkerLauncher.SettingsVariable, "state dir, log dir and log retention must be set");
        return new DaemonConfig
        {
            Source = settings.ConfigSource, StateDir = settings.StateDir, LogDir = settings.LogDir, LogRetentionDays = settings.LogRetentionDays,
            JournalRetentionDays = settings.JournalRetentionDays > 0 ? settings.JournalRetentionDays : DaemonConfig.DefaultJournalRetentionDays,
            SecretsFile = settings.SecretsFile.Length > 0 ? settings.SecretsFile : null,
            Venues = settings.Venues.ToDictionary(v => v.Key, v => new Configuration.VenueEndpoints
            {
                RestUrl = v.Value.RestUrl.Length > 0 ? v.Value.RestUrl : null,
                WsUrl = v.Value.WsUrl.Length > 0 ? v.Value.WsUrl : null,
                WindowMs = v.Value.HasWindowMs ? v.Value.WindowMs : null,
                RequestsPerSecond = v.Value.HasRequestsPerSecond ? v.Value.RequestsPerSecond : null,
            }, StringComparer.Ordinal),
        };
    }
}
