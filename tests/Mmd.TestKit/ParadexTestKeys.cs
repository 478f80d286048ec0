namespace Mmd.TestKit;

/// <summary>
/// The STARK key of the published signing vector of exchanges.md §3.7 and the Paradex account of starknet-signing-cpp's
/// order vector: what tests trade with on the Paradex emulator, which onboards them at start.
/// </summary>
public static class ParadexTestKeys
{
    public const string Account = "0x1f06d2232e3eb0d8bd4b9294a930d553f610a0d7b24bc52d9472c7bda478927";
    public const string PrivateKey = "0x3c1e9550e66958296d11b60f8e8e7a7ad990d07fa65d5f7652c4a6c87d4e3cc";

    /// <summary>The key's public key, from the same vector: what the emulator is onboarded with.</summary>
    public const string PublicKey = "0x77a3b314db07c45076d11f62b6f9e748a39790441823307743cf00d6597ea43";

    /// <summary>The credentials' environment, as a worker reads it.</summary>
    public static Dictionary<string, string> Variables => new() { ["PARADEX_ACCOUNT_ADDRESS"] = Account, ["PARADEX_PRIVATE_KEY"] = PrivateKey };
}
