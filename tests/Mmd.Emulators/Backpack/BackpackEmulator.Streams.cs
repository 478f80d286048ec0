using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Mmd.Exchanges.Backpack;
using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;
using Mmd.Trading.Primitives;

namespace Mmd.Emulators.Backpack;

// The WebSocket API: SUBSCRIBE to depth.<symbol> (public) and account.orderUpdate.<symbol> (signed).
// Every connection has one bounded outbox; a client that lets it fill is disconnected, as a venue would.
public sealed partial class BackpackEmulator
{
    private const int OutboxCapacity = 4096;
    private readonly ConcurrentDictionary<WebSocket, CancellationTokenSource> _sockets = new();

    /// <summary>Fault: cuts every open WebSocket at once (clients see the connection drop).</summary>
    private long _lastAccountSubscriptionTicks;

    /// <summary>
    /// When the latest account subscription took effect. Backpack does not acknowledge a subscribe, so a test that must
    /// know its subscription is live (before it makes a fill happen) compares this with when it subscribed.
    /// </summary>
    public DateTimeOffset LastAccountSubscriptionAt => new(Interlocked.Read(ref _lastAccountSubscriptionTicks), TimeSpan.Zero);

    public void DropWebSockets()
    {
        foreach (var (socket, stop) in _sockets)
        {
            stop.Cancel();
            socket.Abort();
        }
    }

    public int OpenWebSockets => _sockets.Count;

    private async Task AcceptStreamAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        _sockets[socket] = stop;
        var outbox = Channel.CreateBounded<string>(new BoundedChannelOptions(OutboxCapacity) { SingleReader = true });
        var sender = SendAllAsync(socket, outbox.Reader, stop.Token);
        var pumps = new List<Task>();
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
                var command = JsonSerializer.Deserialize<SubscribeCommand>(message.ToArray(), BackpackJson.Options);
                if (command is not { Method: "SUBSCRIBE", Params: { } streams }) continue;
                foreach (var stream in streams)
                {
                    var pump = Subscribe(stream, command.Signature, outbox.Writer, stop);
                    if (pump is null) break;
                    pumps.Add(pump);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or JsonException) { }
        finally
        {
            _sockets.TryRemove(socket, out _);
            await stop.CancelAsync().ConfigureAwait(false);
            outbox.Writer.TryComplete();
            await Task.WhenAll(pumps.Append(sender)).ConfigureAwait(false);
        }
    }

    private sealed record SubscribeCommand(string Method, string[]? Params, string[]? Signature);

    private Task? Subscribe(string stream, string[]? signature, ChannelWriter<string> outbox, CancellationTokenSource connection)
    {
        var stop = connection.Token;
        if (stream.StartsWith("depth.", StringComparison.Ordinal))
        {
            var symbol = stream["depth.".Length..];
            if (Exchange.Instruments.Any(i => i.Symbol == symbol)) return Task.Run(() => PumpDepthAsync(stream, symbol, outbox, connection), stop);
            outbox.TryWrite(ErrorMessage("INVALID_SYMBOL", $"Invalid stream {stream}"));
            return null;
        }
        if (stream.StartsWith("bookTicker.", StringComparison.Ordinal))
        {
            var symbol = stream["bookTicker.".Length..];
            if (Exchange.Instruments.Any(i => i.Symbol == symbol)) return Task.Run(() => PumpTickerAsync(stream, symbol, outbox, connection), stop);
            outbox.TryWrite(ErrorMessage("INVALID_SYMBOL", $"Invalid stream {stream}"));
            return null;
        }
        if (stream.StartsWith("account.orderUpdate.", StringComparison.Ordinal))
        {
            var symbol = stream["account.orderUpdate.".Length..];
            if (BackpackAuthenticator.CheckSubscription(signature, NowMs, out var account) is { } denied)
            {
                outbox.TryWrite(ErrorMessage(denied.Code, denied.Message));
                return null;
            }
            return Task.Run(() => PumpAccountAsync(stream, account, symbol, outbox, connection), stop);
        }
        outbox.TryWrite(ErrorMessage("INVALID_CLIENT_REQUEST", $"Unknown stream {stream}"));
        return null;
    }

    private static string ErrorMessage(string code, string message) =>
        JsonSerializer.Serialize(new { error = new BackpackError(code, message) }, BackpackJson.Options);

    private static async Task SendAllAsync(WebSocket socket, ChannelReader<string> outbox, CancellationToken stop)
    {
        try
        {
            await foreach (var text in outbox.ReadAllAsync(stop).ConfigureAwait(false))
                await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, stop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException) { }
    }

    /// <summary>
    /// The paper book's deltas as depth events with their update ids (a gap the paper venue injects shows as one).
    /// A fresh snapshot the paper venue sends after a lag is turned into the one delta that brings the client there.
    /// </summary>
    private async Task PumpDepthAsync(string stream, string symbol, ChannelWriter<string> outbox, CancellationTokenSource connection)
    {
        var stop = connection.Token;
        var reader = Exchange.SubscribeBook(symbol, out var unsubscribe);
        var bids = new Dictionary<decimal, decimal>();
        var asks = new Dictionary<decimal, decimal>();
        long last = 0;
        try
        {
            await foreach (var e in reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                switch (e)
                {
                    case BookSnapshotEvent s when last == 0:
                        Mirror(bids, s.Bids, replace: true);
                        Mirror(asks, s.Asks, replace: true);
                        last = s.Sequence;
                        break;
                    case BookSnapshotEvent s:
                        var bidChanges = Replace(bids, s.Bids);
                        var askChanges = Replace(asks, s.Asks);
                        if (!Send(stream, symbol, last + 1, s.Sequence, bidChanges, askChanges, outbox)) return;
                        last = s.Sequence;
                        break;
                    case BookDeltaEvent d:
                        Mirror(bids, d.Bids, replace: false);
                        Mirror(asks, d.Asks, replace: false);
                        if (!Send(stream, symbol, d.FirstSequence, d.LastSequence, d.Bids, d.Asks, outbox)) return;
                        last = d.LastSequence;
                        break;
                }
            }
        }
        catch (OperationCanceledException) { }
        finally
        {
            unsubscribe();
            await connection.CancelAsync().ConfigureAwait(false); // the client lagged or left: the connection ends
        }
    }

    /// <summary>bookTicker: the touch (best bid and ask with sizes) each time it changes, with the book's update id.</summary>
    private async Task PumpTickerAsync(string stream, string symbol, ChannelWriter<string> outbox, CancellationTokenSource connection)
    {
        var reader = Exchange.SubscribeBook(symbol, out var unsubscribe);
        var bids = new Dictionary<decimal, decimal>();
        var asks = new Dictionary<decimal, decimal>();
        (decimal?, decimal?, decimal?, decimal?) sent = default;
        try
        {
            await foreach (var e in reader.ReadAllAsync(connection.Token).ConfigureAwait(false))
            {
                long sequence;
                if (e is BookSnapshotEvent s)
                {
                    Mirror(bids, s.Bids, replace: true);
                    Mirror(asks, s.Asks, replace: true);
                    sequence = s.Sequence;
                }
                else if (e is BookDeltaEvent d)
                {
                    Mirror(bids, d.Bids, replace: false);
                    Mirror(asks, d.Asks, replace: false);
                    sequence = d.LastSequence;
                }
                else continue;
                var touch = Touch(bids, asks);
                if (touch == sent) continue;
                sent = touch;
                var (bid, bidSize, ask, askSize) = touch;
                var ticker = new BackpackBookTicker("bookTicker", NowMicros, symbol, ask, askSize, bid, bidSize, sequence, NowMicros);
                if (!outbox.TryWrite(JsonSerializer.Serialize(new { stream, data = ticker }, BackpackJson.Options))) return;
            }
        }
        catch (OperationCanceledException) { }
        finally
        {
            unsubscribe();
            await connection.CancelAsync().ConfigureAwait(false);
        }
    }

    private bool Send(string stream, string symbol, long first, long last, BookLevel[] bids, BookLevel[] asks, ChannelWriter<string> outbox)
    {
        var now = NowMicros;
        var data = new BackpackDepthEvent("depth", now, symbol, Levels(asks), Levels(bids), first, last, now);
        return outbox.TryWrite(JsonSerializer.Serialize(new { stream, data }, BackpackJson.Options));
    }

    /// <summary>Best bid, its size, best ask, its size.</summary>
    private static (decimal?, decimal?, decimal?, decimal?) Touch(Dictionary<decimal, decimal> bids, Dictionary<decimal, decimal> asks)
    {
        decimal? bid = bids.Count > 0 ? bids.Keys.Max() : null;
        decimal? ask = asks.Count > 0 ? asks.Keys.Min() : null;
        return (bid, bid is { } b ? bids[b] : null, ask, ask is { } a ? asks[a] : null);
    }

    private static void Mirror(Dictionary<decimal, decimal> side, BookLevel[] levels, bool replace)
    {
        if (replace) side.Clear();
        foreach (var l in levels)
        {
            if (l.Quantity == 0) side.Remove(l.Price);
            else side[l.Price] = l.Quantity;
        }
    }

    private static BookLevel[] Replace(Dictionary<decimal, decimal> side, BookLevel[] levels)
    {
        var changes = side.Keys.Where(p => levels.All(l => l.Price != p)).Select(p => new BookLevel(p, 0m)).ToList();
        changes.AddRange(levels.Where(l => !side.TryGetValue(l.Price, out var q) || q != l.Quantity));
        Mirror(side, levels, replace: true);
        return changes.ToArray();
    }

    /// <summary>
    /// The paper account's events as Backpack order updates: orderAccepted, orderFill (carrying the fill and the
    /// order's state after it), orderCancelled, orderExpired. A lag in the paper stream drops the connection, as a
    /// venue does to a slow client; the client then resubscribes and reads back over REST.
    /// </summary>
    private async Task PumpAccountAsync(string stream, string account, string symbol, ChannelWriter<string> outbox, CancellationTokenSource connection)
    {
        var stop = connection.Token;
        var reader = Exchange.SubscribeAccount(account, symbol, out var unsubscribe);
        Interlocked.Exchange(ref _lastAccountSubscriptionTicks, _time.GetUtcNow().UtcTicks);
        try
        {
            await foreach (var e in reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                BackpackOrderUpdate? update = e switch
                {
                    OrderUpdateEvent { Order.Status: VenueOrderStatus.Open } u when u.Order.FilledQuantity == 0 => Update("orderAccepted", u.Order, null),
                    OrderUpdateEvent { Order.Status: VenueOrderStatus.Cancelled } u => Update("orderCancelled", u.Order, null),
                    OrderUpdateEvent { Order.Status: VenueOrderStatus.Expired } u => Update("orderExpired", u.Order, null),
                    FillEvent f => Exchange.GetOrderById(account, symbol, f.Fill.VenueOrderId) is { } order ? Update("orderFill", order, f.Fill) : null,
                    _ => null,
                };
                if (e is AccountResyncRequiredEvent) break;
                if (update is not null && !outbox.TryWrite(JsonSerializer.Serialize(new { stream, data = update }, BackpackJson.Options))) break;
            }
        }
        catch (OperationCanceledException) { }
        finally
        {
            unsubscribe();
            await connection.CancelAsync().ConfigureAwait(false); // the client lagged or left: the connection ends
        }
    }

    private BackpackOrderUpdate Update(string type, VenueOrder o, VenueFill? fill) =>
        new(type, NowMicros, o.Symbol, uint.TryParse(o.ClientOrderId, NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : null,
            BackpackMapping.ToWire(o.Side), BackpackMapping.ToWire(o.Type), BackpackMapping.ToWire(o.TimeInForce),
            o.Quantity, o.Price, StatusText(o.Status), o.VenueOrderId, fill is null ? null : TradeNumber(fill.TradeId), fill?.Quantity, o.FilledQuantity,
            fill?.Price, fill?.IsMaker, fill?.Fee, fill?.FeeAsset, NowMicros, o.PostOnly, o.ReduceOnly);
}
