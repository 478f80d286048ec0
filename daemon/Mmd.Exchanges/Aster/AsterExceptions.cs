using System.Net;

namespace Mmd.Exchanges.Aster;

/// <summary>The venue answered with an error body (<c>{"code","msg"}</c>) or a refusal status: it did not act.</summary>
public sealed class AsterApiException(HttpStatusCode status, int code, string message)
    : Exception($"Aster {(int)status} {code}: {message}")
{
    public HttpStatusCode Status { get; } = status;
    public int Code { get; } = code;
    public string VenueMessage { get; } = message;
    /// <summary>429, or -1003 TOO_MANY_REQUESTS / -1015 TOO_MANY_ORDERS: wait, then ask again.</summary>
    public bool IsRateLimit => Status is HttpStatusCode.TooManyRequests || (int)Status == 418 || Code is -1003 or -1015;
    /// <summary>418: the IP is banned for a while (2 minutes to 3 days) for going on past 429s.</summary>
    public bool IsBan => (int)Status == 418;
}

/// <summary>
/// A request may have reached the venue but no answer says what it did (timeout, connection lost after sending, 503
/// "unknown execution status", another 5xx). A write in this state is settled by asking the venue, never by sending it again.
/// </summary>
public sealed class AsterOutcomeUnknownException(string message, Exception? inner = null) : Exception(message, inner);
