using Mmd.TestKit;

namespace Mmd.EndToEnd.Tests;

/// <summary>An mmd whose <paramref name="venueName"/> venue is an emulator process, with the venue's credentials in a 0600 secrets file.</summary>
internal static class VenueDaemon
{
    /// <param name="quickRestarts">Restarts after 0.1 s however many failures came before: for the tests that kill a worker
    /// again and again, where what is tested is each restart's reconciliation, not how the backoff grows.</param>
    /// <param name="requestsPerSecond">The venue's request limit for the host (daemon.json's venues.NAME.requestsPerSecond); null: the venue's default.</param>
    public static async Task<DaemonUnderTest> StartAsync(string venueName, EmulatorProcess venue, TempDirectory secretsDir, IReadOnlyDictionary<string, string> credentials,
        bool quickRestarts = false, int? requestsPerSecond = null)
    {
        var secrets = secretsDir.Combine("secrets.env");
        await File.WriteAllTextAsync(secrets, $"# {venueName} credentials\n" + string.Concat(credentials.Select(c => $"{c.Key}={c.Value}\n")));
        File.SetUnixFileMode(secrets, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var supervision = quickRestarts
            ? new Dictionary<string, object> { ["initialBackoffSeconds"] = 0.1, ["maxBackoffSeconds"] = 0.1 }
            : new Dictionary<string, object> { ["maxBackoffSeconds"] = 1 };
        return await DaemonUnderTest.StartAsync(supervision, new()
        {
            ["secretsFile"] = secrets,
            ["venues"] = new Dictionary<string, object>
            {
                [venueName] = requestsPerSecond is { } rate
                    ? new Dictionary<string, object> { ["restUrl"] = venue.RestUrl, ["wsUrl"] = venue.WebSocketUrl, ["requestsPerSecond"] = rate }
                    : new Dictionary<string, object> { ["restUrl"] = venue.RestUrl, ["wsUrl"] = venue.WebSocketUrl },
            },
        });
    }
}
