namespace Mmd.TestKit;

/// <summary>
/// The demo V3 API wallet of exchanges.md §2.8 (the published vectors' signer key, and the user address it is approved
/// for) and a V1 key pair: what tests and benches trade with on the Aster emulator, which approves them at start.
/// </summary>
public static class AsterTestKeys
{
    public const string User = "0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e";
    public const string Signer = "0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0";
    public const string SignerKey = "4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1";
    public const string V1ApiKey = "v1key";
    public const string V1Secret = "v1secret";

    /// <summary>The emulator's account name of the V3 user (its address in lower case).</summary>
    public static string Account => User.ToLowerInvariant();

    /// <summary>The credentials' environment, as a worker reads it.</summary>
    public static Dictionary<string, string> V3Variables => new()
    {
        ["ASTER_USER"] = User, ["ASTER_SIGNER"] = Signer, ["ASTER_SIGNER_PRIVATE_KEY"] = SignerKey,
    };

    public static Dictionary<string, string> V1Variables => new() { ["ASTER_API_KEY"] = V1ApiKey, ["ASTER_SECRET_KEY"] = V1Secret };
}
