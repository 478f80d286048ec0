namespace Mmd.Exchanges.Backpack;

/// <summary>
/// A Backpack API key pair: the key is the base64 Ed25519 public key, the secret the base64 32-byte seed
/// (a 64-byte seed‖public secret is accepted too, as ccxt does). Never printed: <see cref="ToString"/> hides both.
/// </summary>
public sealed class BackpackCredentials
{
    public const string KeyVariable = "BACKPACK_KEY";
    public const string SecretVariable = "BACKPACK_SECRET";

    private BackpackCredentials(string apiKey, byte[] seed)
    {
        ApiKey = apiKey;
        Seed = seed;
    }

    public string ApiKey { get; }

    internal byte[] Seed { get; }

    public static BackpackCredentials Parse(string apiKey, string secret)
    {
        if (string.IsNullOrWhiteSpace(apiKey)) throw new BackpackCredentialsException($"{KeyVariable} is empty");
        if (string.IsNullOrWhiteSpace(secret)) throw new BackpackCredentialsException($"{SecretVariable} is empty");
        byte[] raw;
        try
        {
            raw = Convert.FromBase64String(secret.Trim());
        }
        catch (FormatException)
        {
            throw new BackpackCredentialsException($"{SecretVariable} is not base64");
        }
        if (raw.Length is not (32 or 64)) throw new BackpackCredentialsException($"{SecretVariable} must be a 32-byte Ed25519 seed in base64 (got {raw.Length} bytes)");
        return new BackpackCredentials(apiKey.Trim(), raw[..32]);
    }

    /// <summary>Reads <see cref="KeyVariable"/> and <see cref="SecretVariable"/> from a set of variables (the environment or a secrets file).</summary>
    public static BackpackCredentials From(IReadOnlyDictionary<string, string> variables) =>
        Parse(variables.GetValueOrDefault(KeyVariable) ?? throw new BackpackCredentialsException($"{KeyVariable} is not set"),
              variables.GetValueOrDefault(SecretVariable) ?? throw new BackpackCredentialsException($"{SecretVariable} is not set"));

    public override string ToString() => "BackpackCredentials(***)";
}

public sealed class BackpackCredentialsException(string message) : Exception(message);
