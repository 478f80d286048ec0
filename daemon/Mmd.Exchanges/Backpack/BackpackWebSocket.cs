using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Mmd.Exchanges.Backpack;

/// <summary>
/// One WebSocket connection to Backpack with its subscriptions sent. A reader task parses every message into a
/// bounded channel so the caller can fetch a REST snapshot meanwhile; if the caller falls that far behind, or the
/// venue closes the socket, the channel completes with an error and the engine subscribes again. Protocol pings are
/// answered by <see cref="ClientWebSocket"/> itself (exchanges.md §1.5).
/// </summary>
internal sealed class BackpackWebSocket : IAsyncDisposable
{
    private const int Capacity = 8192;
    private readonly ClientWebSocket _socket;
    private readonly Channel<BackpackStreamMessage> _messages = Channel.CreateBounded<BackpackStreamMessage>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private Task _reader = Task.CompletedTask;

    private BackpackWebSocket(ClientWebSocket socket) => _socket = socket;

    public ChannelReader<BackpackStreamMessage> Messages => _messages.Reader;

    public static async Task<BackpackWebSocket> ConnectAsync(Uri url, string subscribeJson, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(30);
        var connection = new BackpackWebSocket(socket);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            await socket.ConnectAsync(url, deadline.Token).ConfigureAwait(false);
            await socket.SendAsync(Encoding.UTF8.GetBytes(subscribeJson), WebSocketMessageType.Text, true, deadline.Token).ConfigureAwait(false);
            connection._reader = connection.ReadAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary><c>{"method":"SUBSCRIBE","params":[…]}</c>, with the <c>signature</c> array for private streams.</summary>
    public static string SubscribeMessage(IEnumerable<string> streams, string[]? signature = null) => signature is null
        ? JsonSerializer.Serialize(new { method = "SUBSCRIBE", @params = streams.ToArray() })
        : JsonSerializer.Serialize(new { method = "SUBSCRIBE", @params = streams.ToArray(), signature });

    private async Task ReadAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        Exception? failure = null;
        try
        {
            while (true)
            {
                buffer.Clear();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.GetMemory(8192), _stop.Token).ConfigureAwait(false);
                    buffer.Advance(result.Count);
                }
                while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    failure = new WebSocketException($"the venue closed the stream ({_socket.CloseStatus} {_socket.CloseStatusDescription})");
                    break;
                }
                var message = JsonSerializer.Deserialize<BackpackStreamMessage>(buffer.WrittenSpan, BackpackJson.Options);
                if (message is null) continue;
                if (message.Error is { } error)
                {
                    failure = new BackpackApiException(0, error.Code, error.Message);
                    break;
                }
                if (!_messages.Writer.TryWrite(message))
                {
                    failure = new InvalidOperationException($"stream reader fell {Capacity} messages behind");
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
        catch (Exception ex) when (ex is WebSocketException or JsonException)
        {
            failure = ex;
        }
        _messages.Writer.TryComplete(failure ?? new WebSocketException("the stream ended"));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Abort();
        await _reader.ConfigureAwait(false);
        _socket.Dispose();
        _stop.Dispose();
    }
}
