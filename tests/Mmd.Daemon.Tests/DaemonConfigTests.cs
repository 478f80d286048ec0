using Mmd.Configuration;
using Mmd.TestKit;

namespace Mmd.Daemon.Tests;

public class DaemonConfigTests
{
    private static readonly Dictionary<string, string?> NoEnv = [];

    [Fact]
    public void RepositoryDaemonJson_Loads_PathsRelativeToTheFile()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("daemon.json");
        File.WriteAllText(file, """{ "stateDir": "st", "logDir": "lg", "logRetentionDays": 3 }""");
        var config = DaemonConfigLoader.Load(file, NoEnv);
        Assert.Equal(dir.Combine("st"), config.StateDir);
        Assert.Equal(dir.Combine("lg"), config.LogDir);
        Assert.Equal(3, config.LogRetentionDays);
    }

    [Fact]
    public void Alerts_AreCheckedAtLoad_TheirKeysNamed_AndTheWebhooksAddressNeverEchoed()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("daemon.json");
        File.WriteAllText(file, "{\n  \"alerts\": {\n    \"webhookFormat\": \"teams\"\n  }\n}");
        var ex = Assert.Throws<ConfigException>(() => DaemonConfigLoader.Load(file, NoEnv));
        Assert.Equal($"{file}:3: alerts.webhookFormat: must be json, slack or discord", ex.Message);

        File.WriteAllText(file, "{\n  \"alerts\": {\n    \"telegramChatId\": \"-1001\"\n  }\n}");
        ex = Assert.Throws<ConfigException>(() => DaemonConfigLoader.Load(file, NoEnv));
        Assert.Equal($"{file}:3: alerts.telegramChatId: Telegram needs the bot token too: TELEGRAM_BOT_TOKEN in the environment or the secrets file", ex.Message);
        var config = DaemonConfigLoader.Load(file, new Dictionary<string, string?> { ["TELEGRAM_BOT_TOKEN"] = "1:x" });
        Assert.Equal(("-1001", "https://api.telegram.org", 60d, 60d),
            (config.Alerts.TelegramChatId, config.Alerts.TelegramApiUrl, config.Alerts.UnhealthyAfterSeconds, config.Alerts.RepeatAfterMinutes));
        Assert.Equal(300d, config.Alerts.NotQuotingAfterSeconds);
        File.WriteAllText(file, "{\n  \"alerts\": {\n    \"notQuotingAfterSeconds\": -1\n  }\n}");
        ex = Assert.Throws<ConfigException>(() => DaemonConfigLoader.Load(file, NoEnv));
        Assert.Equal($"{file}:3: alerts.notQuotingAfterSeconds: must be 0 (never) or more", ex.Message);

        // From the secrets file (0600): an address that is not one is refused, without its text.
        var secrets = dir.Combine("secrets.env");
        File.WriteAllText(secrets, "ALERT_WEBHOOK_URL=hooks.slack.com/services/T0/B0/sekret\n");
        File.SetUnixFileMode(secrets, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(file, $$"""{ "secretsFile": "{{secrets}}" }""");
        ex = Assert.Throws<ConfigException>(() => DaemonConfigLoader.Load(file, NoEnv));
        Assert.Equal($"{secrets}: ALERT_WEBHOOK_URL: must be an http(s) address", ex.Message);
        Assert.DoesNotContain("sekret", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(DaemonConfigLoader.Load(file, new Dictionary<string, string?> { ["ALERT_WEBHOOK_URL"] = "https://hooks.slack.com/services/T0/B0/sekret" }));
    }

    [Fact]
    public void UnknownKey_NamesFileLineAndKey()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("daemon.json");
        File.WriteAllText(file, "{\n  \"stateDir\": \"st\",\n  \"stateDri\": \"oops\"\n}");
        var ex = Assert.Throws<ConfigException>(() => DaemonConfigLoader.Load(file, NoEnv));
        Assert.Equal((file, 3L, "stateDri"), (ex.File, ex.Line!.Value, ex.Key));
        Assert.Equal($"{file}:3: stateDri: unknown key", ex.Message);
    }

    [Fact]
    public void WrongType_NamesTheKey()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("daemon.json");
        File.WriteAllText(file, "{\n  \"logRetentionDays\": \"many\"\n}");
        var ex = Assert.Throws<ConfigException>(() => DaemonConfigLoader.Load(file, NoEnv));
        Assert.Equal("logRetentionDays", ex.Key);
        Assert.Equal(2L, ex.Line);
    }

    [Fact]
    public void Environment_OverridesTheFile()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("daemon.json");
        File.WriteAllText(file, """{ "stateDir": "st" }""");
        var config = DaemonConfigLoader.Load(file, new Dictionary<string, string?>
        {
            ["MMD_STATE_DIR"] = dir.Combine("other"), ["MMD_LOG_RETENTION_DAYS"] = "9", ["MMD_JOURNAL_RETENTION_DAYS"] = "60",
        });
        Assert.Equal(dir.Combine("other"), config.StateDir);
        Assert.Equal((9, 60), (config.LogRetentionDays, config.JournalRetentionDays));
    }

    [Fact]
    public void JournalRetentionDays_IsAtLeastOneDay_AndThirtyByDefault()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("daemon.json");
        File.WriteAllText(file, "{\n  \"stateDir\": \"st\",\n  \"journalRetentionDays\": 0\n}");
        var ex = Assert.Throws<ConfigException>(() => DaemonConfigLoader.Load(file, new Dictionary<string, string?>()));
        Assert.Equal(("journalRetentionDays", 3L), (ex.Key, ex.Line));
        Assert.Contains("at least 1", ex.Message, StringComparison.Ordinal);
        File.WriteAllText(file, """{ "stateDir": "st" }""");
        Assert.Equal(30, DaemonConfigLoader.Load(file, new Dictionary<string, string?>()).JournalRetentionDays);
    }

    [Fact]
    public void KeysAbsentFromTheFile_KeepTheirDefaults_AtEveryLevel()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("daemon.json");
        File.WriteAllText(file, """{ "stateDir": "st", "supervision": { "maxBackoffSeconds": 30 }, "venues": { "backpack": { "windowMs": 5000 } } }""");
        var config = DaemonConfigLoader.Load(file, new Dictionary<string, string?> { ["MMD_HEALTH__MAX_LOAD_PER_CORE"] = "2.5" });
        var defaults = new DaemonConfig();
        Assert.Equal(defaults.LogRetentionDays, config.LogRetentionDays);
        Assert.Equal(dir.Combine(defaults.LogDir), config.LogDir);
        Assert.Empty(config.AllowedUids);
        Assert.Equal(defaults.Supervision with { MaxBackoffSeconds = 30 }, config.Supervision);
        Assert.Equal(defaults.Health with { MaxLoadPerCore = 2.5 }, config.Health);
        Assert.Equal(new VenueEndpoints { WindowMs = 5000 }, config.Venues["backpack"]);
        Assert.Equal(14, config.LogRetentionDays);
        Assert.Equal("on-failure", config.Supervision.RestartPolicy);
    }

    [Fact]
    public void UnknownNestedKey_NamesItsPath()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("daemon.json");
        File.WriteAllText(file, "{\n  \"supervision\": {\n    \"maxBackofSeconds\": 3\n  }\n}");
        var ex = Assert.Throws<ConfigException>(() => DaemonConfigLoader.Load(file, NoEnv));
        Assert.Equal((3L, "supervision.maxBackofSeconds"), (ex.Line!.Value, ex.Key));
    }

    [Fact]
    public void AMisspeltVenue_IsNamedWithItsLine()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("daemon.json");
        File.WriteAllText(file, "{\n  \"venues\": {\n    \"paradx\": { \"restUrl\": \"http://127.0.0.1:9\" }\n  }\n}");
        var ex = Assert.Throws<ConfigException>(() => DaemonConfigLoader.Load(file, NoEnv));
        Assert.Equal((3L, "venues.paradx"), (ex.Line!.Value, ex.Key));
        Assert.Contains("backpack, aster, paradex, lighter", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AChainId_IsLightersAlone_AndPositive()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("daemon.json");
        File.WriteAllText(file, "{\n  \"venues\": {\n    \"lighter\": { \"chainId\": 466324 }\n  }\n}");
        Assert.Equal(466324, DaemonConfigLoader.Load(file, NoEnv).Venues["lighter"].ChainId);
        File.WriteAllText(file, "{\n  \"venues\": {\n    \"paradex\": { \"chainId\": 300 }\n  }\n}");
        var ex = Assert.Throws<ConfigException>(() => DaemonConfigLoader.Load(file, NoEnv));
        Assert.Equal((3L, "venues.paradex.chainId"), (ex.Line!.Value, ex.Key));
    }

    [Fact]
    public void MetricsListen_IsAnIpAddressAndPort_OrEmpty_AndCanComeFromTheEnvironment()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("daemon.json");
        File.WriteAllText(file, "{\n  \"metrics\": { \"listen\": \"127.0.0.1:9464\" }\n}");
        Assert.Equal(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 9464), DaemonConfigLoader.Load(file, NoEnv).Metrics.Endpoint());
        File.WriteAllText(file, "{\n  \"metrics\": {\n    \"listen\": \"localhost:9464\"\n  }\n}");
        var ex = Assert.Throws<ConfigException>(() => DaemonConfigLoader.Load(file, NoEnv));
        Assert.Equal((3L, "metrics.listen"), (ex.Line!.Value, ex.Key));
        Assert.Contains("an IP address and a port", ex.Message, StringComparison.Ordinal);
        Assert.Null(DaemonConfigLoader.Load(null, NoEnv).Metrics.Endpoint()); // off by default
        var env = new Dictionary<string, string?> { ["MMD_METRICS__LISTEN"] = "[::1]:9100" };
        Assert.Equal(new System.Net.IPEndPoint(System.Net.IPAddress.IPv6Loopback, 9100), DaemonConfigLoader.Load(null, env).Metrics.Endpoint());
    }

    [Fact]
    public void MissingFile_IsAnError()
    {
        var ex = Assert.Throws<ConfigException>(() => DaemonConfigLoader.Load("/nonexistent/daemon.json", NoEnv));
        Assert.Contains("no such file", ex.Message, StringComparison.Ordinal);
    }
}
