using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;

namespace Mmd.Exchanges.Shared;

/// <summary>
/// One WebSocket connection to a venue, with its subscription sent. A reader task parses every message into a bounded
/// channel so the caller can fetch a REST snapshot meanwhile; if the caller falls that far behind, the venue closes the
/// socket, or <c>parse</c> throws (the venue sent an error), the channel completes with that error and the engine
/// subscribes again. Protocol pings are answered by <see cref="ClientWebSocket"/> itself, and it sends its own
/// (<see cref="StreamLiveness"/>): a connection whose pongs stop coming is aborted, and the stream fails the same way.
/// </summary>
/// <typeparam name="TMessage">The venue's message; <c>parse</c> returns null for one the caller need not see (an acknowledgement).</typeparam>
internal sealed class VenueWebSocket<TMessage> : IAsyncDisposable where TMessage : class
{
    private const int Capacity = 8192;
    private readonly ClientWebSocket _socket;
    private readonly Func<ReadOnlyMemory<byte>, WebSocketMessageType, TMessage?> _parse;
    private readonly Channel<TMessage> _messages = Channel.CreateBounded<TMessage>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly StreamLiveness _liveness;
    private readonly AppKeepAlive? _keepAlive;
    // A WebSocket allows one send at a time: pongs from the reader, pings from the pinger.
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private Task _reader = Task.CompletedTask;
    private Task _pinger = Task.CompletedTask;

    private VenueWebSocket(ClientWebSocket socket, Func<ReadOnlyMemory<byte>, WebSocketMessageType, TMessage?> parse, StreamLiveness liveness, AppKeepAlive? keepAlive)
    {
        _socket = socket;
        _parse = parse;
        _liveness = liveness;
        _keepAlive = keepAlive;
    }

    public ChannelReader<TMessage> Messages => _messages.Reader;

    /// <summary>Whether the connection is open (so answering our pings): what vouches for a quiet stream.</summary>
    public bool IsOpen => _socket.State == WebSocketState.Open;

    /// <summary>
    /// A book stream's deltas (<paramref name="toDelta"/> of each message; null skips one), and a
    /// <see cref="Trading.Execution.BookAliveEvent"/> for each silence of <see cref="StreamLiveness.QuietInterval"/>
    /// while the connection is open (so answering our pings): a quiet market, not a dead feed.
    /// </summary>
    public async IAsyncEnumerable<Trading.Execution.MarketDataEvent> ReadBookAsync(string symbol, TimeProvider time,
        Func<TMessage, Trading.Execution.BookDeltaEvent?> toDelta, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var message in QuietMarks.ReadAsync(_messages.Reader, _liveness.QuietInterval, time, () => IsOpen, cancellationToken)
                           .ConfigureAwait(false))
        {
            if (message is null) yield return new Trading.Execution.BookAliveEvent(symbol, time.GetUtcNow());
            else if (toDelta(message) is { } delta) yield return delta;
        }
    }

    /// <summary>Connects to <paramref name="url"/> and sends <paramref name="subscribeJson"/> if there is one (a stream named in the URL needs none).</summary>
    public static Task<VenueWebSocket<TMessage>> ConnectAsync(Uri url, string? subscribeJson, Func<ReadOnlyMemory<byte>, TMessage?> parse, TimeSpan timeout,
        StreamLiveness liveness, CancellationToken cancellationToken) =>
        ConnectAsync(url, subscribeJson is null ? [] : [subscribeJson], (message, _) => parse(message), timeout, liveness, cancellationToken);

    /// <summary>
    /// Connects to <paramref name="url"/> and sends <paramref name="sendOnOpen"/> in order (say, an authentication and then
    /// subscriptions); <paramref name="parse"/> is told whether a message came as text or binary. With
    /// <paramref name="greeting"/>, the venue's first message must be that greeting before anything is sent (Lighter's
    /// <c>{"type":"connected"}</c>); it is not passed on. With <paramref name="keepAlive"/>, the venue's own pings are
    /// answered and ours sent, and neither reaches the caller.
    /// </summary>
    public static async Task<VenueWebSocket<TMessage>> ConnectAsync(Uri url, IReadOnlyList<string> sendOnOpen, Func<ReadOnlyMemory<byte>, WebSocketMessageType, TMessage?> parse,
        TimeSpan timeout, StreamLiveness liveness, CancellationToken cancellationToken, Func<ReadOnlyMemory<byte>, bool>? greeting = null, AppKeepAlive? keepAlive = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = liveness.PingInterval;
        socket.Options.KeepAliveTimeout = liveness.PongTimeout;
        var connection = new VenueWebSocket<TMessage>(socket, parse, liveness, keepAlive);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            await socket.ConnectAsync(url, deadline.Token).ConfigureAwait(false);
            if (greeting is not null && !greeting(await ReceiveOneAsync(socket, deadline.Token).ConfigureAwait(false)))
                throw new WebSocketException("the venue's first message was not its greeting");
            foreach (var message in sendOnOpen)
                await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, deadline.Token).ConfigureAwait(false);
            connection._reader = connection.ReadAsync();
            if (keepAlive is not null) connection._pinger = connection.PingAsync(keepAlive);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<ReadOnlyMemory<byte>> ReceiveOneAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.GetMemory(1024), cancellationToken).ConfigureAwait(false);
            buffer.Advance(result.Count);
        }
        while (!result.EndOfMessage);
        return result.MessageType == WebSocketMessageType.Close ? ReadOnlyMemory<byte>.Empty : buffer.WrittenMemory;
    }

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
                if (_keepAlive?.AnswerTo(buffer.WrittenMemory) is { } answer)
                {
                    await SendAsync(answer, _stop.Token).ConfigureAwait(false);
                    continue;
                }
                if (_parse(buffer.WrittenMemory, result.MessageType) is not { } message) continue;
                if (!_messages.Writer.TryWrite(message))
                {
                    failure = new InvalidOperationException($"stream reader fell {Capacity} messages behind");
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
        catch (Exception ex)
        {
            // The socket failed (a missed pong aborts it, which ends the receive as cancelled: not our stop, so a
            // failure), or the venue sent an error or something unreadable.
            failure = ex is OperationCanceledException ? new WebSocketException($"the connection was aborted ({_socket.State}): {ex.Message}", ex) : ex;
        }
        _messages.Writer.TryComplete(failure ?? new WebSocketException("the stream ended"));
    }

    private async Task PingAsync(AppKeepAlive keepAlive)
    {
        try
        {
            while (true)
            {
                await Task.Delay(keepAlive.Interval, keepAlive.Time, _stop.Token).ConfigureAwait(false);
                await SendAsync(keepAlive.Ping, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Stopped, or the connection failed: its reader reports why.
        }
    }

    /// <summary>Sends a text message on the open connection.</summary>
    private async Task SendAsync(string text, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Abort();
        await _reader.ConfigureAwait(false);
        await _pinger.ConfigureAwait(false);
        _socket.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }
}
