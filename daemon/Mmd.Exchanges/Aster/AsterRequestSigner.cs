using System.Globalization;

namespace Mmd.Exchanges.Aster;

/// <summary>A signed request's parameter string (sent as the query or the form body, exactly) and the API-key header, if any.</summary>
public sealed record AsterSignedRequest(string Parameters, string? ApiKey);

/// <summary>
/// Signs the URL-encoded business parameters of one request as the credentials' scheme wants it:
/// <list type="bullet">
/// <item>V3: <c>…&amp;nonce=&lt;µs&gt;&amp;user=&lt;main&gt;&amp;signer=&lt;agent&gt;</c>, then <c>&amp;signature=0x…</c> of exactly that string;
/// no header. Nonces are microseconds of venue time and strictly increase: the venue refuses a repeated one.</item>
/// <item>V1: <c>…&amp;recvWindow=&lt;ms&gt;&amp;timestamp=&lt;ms&gt;</c>, then <c>&amp;signature=&lt;hex&gt;</c>; the key in <c>X-MBX-APIKEY</c>.</item>
/// </list>
/// </summary>
public sealed class AsterRequestSigner(AsterCredentials credentials, TimeProvider time, TimeSpan recvWindow)
{
    private long _lastNonce;

    /// <summary>What the venue's clock is ahead of ours (measured from its server time); added to every nonce and timestamp.</summary>
    public TimeSpan ClockOffset { get; set; }

    public AsterSigning Scheme => credentials.Scheme;

    /// <summary>V1's API key, for the endpoints that take the key header without a signature (the user stream's).</summary>
    public string? V1ApiKey => credentials.Hmac?.ApiKey;

    public AsterSignedRequest Sign(string parameters)
    {
        var now = time.GetUtcNow() + ClockOffset;
        var prefix = parameters.Length == 0 ? "" : parameters + "&";
        if (credentials.Eip712 is { } eip712)
        {
            var message = string.Create(CultureInfo.InvariantCulture, $"{prefix}nonce={NextNonce(now)}&user={credentials.User}&signer={eip712.SignerAddress}");
            return new AsterSignedRequest(message + "&signature=" + eip712.Sign(message), null);
        }
        var hmac = credentials.Hmac!;
        var total = string.Create(CultureInfo.InvariantCulture, $"{prefix}recvWindow={(long)recvWindow.TotalMilliseconds}&timestamp={now.ToUnixTimeMilliseconds()}");
        return new AsterSignedRequest(total + "&signature=" + hmac.Sign(total), hmac.ApiKey);
    }

    /// <summary>Microseconds since the epoch, never the same twice and never going back.</summary>
    private long NextNonce(DateTimeOffset now)
    {
        var candidate = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        while (true)
        {
            var last = Interlocked.Read(ref _lastNonce);
            var next = Math.Max(candidate, last + 1);
            if (Interlocked.CompareExchange(ref _lastNonce, next, last) == last) return next;
        }
    }
}
