using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Mmd.Exchanges.Backpack;

/// <summary>
/// Backpack's request signature (exchanges.md §1.4): Ed25519 over
/// <c>instruction=NAME&amp;k1=v1&amp;…&amp;timestamp=MS&amp;window=MS</c> with the parameters sorted by key (ordinal)
/// and written raw. A batch repeats the instruction block per item and appends timestamp and window once.
/// </summary>
public sealed class BackpackSigner
{
    private readonly Ed25519PrivateKeyParameters _key;

    public BackpackSigner(BackpackCredentials credentials)
    {
        _key = new Ed25519PrivateKeyParameters(credentials.Seed, 0);
        ApiKey = Convert.ToBase64String(_key.GeneratePublicKey().GetEncoded());
        if (credentials.ApiKey != ApiKey)
            throw new BackpackCredentialsException("BACKPACK_KEY is not the public key of BACKPACK_SECRET");
    }

    /// <summary>The base64 public key: the X-API-Key header.</summary>
    public string ApiKey { get; }

    public static string SigningString(string instruction, IEnumerable<BackpackParameter> parameters, long timestampMs, long windowMs)
    {
        var sb = new StringBuilder(128);
        AppendBlock(sb, instruction, parameters);
        return AppendTail(sb, timestampMs, windowMs);
    }

    public static string BatchSigningString(string instruction, IEnumerable<IEnumerable<BackpackParameter>> items, long timestampMs, long windowMs)
    {
        var sb = new StringBuilder(512);
        foreach (var item in items)
        {
            if (sb.Length > 0) sb.Append('&');
            AppendBlock(sb, instruction, item);
        }
        return AppendTail(sb, timestampMs, windowMs);
    }

    /// <summary>The base64 signature of <paramref name="message"/>: the X-Signature header.</summary>
    public string Sign(string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message);
        var signer = new Ed25519Signer();
        signer.Init(true, _key);
        signer.BlockUpdate(bytes, 0, bytes.Length);
        return Convert.ToBase64String(signer.GenerateSignature());
    }

    /// <summary>Checks a signature as the venue does; false for any malformed key or signature.</summary>
    public static bool Verify(string apiKey, string message, string signature)
    {
        try
        {
            var publicKey = Convert.FromBase64String(apiKey);
            var sig = Convert.FromBase64String(signature);
            if (publicKey.Length != Ed25519PublicKeyParameters.KeySize || sig.Length != Ed25519PrivateKeyParameters.SignatureSize) return false;
            var bytes = Encoding.UTF8.GetBytes(message);
            var verifier = new Ed25519Signer();
            verifier.Init(false, new Ed25519PublicKeyParameters(publicKey, 0));
            verifier.BlockUpdate(bytes, 0, bytes.Length);
            return verifier.VerifySignature(sig);
        }
        catch (FormatException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            return false; // a 32-byte string that is not a curve point
        }
    }

    private static void AppendBlock(StringBuilder sb, string instruction, IEnumerable<BackpackParameter> parameters)
    {
        sb.Append("instruction=").Append(instruction);
        foreach (var p in parameters.OrderBy(p => p.Name, StringComparer.Ordinal))
            sb.Append('&').Append(p.Name).Append('=').Append(p.Value);
    }

    private static string AppendTail(StringBuilder sb, long timestampMs, long windowMs) =>
        sb.Append("&timestamp=").Append(timestampMs).Append("&window=").Append(windowMs).ToString();
}
