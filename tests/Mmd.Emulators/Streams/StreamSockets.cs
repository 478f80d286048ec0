using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace Mmd.Emulators.Streams;

/// <summary>One message to send: UTF-8 text (JSON, most venues) or a binary frame (Paradex's SBE).</summary>
internal readonly record struct OutboundFrame(byte[] Bytes, WebSocketMessageType Type)
{
    public static implicit operator OutboundFrame(string text) => FromText(text);

    public static OutboundFrame FromText(string text) => new(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public static OutboundFrame FromBinary(byte[] bytes) => new(bytes, WebSocketMessageType.Binary);
}

/// <summary>One accepted stream connection: its bounded outbox, and the source whose cancellation ends it.</summary>
internal sealed record StreamConnection(ChannelWriter<OutboundFrame> Outbox, CancellationTokenSource Closing)
{
    public CancellationToken Closed => Closing.Token;

    /// <summary>Queues a message; false when the client has let the outbox fill (the connection is then ended, as a venue does).</summary>
    public bool Send(OutboundFrame frame) => Outbox.TryWrite(frame);
}

/// <summary>
/// An emulator's WebSocket connections. Each gets one bounded outbox; a client that lets it fill is disconnected, as a
/// venue would. The venue's protocol lives in the callbacks: what to start when a connection opens and for each message.
/// </summary>
internal sealed class StreamSockets
{
    private const int OutboxCapacity = 4096;
    private readonly ConcurrentDictionary<WebSocket, CancellationTokenSource> _sockets = new();

    public int Count => _sockets.Count;

    /// <summary>Fault: cuts every open connection at once (clients see it drop).</summary>
    public void DropAll()
    {
        foreach (var (socket, stop) in _sockets)
        {
            stop.Cancel();
            socket.Abort();
        }
    }

    /// <summary>
    /// Serves one connection until either side ends it. <paramref name="opened"/> and <paramref name="received"/> return
    /// the tasks (stream pumps) they start; those end with the connection. Completing the outbox ends the connection
    /// once what it holds has been sent.
    /// </summary>
    public async Task ServeAsync(HttpContext context, Func<StreamConnection, IEnumerable<Task>> opened, Func<byte[], StreamConnection, IEnumerable<Task>> received)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        _sockets[socket] = stop;
        var outbox = Channel.CreateBounded<OutboundFrame>(new BoundedChannelOptions(OutboxCapacity) { SingleReader = true });
        var connection = new StreamConnection(outbox.Writer, stop);
        var sender = SendAllAsync(socket, outbox.Reader, stop);
        var pumps = new List<Task>(opened(connection));
        try
        {
            var buffer = new byte[16 * 1024];
            while (!stop.IsCancellationRequested)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, stop.Token).ConfigureAwait(false);
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close) break;
                pumps.AddRange(received(message.ToArray(), connection));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or System.Text.Json.JsonException) { }
        finally
        {
            _sockets.TryRemove(socket, out _);
            await stop.CancelAsync().ConfigureAwait(false);
            outbox.Writer.TryComplete();
            await Task.WhenAll(pumps.Append(sender)).ConfigureAwait(false);
        }
    }

    private static async Task SendAllAsync(WebSocket socket, ChannelReader<OutboundFrame> outbox, CancellationTokenSource connection)
    {
        try
        {
            await foreach (var frame in outbox.ReadAllAsync(connection.Token).ConfigureAwait(false))
                await socket.SendAsync(frame.Bytes, frame.Type, true, connection.Token).ConfigureAwait(false);
            // The venue completed the outbox: everything is sent, and the connection is closed cleanly.
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(connection.Token);
            deadline.CancelAfter(TimeSpan.FromSeconds(2));
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closed by the venue", deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or InvalidOperationException) { }
    }
}
