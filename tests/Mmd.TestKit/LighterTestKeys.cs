namespace Mmd.TestKit;

/// <summary>
/// The API key of the official signer's oracle (exchanges.md §4.9): account 12345, API key index 5. What tests trade with
/// on the Lighter emulator, which registers its public key at start.
/// </summary>
public static class LighterTestKeys
{
    public const long Account = 12345;
    public const int ApiKeyIndex = 5;
    public const string PrivateKey = "0b8e0f63c24d8baacd9d29ad4e9a4b73c4a8d2bb8b16dc4fa9d7c2e1d3a8b1f0e8d3a4c5b6e7f001";

    /// <summary>The key's public key (Encode(sk·G), little-endian hex): what the emulator registers on the API key index.</summary>
    public const string PublicKey = "2c4fbfa7d45258fb02da89eaaf8a3af8eb62106ddd86cd98886e0fadcd7fcacf6f8fd2af3ca004f5";

    /// <summary>The credentials' environment, as a worker reads it.</summary>
    public static Dictionary<string, string> Variables => new()
    {
        ["LIGHTER_ACCOUNT_INDEX"] = "12345",
        ["LIGHTER_API_KEY_INDEX"] = "5",
        ["LIGHTER_PRIVATE_KEY"] = PrivateKey,
    };
}
