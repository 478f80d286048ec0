namespace Mmd.TestKit;

/// <summary>
/// RFC 8032 §7.1 TEST 1 Ed25519 key pair in Backpack's format (base64 public key, base64 seed): the key the published
/// Backpack vectors use, and the one tests and benches trade with on the emulator (any well-formed pair is an account there).
/// </summary>
public static class BackpackTestKeys
{
    public const string ApiKey = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
    public const string Secret = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
}
