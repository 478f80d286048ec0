using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Mmd.Emulators.Streams;
using Mmd.Exchanges.Backpack;
using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;
using Mmd.Trading.Primitives;

namespace Mmd.Emulators.Backpack;

// The WebSocket API: SUBSCRIBE to depth.<symbol> (public) and account.orderUpdate.<symbol> (signed).
// Every connection has one bounded outbox; a client that lets it fill is disconnected, as a venue would.
public sealed partial class BackpackEmulator
{
    private readonly StreamSockets _streams = new();
    private long _lastAccountSubscriptionTicks;

    /// <summary>
    /// When the latest account subscription took effect. Backpack does not acknowledge a subscribe, so a test that must
    /// know its subscription is live (before it makes a fill happen) compares this with when it subscribed.
    /// </summary>
    public DateTimeOffset LastAccountSubscriptionAt => new(Interlocked.Read(ref _lastAccountSubscriptionTicks), TimeSpan.Zero);

    /// <summary>Fault: cuts every open WebSocket at once (clients see the connection drop).</summary>
    public void DropWebSockets() => _streams.DropAll();

    public int OpenWebSockets => _streams.Count;

    /// <summary>
    /// Depth subscriptions take effect when this completes. A venue answers a REST request and a subscribe on separate
    /// connections in its own order: a client that fetches the snapshot right after subscribing can get one older
    /// than the first delta it is sent, and the changes in between are never streamed to it.
    /// </summary>
    public Task DepthSubscriptionsTakeEffect { get; set; } = Task.CompletedTask;

    private int _depthSubscriptions;

    /// <summary>Depth subscriptions that have taken effect so far.</summary>
    public int DepthSubscriptions => Volatile.Read(ref _depthSubscriptions);

    private Task AcceptStreamAsync(HttpContext context) => _streams.ServeAsync(context, _ => [], (message, connection) =>
    {
        var pumps = new List<Task>();
        var command = JsonSerializer.Deserialize<SubscribeCommand>(message, BackpackJson.Options);
        if (command is not { Method: "SUBSCRIBE", Params: { } streams }) return pumps;
        foreach (var stream in streams)
        {
            var pump = Subscribe(stream, command.Signature, connection.Outbox, connection.Closing);
            if (pump is null) break;
            pumps.Add(pump);
        }
        return pumps;
    });

    private sealed record SubscribeCommand(string Method, string[]? Params, string[]? Signature);

    private Task? Subscribe(string stream, string[]? signature, ChannelWriter<OutboundFrame> outbox, CancellationTokenSource connection)
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

    /// <summary>
    /// The paper book's deltas as depth events with their update ids (a gap the paper venue injects shows as one).
    /// A fresh snapshot the paper venue sends after a lag is turned into the one delta that brings the client there.
    /// </summary>
    private async Task PumpDepthAsync(string stream, string symbol, ChannelWriter<OutboundFrame> outbox, CancellationTokenSource connection)
    {
        var stop = connection.Token;
        try
        {
            await DepthSubscriptionsTakeEffect.WaitAsync(stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        var reader = Exchange.SubscribeBook(symbol, out var unsubscribe);
        Interlocked.Increment(ref _depthSubscriptions);
        var mirror = new BookMirror();
        try
        {
            await foreach (var e in reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                if (mirror.Apply(e) is { } change && !Send(stream, symbol, change.First, change.Last, change.Bids, change.Asks, outbox)) return;
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
    private async Task PumpTickerAsync(string stream, string symbol, ChannelWriter<OutboundFrame> outbox, CancellationTokenSource connection)
    {
        var reader = Exchange.SubscribeBook(symbol, out var unsubscribe);
        var mirror = new BookMirror();
        (decimal?, decimal?, decimal?, decimal?) sent = default;
        try
        {
            await foreach (var e in reader.ReadAllAsync(connection.Token).ConfigureAwait(false))
            {
                if (e is not (BookSnapshotEvent or BookDeltaEvent)) continue;
                mirror.Apply(e);
                var touch = mirror.Touch();
                if (touch == sent) continue;
                sent = touch;
                var (bid, bidSize, ask, askSize) = touch;
                var ticker = new BackpackBookTicker("bookTicker", NowMicros, symbol, ask, askSize, bid, bidSize, mirror.Sequence, NowMicros);
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

    private bool Send(string stream, string symbol, long first, long last, BookLevel[] bids, BookLevel[] asks, ChannelWriter<OutboundFrame> outbox)
    {
        var now = NowMicros;
        var data = new BackpackDepthEvent("depth", now, symbol, Levels(asks), Levels(bids), first, last, now);
        return outbox.TryWrite(JsonSerializer.Serialize(new { stream, data }, BackpackJson.Options));
    }

    /// <summary>
    /// The paper account's events as Backpack order updates: orderAccepted, orderFill (carrying the fill and the
    /// order's state after it), orderCancelled, orderExpired. A lag in the paper stream drops the connection, as a
    /// venue does to a slow client; the client then resubscribes and reads back over REST.
    /// </summary>
    private async Task PumpAccountAsync(string stream, string account, string symbol, ChannelWriter<OutboundFrame> outbox, CancellationTokenSource connection)
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
