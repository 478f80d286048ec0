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

    /// <summary>The variable holding the private key of API key <paramref name="apiKeyIndex"/>, for an instance that names its own key.</summary>
    public static string PrivateKeyVariableOf(int apiKeyIndex) => PrivateKeyVariable + "_" + apiKeyIndex.ToString(CultureInfo.InvariantCulture);

    /// <summary>The daemon's API key index (<see cref="ApiKeyVariable"/>); null when unset or not an index (0-254).</summary>
    public static int? ApiKeyIndexIn(IReadOnlyDictionary<string, string> variables) =>
        int.TryParse(variables.GetValueOrDefault(ApiKeyVariable)?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index <= 254 ? index : null;

    /// <summary>
    /// Reads the three variables; names the first one missing or malformed. An instance with its own key
    /// (<paramref name="apiKeyIndex"/>) reads that key's private key from <see cref="PrivateKeyVariableOf"/> instead.
    /// </summary>
    public static LighterCredentials From(IReadOnlyDictionary<string, string> variables, int? apiKeyIndex = null)
    {
        string Required(string name) => variables.GetValueOrDefault(name) is { Length: > 0 } value ? value.Trim() : throw new LighterCredentialsException($"{name} is not set");
        if (!long.TryParse(Required(AccountVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var account))
            throw new LighterCredentialsException($"{AccountVariable} is not an account index (a whole number)");
        if (apiKeyIndex is null) _ = Required(ApiKeyVariable); // unset is said so, not "not an index"
        if ((apiKeyIndex ?? ApiKeyIndexIn(variables)) is not { } keyIndex || keyIndex is < 0 or > 254)
            throw new LighterCredentialsException($"{ApiKeyVariable} is not an API key index (0-254; Lighter's own apps use 0-2)");
        var keyVariable = apiKeyIndex is { } own ? PrivateKeyVariableOf(own) : PrivateKeyVariable;
        if (LighterSigner.ParsePrivateKey(Required(keyVariable), out var error) is not { } key)
            throw new LighterCredentialsException($"{keyVariable}: {error}");
        return new LighterCredentials(account, keyIndex, key);
    }

    public override string ToString() => $"LighterCredentials(account {AccountIndex}, API key {ApiKeyIndex}, ***)";
}
