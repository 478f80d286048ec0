using Mmd.Exchanges.Backpack;
using Mmd.TestKit;

namespace Mmd.EndToEnd.Tests;

/// <summary>An mmd whose Backpack venue is the emulator process, with the test key pair in a 0600 secrets file; and a REST client to check the venue.</summary>
internal static class BackpackDaemon
{
    public const string Key = BackpackTestKeys.ApiKey;
    public const string Secret = BackpackTestKeys.Secret;

    public static async Task<DaemonUnderTest> StartAsync(EmulatorProcess venue, TempDirectory secretsDir)
    {
        var secrets = secretsDir.Combine("secrets.env");
        await File.WriteAllTextAsync(secrets, $"# Backpack API key pair\nBACKPACK_KEY={Key}\nBACKPACK_SECRET={Secret}\n");
        File.SetUnixFileMode(secrets, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return await DaemonUnderTest.StartAsync(new() { ["maxBackoffSeconds"] = 1 }, new()
        {
            ["secretsFile"] = secrets,
            ["venues"] = new Dictionary<string, object> { ["backpack"] = new Dictionary<string, object> { ["restUrl"] = venue.RestUrl, ["wsUrl"] = venue.WebSocketUrl } },
        });
    }

    public static BackpackRestClient Rest(EmulatorProcess venue) =>
        new(new HttpClient(), new BackpackSigner(BackpackCredentials.Parse(Key, Secret)), new BackpackOptions { RestBaseUrl = new Uri(venue.RestUrl) }, TimeProvider.System);
}
