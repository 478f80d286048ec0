using System.Globalization;
using Mmd.Exchanges.Aster;

namespace Mmd.Emulators.Aster;

/// <summary>
/// The venue's side of Aster's two signatures (exchanges.md §2.4-§2.5), over the raw parameter string as received:
/// <list type="bullet">
/// <item>V3: the signature is the last parameter; the signer is recovered from it and must be the <c>signer</c> sent and an
/// agent approved for <c>user</c>; the nonce (µs) must be within 10 s of the venue's clock and not one of the user's last
/// 100 (a replay).</item>
/// <item>V1: the <c>X-MBX-APIKEY</c> header names a known key; HMAC-SHA256 of the string must match; the timestamp must be
/// inside recvWindow (at most 60 s) and not from the future.</item>
/// </list>
/// The account a request trades on is the V3 user (lower case) or the V1 key.
/// </summary>
public sealed class AsterAuthenticator(long chainId)
{
    private const int NoncesKept = 100;
    private static readonly TimeSpan NonceWindow = TimeSpan.FromSeconds(10);
    private readonly Dictionary<string, string> _agents = new(StringComparer.OrdinalIgnoreCase); // signer -> user
    private readonly Dictionary<string, AsterHmacSigner> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<long>> _nonces = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    /// <summary>Approves <paramref name="signer"/> as an API wallet (agent) of <paramref name="user"/>.</summary>
    public void ApproveAgent(string user, string signer)
    {
        lock (_gate) _agents[signer] = user;
    }

    /// <summary>Adds a V1 key pair.</summary>
    public void AddKey(string apiKey, string secretKey)
    {
        lock (_gate) _keys[apiKey] = new AsterHmacSigner(apiKey, secretKey);
    }

    /// <summary>The account of a V1 key, for the user-stream endpoints that take the key header without a signature.</summary>
    public string? AccountOfKey(string? apiKey)
    {
        lock (_gate) return apiKey is not null && _keys.ContainsKey(apiKey) ? apiKey : null;
    }

    /// <summary>The account the request is signed for, or the venue's refusal.</summary>
    public (string? Account, AsterError? Denied) Check(string raw, string? apiKeyHeader, DateTimeOffset venueNow)
    {
        var at = raw.LastIndexOf("signature=", StringComparison.Ordinal);
        if (at < 0 || (at > 0 && raw[at - 1] != '&')) return (null, new AsterError(-1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed."));
        var signature = raw[(at + "signature=".Length)..];
        var message = at == 0 ? "" : raw[..(at - 1)];
        var fields = Fields(message);
        return fields.ContainsKey("nonce") ? CheckV3(message, signature, fields, venueNow) : CheckV1(message, signature, fields, apiKeyHeader, venueNow);
    }

    private (string?, AsterError?) CheckV3(string message, string signature, Dictionary<string, string> fields, DateTimeOffset now)
    {
        if (!fields.TryGetValue("user", out var user) || !fields.TryGetValue("signer", out var claimed))
            return (null, new AsterError(-1102, "Mandatory parameter 'user' or 'signer' was not sent."));
        var recovered = AsterEip712Signer.RecoverSigner(message, Uri.UnescapeDataString(signature), chainId);
        if (recovered is null || !string.Equals(recovered, claimed, StringComparison.OrdinalIgnoreCase)) return (null, InvalidSignature);
        lock (_gate)
        {
            if (!_agents.TryGetValue(recovered, out var owner) || !string.Equals(owner, user, StringComparison.OrdinalIgnoreCase))
                return (null, new AsterError(-2015, "Invalid API-key, IP, or permissions for action."));
            if (!long.TryParse(fields["nonce"], NumberStyles.None, CultureInfo.InvariantCulture, out var nonce)) return (null, NonceExpired);
            var nowMicros = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
            if (Math.Abs(nowMicros - nonce) > (long)NonceWindow.TotalMicroseconds) return (null, NonceExpired);
            var seen = _nonces.TryGetValue(user, out var queue) ? queue : _nonces[user] = new Queue<long>();
            if (seen.Contains(nonce) || (seen.Count == NoncesKept && nonce < seen.Min())) return (null, NonceExpired);
            seen.Enqueue(nonce);
            if (seen.Count > NoncesKept) seen.Dequeue();
        }
        return (user.ToLowerInvariant(), null);
    }

    private (string?, AsterError?) CheckV1(string message, string signature, Dictionary<string, string> fields, string? apiKey, DateTimeOffset now)
    {
        AsterHmacSigner? key;
        lock (_gate) key = apiKey is null ? null : _keys.GetValueOrDefault(apiKey);
        if (key is null) return (null, new AsterError(-2015, "Invalid API-key, IP, or permissions for action."));
        if (!key.Verify(message, "", signature)) return (null, InvalidSignature);
        if (!fields.TryGetValue("timestamp", out var ts) || !long.TryParse(ts, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
            return (null, new AsterError(-1102, "Mandatory parameter 'timestamp' was not sent."));
        var window = fields.TryGetValue("recvWindow", out var w) && long.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? Math.Min(ms, 60_000) : 5000;
        var nowMs = now.ToUnixTimeMilliseconds();
        if (timestamp >= nowMs + 1000 || nowMs - timestamp > window)
            return (null, new AsterError(-1021, "Timestamp for this request is outside of the recvWindow."));
        return (key.ApiKey, null);
    }

    private static readonly AsterError InvalidSignature = new(-1022, "Signature for this request is not valid.");
    private static readonly AsterError NonceExpired = new(-4225, "Nonce Expired");

    /// <summary>The parameters of a URL-encoded string, decoded; a repeated name keeps its last value.</summary>
    public static Dictionary<string, string> Fields(string raw)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in raw.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) fields[Uri.UnescapeDataString(pair[..eq])] = Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
        }
        return fields;
    }
}
