using System.Net;

namespace Mmd.Exchanges.Backpack;

/// <summary>The venue answered with an error body (<c>{"code","message"}</c>): it did not act.</summary>
public sealed class BackpackApiException(HttpStatusCode status, string code, string message)
    : Exception($"Backpack {(int)status} {code}: {message}")
{
    public HttpStatusCode Status { get; } = status;
    public string Code { get; } = code;
    public string VenueMessage { get; } = message;
    public bool IsRateLimit => Status == HttpStatusCode.TooManyRequests || Code == "TOO_MANY_REQUESTS";
}

/// <summary>
/// A request may have reached the venue but no answer says what it did (timeout, connection lost after sending, 5xx).
/// A write in this state is settled by asking the venue, never by sending it again.
/// </summary>
public sealed class BackpackOutcomeUnknownException(string message, Exception? inner = null) : Exception(message, inner);
