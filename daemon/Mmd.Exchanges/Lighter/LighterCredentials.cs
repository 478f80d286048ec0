using System.Globalization;
using System.Numerics;

namespace Mmd.Exchanges.Lighter;

/// <summary>
/// A Lighter API key, from the environment or the secrets file: the account index, the API key index the key is
/// registered on, and its 40-byte private key. Never printed: <see cref="ToString"/> shows the indexes only.
/// </summary>
public sealed class LighterCredentials
{
    public const string AccountVariable = "LIGHTER_ACCOUNT_INDEX";
    public const string ApiKeyVariable = "LIGHTER_API_KEY_INDEX";
    public const string PrivateKeyVariable = "LIGHTER_PRIVATE_KEY";

    private LighterCredentials(long account, int apiKeyIndex, BigInteger privateKey)
    {
        AccountIndex = account;
        ApiKeyIndex = apiKeyIndex;
        PrivateKey = privateKey;
    }

    public long AccountIndex { get; }

    public int ApiKeyIndex { get; }

    internal BigInteger PrivateKey { get; }

    /// <summary>Reads the three variables; names the first one missing or malformed.</summary>
    public static LighterCredentials From(IReadOnlyDictionary<string, string> variables)
    {
        string Required(string name) => variables.GetValueOrDefault(name) is { Length: > 0 } value ? value.Trim() : throw new LighterCredentialsException($"{name} is not set");
        if (!long.TryParse(Required(AccountVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var account))
            throw new LighterCredentialsException($"{AccountVariable} is not an account index (a whole number)");
        if (!int.TryParse(Required(ApiKeyVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var keyIndex) || keyIndex > 254)
            throw new LighterCredentialsException($"{ApiKeyVariable} is not an API key index (0-254; Lighter's own apps use 0-2)");
        if (LighterSigner.ParsePrivateKey(Required(PrivateKeyVariable), out var error) is not { } key)
            throw new LighterCredentialsException($"{PrivateKeyVariable}: {error}");
        return new LighterCredentials(account, keyIndex, key);
    }

    public override string ToString() => $"LighterCredentials(account {AccountIndex}, API key {ApiKeyIndex}, ***)";
}
