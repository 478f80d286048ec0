using System.Net;

namespace Mmd.Exchanges.Paradex;

/// <summary>The venue answered with an error body (<c>{"error","message"}</c>) or a refusal status: it did not act.</summary>
public sealed class ParadexApiException(HttpStatusCode status, string code, string message)
    : Exception($"Paradex {(int)status} {code}: {message}")
{
    public HttpStatusCode Status { get; } = status;
    public string Code { get; } = code;
    public string VenueMessage { get; } = message;
    public bool IsRateLimit => Status is HttpStatusCode.TooManyRequests;
}

/// <summary>
/// A request may have reached the venue but no answer says what it did (timeout, connection lost after sending, 5xx).
/// A write in this state is settled by asking the venue, never by sending it again.
/// </summary>
public sealed class ParadexOutcomeUnknownException(string message, Exception? inner = null) : Exception(message, inner);
