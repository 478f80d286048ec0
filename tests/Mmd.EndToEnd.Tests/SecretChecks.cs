using Mmd.TestKit;

namespace Mmd.EndToEnd.Tests;

/// <summary>A venue secret never reaches a log, the database or an RPC answer.</summary>
internal static class SecretChecks
{
    /// <summary>
    /// No file under the daemon's folder (logs, databases, state) holds <paramref name="secret"/>, nor the instance's
    /// RPC answer, nor <c>mmctl status</c>. Hex keys are compared ignoring case.
    /// </summary>
    public static async Task AssertNowhereAsync(DaemonUnderTest d, string name, string secret, StringComparison comparison)
    {
        foreach (var file in Directory.EnumerateFiles(d.Dir.Path, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".sock", StringComparison.Ordinal) && !f.EndsWith(".lock", StringComparison.Ordinal)))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            Assert.False((await reader.ReadToEndAsync()).Contains(secret, comparison), $"{file} holds the secret");
        }
        Assert.DoesNotContain(secret, (await d.GetAsync(name)).ToString(), comparison);
        Assert.DoesNotContain(secret, (await d.MmctlAsync("status", name)).StandardOutput, comparison);
    }
}
