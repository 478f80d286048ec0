using Mmd.Exchanges.Backpack;

namespace Mmd.Exchanges.Tests;

/// <summary>The test key pair (<see cref="Mmd.TestKit.BackpackTestKeys"/>) as connector credentials.</summary>
internal static class TestKeys
{
    public const string Secret = Mmd.TestKit.BackpackTestKeys.Secret;
    public const string ApiKey = Mmd.TestKit.BackpackTestKeys.ApiKey;
    public static BackpackCredentials Credentials { get; } = BackpackCredentials.Parse(ApiKey, Secret);
}
