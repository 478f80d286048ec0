using Mmd.Configuration;
using Mmd.Supervision;

namespace Mmd.Daemon.Tests;

public class WorkerSettingsTests
{
    [Fact]
    public void TheDaemonsConfiguration_ReachesTheWorker_AsTheDaemonResolvedIt()
    {
        var daemon = new DaemonConfig
        {
            Source = "/etc/grpcmm/daemon.json", StateDir = "/var/lib/grpcmm", LogDir = "/var/log/grpcmm", LogRetentionDays = 3,
            JournalRetentionDays = 7, SecretsFile = "/etc/grpcmm/secrets.env",
            Venues = new Dictionary<string, VenueEndpoints>
            {
                ["backpack"] = new() { RestUrl = "http://127.0.0.1:9001", WsUrl = "ws://127.0.0.1:9001/ws", WindowMs = 5000, RequestsPerSecond = 20 },
                ["aster"] = new() { RestUrl = "http://127.0.0.1:9002" }, // unset keys stay unset: the venue's defaults apply
            },
        };

        var worker = WorkerSettingsEncoding.Decode(WorkerSettingsEncoding.Encode(daemon));

        Assert.Equal((daemon.Source, daemon.StateDir, daemon.LogDir, daemon.LogRetentionDays, daemon.JournalRetentionDays, daemon.SecretsFile),
            (worker.Source, worker.StateDir, worker.LogDir, worker.LogRetentionDays, worker.JournalRetentionDays, worker.SecretsFile));
        Assert.Equal(daemon.WorkerSocketPath, worker.WorkerSocketPath);
        Assert.Equal(2, worker.Venues.Count);
        Assert.Equal(daemon.Venues["backpack"], worker.Venues["backpack"]);
        Assert.Equal(new VenueEndpoints { RestUrl = "http://127.0.0.1:9002" }, worker.Venues["aster"]);
    }

    [Fact]
    public void NoSecretsFile_StaysNone()
    {
        var worker = WorkerSettingsEncoding.Decode(WorkerSettingsEncoding.Encode(new DaemonConfig { StateDir = "/s", LogDir = "/l" }));
        Assert.Null(worker.SecretsFile);
        Assert.Empty(worker.Venues);
    }

    [Theory]
    [InlineData("{\"stateDir\": \"/s\"}")] // not base64
    [InlineData("")] // an empty message: no paths
    public void AnythingElse_IsAConfigError_NamingTheVariable(string value)
    {
        var ex = Assert.Throws<ConfigException>(() => WorkerSettingsEncoding.Decode(value));
        Assert.Equal(WorkerLauncher.SettingsVariable, ex.Key);
    }
}
