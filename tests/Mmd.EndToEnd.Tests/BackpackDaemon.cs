using Mmd.Exchanges.Backpack;
using Mmd.TestKit;

namespace Mmd.EndToEnd.Tests;

/// <summary>An mmd whose Backpack venue is the emulator process, with the test key pair in a 0600 secrets file; and a REST client to check the venue.</summary>
internal static class BackpackDaemon
{
    public const string Key = BackpackTestKeys.ApiKey;
    public const string Secret = BackpackTestKeys.Secret;

    public static Task<DaemonUnderTest> StartAsync(EmulatorProcess venue, TempDirectory secretsDir, bool quickRestarts = false, int? requestsPerSecond = null) =>
        VenueDaemon.StartAsync("backpack", venue, secretsDir, new Dictionary<string, string> { ["BACKPACK_KEY"] = Key, ["BACKPACK_SECRET"] = Secret }, quickRestarts,
            requestsPerSecond);

    public static BackpackRestClient Rest(EmulatorProcess venue) =>
        new(new HttpClient(), new BackpackSigner(BackpackCredentials.Parse(Key, Secret)), new BackpackOptions { RestBaseUrl = new Uri(venue.RestUrl) }, TimeProvider.System);
}
