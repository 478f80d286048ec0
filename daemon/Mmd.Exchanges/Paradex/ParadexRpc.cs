using System.Text.Json;

namespace Mmd.Exchanges.Paradex;

/// <summary>Paradex's WebSocket API speaks JSON-RPC 2.0: requests by id, answers by id, pushes as <c>subscription</c>.</summary>
internal static class ParadexRpc
{
    public static string Request(long id, string method, object parameters) =>
        JsonSerializer.Serialize(new { jsonrpc = "2.0", method, @params = parameters, id });

    /// <summary>A message, or a failure when the venue answered a request with an error (a refused auth or subscription).</summary>
    public static ParadexRpcMessage? Parse(ReadOnlyMemory<byte> frame)
    {
        var message = JsonSerializer.Deserialize<ParadexRpcMessage>(frame.Span, ParadexJson.Options);
        if (message?.Error is { } error) throw new InvalidOperationException($"Paradex refused a stream request (id {message.Id}): {error.Code} {error.Message}");
        return message;
    }

    /// <summary>Whether the message answers request <paramref name="id"/> (and is not a push).</summary>
    public static bool Answers(this ParadexRpcMessage message, long id) => message.Method is null && message.Id == id;
}
