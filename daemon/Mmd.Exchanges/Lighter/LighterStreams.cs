using System.Text.Json;
using Mmd.Exchanges.Shared;

namespace Mmd.Exchanges.Lighter;

/// <summary>
/// A connection to Lighter's WebSocket API (exchanges.md §4.7): subscriptions go out after the venue's
/// <c>{"type":"connected"}</c>; a <c>{"type":"ping"}</c> goes out every interval (the venue drops a connection silent for
/// about two minutes) and each of the venue's pings is answered with a pong; an error message fails the stream.
/// </summary>
internal static class LighterStreams
{
    private const string Ping = """{"type":"ping"}""";
    private const string Pong = """{"type":"pong"}""";

    public static Task<VenueWebSocket<LighterStreamMessage>> ConnectAsync(LighterOptions options, IReadOnlyList<string> subscriptions, TimeProvider time,
        CancellationToken cancellationToken) =>
        VenueWebSocket<LighterStreamMessage>.ConnectAsync(options.WebSocketUrl, subscriptions, static (frame, _) => Parse(frame), options.RequestTimeout,
            options.Streams, cancellationToken, IsGreeting, new AppKeepAlive(Ping, options.StreamPingInterval, static frame => IsPing(frame) ? Pong : null, time));

    public static bool IsGreeting(ReadOnlyMemory<byte> frame)
    {
        try
        {
            return JsonSerializer.Deserialize<LighterStreamMessage>(frame.Span, LighterJson.Options)?.Type == "connected";
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The venue's ping is the short <c>{"type":"ping"}</c>; a data message is never that short.</summary>
    private static bool IsPing(ReadOnlyMemory<byte> frame) => frame.Length <= 32 && frame.Span.IndexOf("\"ping\""u8) >= 0;

    /// <summary>A message, or a failure when the venue sent an error (a refused subscription, a bad token).</summary>
    private static LighterStreamMessage? Parse(ReadOnlyMemory<byte> frame)
    {
        var message = JsonSerializer.Deserialize<LighterStreamMessage>(frame.Span, LighterJson.Options);
        if (message?.Error is not null || message?.Type == "error")
            throw new InvalidOperationException($"Lighter refused a stream request: {message.Error?.Code} {message.Error?.Message}");
        return message;
    }
}
