using Mmd.TestKit;

namespace Mmd.EndToEnd.Tests;

/// <summary>An mmd whose <paramref name="venueName"/> venue is an emulator process, with the venue's credentials in a 0600 secrets file.</summary>
internal static class VenueDaemon
{
    public static async Task<DaemonUnderTest> StartAsync(string venueName, EmulatorProcess venue, TempDirectory secretsDir, IReadOnlyDictionary<string, string> credentials)
    {
        var secrets = secretsDir.Combine("secrets.env");
        await File.WriteAllTextAsync(secrets, $"# {venueName} credentials\n" + string.Concat(credentials.Select(c => $"{c.Key}={c.Value}\n")));
        File.SetUnixFileMode(secrets, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return await DaemonUnderTest.StartAsync(new() { ["maxBackoffSeconds"] = 1 }, new()
        {
            ["secretsFile"] = secrets,
            ["venues"] = new Dictionary<string, object> { [venueName] = new Dictionary<string, object> { ["restUrl"] = venue.RestUrl, ["wsUrl"] = venue.WebSocketUrl } },
        });
    }
}
