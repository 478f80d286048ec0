using Mmd.Exchanges.Backpack;

namespace Mmd.Exchanges.Tests;

/// <summary>An Ed25519 key pair for tests (RFC 8032 §7.1 TEST 1), in Backpack's key format.</summary>
internal static class TestKeys
{
    public const string Secret = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
    public const string ApiKey = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
    public static BackpackCredentials Credentials { get; } = BackpackCredentials.Parse(ApiKey, Secret);
}
