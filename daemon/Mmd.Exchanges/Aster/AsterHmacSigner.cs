using System.Security.Cryptography;
using System.Text;

namespace Mmd.Exchanges.Aster;

/// <summary>
/// Aster's V1 (legacy) request signature (exchanges.md §2.4): lowercase hex HMAC-SHA256, keyed with the secret key's
/// UTF-8 bytes, over the query string and the body concatenated as they are sent (nothing inserted between them); the
/// API key travels in the <c>X-MBX-APIKEY</c> header. Kept for keys created before V1 creation was closed.
/// </summary>
public sealed class AsterHmacSigner(string apiKey, string secretKey)
{
    private readonly byte[] _secret = Encoding.UTF8.GetBytes(secretKey);

    public const string ApiKeyHeader = "X-MBX-APIKEY";

    public string ApiKey { get; } = apiKey;

    /// <summary>The signature of <c>query + body</c> (either may be empty).</summary>
    public string Sign(string query, string body = "") => Convert.ToHexStringLower(HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(query + body)));

    /// <summary>True when <paramref name="signature"/> is this key's signature of <c>query + body</c> (constant time).</summary>
    public bool Verify(string query, string body, string signature) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(query, body)), Encoding.ASCII.GetBytes(signature));
}
