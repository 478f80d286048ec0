namespace Mmd.Exchanges.Aster;

/// <summary>Which of Aster's two request signatures an instance uses (the spec chooses; V3 is the default).</summary>
public enum AsterSigning
{
    /// <summary>EIP-712 by an agent wallet: <c>ASTER_USER</c>, <c>ASTER_SIGNER</c>, <c>ASTER_SIGNER_PRIVATE_KEY</c>.</summary>
    V3 = 3,
    /// <summary>Legacy HMAC keys: <c>ASTER_API_KEY</c>, <c>ASTER_SECRET_KEY</c> (the seed's names).</summary>
    V1 = 1,
}

/// <summary>
/// Aster credentials of one scheme, read from the environment or the secrets file. A V3 signer address must be the
/// address of the private key given with it (checked at once, not at the first refused order). Never printed:
/// <see cref="ToString"/> hides everything but the scheme.
/// </summary>
public sealed class AsterCredentials
{
    public const string UserVariable = "ASTER_USER";
    public const string SignerVariable = "ASTER_SIGNER";
    public const string SignerKeyVariable = "ASTER_SIGNER_PRIVATE_KEY";
    public const string ApiKeyVariable = "ASTER_API_KEY";
    public const string SecretKeyVariable = "ASTER_SECRET_KEY";

    private AsterCredentials(AsterSigning scheme) => Scheme = scheme;

    public AsterSigning Scheme { get; }

    /// <summary>V3: the main wallet address the agent trades for.</summary>
    public string? User { get; private init; }

    /// <summary>V3: the agent's signer; V1: null.</summary>
    internal AsterEip712Signer? Eip712 { get; private init; }

    /// <summary>V1: the HMAC key pair; V3: null.</summary>
    internal AsterHmacSigner? Hmac { get; private init; }

    /// <summary>Reads the variables of <paramref name="scheme"/>; names the first one missing or malformed.</summary>
    public static AsterCredentials From(IReadOnlyDictionary<string, string> variables, AsterSigning scheme, long chainId = AsterEip712Signer.MainnetChainId)
    {
        string Required(string name) => variables.GetValueOrDefault(name) is { Length: > 0 } value ? value.Trim() : throw new AsterCredentialsException($"{name} is not set");
        if (scheme == AsterSigning.V1)
            return new AsterCredentials(AsterSigning.V1) { Hmac = new AsterHmacSigner(Required(ApiKeyVariable), Required(SecretKeyVariable)) };

        var user = Required(UserVariable);
        var signer = Required(SignerVariable);
        if (!IsAddress(user)) throw new AsterCredentialsException($"{UserVariable} is not a 0x address of 40 hex digits");
        if (!IsAddress(signer)) throw new AsterCredentialsException($"{SignerVariable} is not a 0x address of 40 hex digits");
        var keyText = Required(SignerKeyVariable);
        keyText = keyText.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? keyText[2..] : keyText;
        byte[] key;
        try { key = Convert.FromHexString(keyText); }
        catch (FormatException) { throw new AsterCredentialsException($"{SignerKeyVariable} is not hex"); }
        AsterEip712Signer eip712;
        try { eip712 = new AsterEip712Signer(key, chainId); }
        catch (ArgumentException) { throw new AsterCredentialsException($"{SignerKeyVariable} is not a secp256k1 private key (32 bytes of hex)"); }
        finally { Array.Clear(key); }
        if (!string.Equals(eip712.SignerAddress, signer, StringComparison.OrdinalIgnoreCase))
            throw new AsterCredentialsException($"{SignerKeyVariable} is the key of {eip712.SignerAddress}, not of {SignerVariable} {signer}");
        return new AsterCredentials(AsterSigning.V3) { User = user, Eip712 = eip712 };
    }

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    private static bool IsAddress(string text) =>
        text.Length == 42 && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && !text.AsSpan(2).ContainsAnyExcept(HexDigits);

    public override string ToString() => $"AsterCredentials({Scheme}, ***)";
}

public sealed class AsterCredentialsException(string message) : Exception(message);
