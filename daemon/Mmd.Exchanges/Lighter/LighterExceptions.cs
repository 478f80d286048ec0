using System.Net;

namespace Mmd.Exchanges.Lighter;

/// <summary>The venue answered with an error (<c>{"code","message"}</c>, a code other than 200): it did not act.</summary>
public sealed class LighterApiException(HttpStatusCode status, int code, string message)
    : Exception($"Lighter {(status is 0 or HttpStatusCode.OK ? "" : $"{(int)status} ")}{code}: {message}")
{
    /// <summary>The nonce was not the API key's next one: nothing happened, and the next nonce must be read again.</summary>
    public const int InvalidNonce = 21104;

    /// <summary>The public key registered on the API key index is not ours.</summary>
    public const int InvalidPublicKey = 21108;

    /// <summary>An open order already has this client order index.</summary>
    public const int DuplicateClientOrderIndex = 21728;

    public HttpStatusCode Status { get; } = status;
    public int Code { get; } = code;
    public string VenueMessage { get; } = message;
    public bool IsRateLimit => Status is HttpStatusCode.TooManyRequests;
}

/// <summary>
/// A request may have reached the venue but no answer says what it did (timeout, connection lost after sending, 5xx).
/// A transaction in this state is settled by asking the venue, never by sending it again.
/// </summary>
public sealed class LighterOutcomeUnknownException(string message, Exception? inner = null) : Exception(message, inner);

public sealed class LighterCredentialsException(string message) : Exception(message);
