using Org.BouncyCastle.Math;

namespace Mmd.Exchanges.Paradex;

/// <summary>
/// A Paradex account's L2 credentials, from the environment or the secrets file (the seed's names): the StarkNet account
/// address and the STARK private key (the account's own, or a trade-only subkey registered to it). Never printed:
/// <see cref="ToString"/> shows the address only.
/// </summary>
public sealed class ParadexCredentials
{
    public const string AccountVariable = "PARADEX_ACCOUNT_ADDRESS";
    public const string PrivateKeyVariable = "PARADEX_PRIVATE_KEY";

    private ParadexCredentials(BigInteger account, BigInteger privateKey)
    {
        Account = account;
        PrivateKey = privateKey;
    }

    public BigInteger Account { get; }

    internal BigInteger PrivateKey { get; }

    /// <summary>The account as the venue's headers carry it: 0x and lowercase hex.</summary>
    public string AccountHex => StarkTypedData.Hex(Account);

    /// <summary>Reads both variables; names the first one missing or malformed.</summary>
    public static ParadexCredentials From(IReadOnlyDictionary<string, string> variables)
    {
        string Required(string name) => variables.GetValueOrDefault(name) is { Length: > 0 } value ? value.Trim() : throw new ParadexCredentialsException($"{name} is not set");
        var account = Felt(Required(AccountVariable));
        if (account is null || account.SignValue <= 0 || account.CompareTo(StarkCurve.P) >= 0)
            throw new ParadexCredentialsException($"{AccountVariable} is not a StarkNet address (0x and up to 64 hex digits)");
        var key = Felt(Required(PrivateKeyVariable));
        if (key is null || key.SignValue <= 0 || key.CompareTo(StarkCurve.N) >= 0)
            throw new ParadexCredentialsException($"{PrivateKeyVariable} is not a STARK private key (hex, below the curve order)");
        return new ParadexCredentials(account, key);
    }

    private static BigInteger? Felt(string text)
    {
        var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return hex.Length is > 0 and <= 64 && hex.All(char.IsAsciiHexDigit) ? new BigInteger(hex, 16) : null;
    }

    public override string ToString() => $"ParadexCredentials({AccountHex}, ***)";
}

public sealed class ParadexCredentialsException(string message) : Exception(message);
