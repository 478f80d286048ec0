using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Mmd.Emulators.Streams;
using Mmd.Exchanges.Aster;
using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;
using Mmd.Trading.Primitives;

namespace Mmd.Emulators.Aster;

// The WebSocket API (exchanges.md §2.6): combined streams on /stream (named in ?streams=a/b, or by SUBSCRIBE, answered
// {"result":null,"id":N}) sending {"stream","data"}; the user-data stream on /ws/<listenKey> sending bare events. Update
// ids of the depth stream are ten times the paper book's sequence, so they are not contiguous, as on the venue: a client
// must follow pu, not U.
public sealed partial class AsterEmulator
{
    private const long IdScale = 10;
    private static readonly TimeSpan ListenKeyValidity = TimeSpan.FromMinutes(60);
    private readonly StreamSockets _streams = new();
    private readonly ConcurrentDictionary<string, ListenKey> _listenKeys = new(StringComparer.Ordinal);
    private long _lastUserStreamTicks;
    private int _listenKeysCreated;
    private int _keepAlives;

    private sealed class ListenKey(string key, string account, DateTimeOffset expiresAt)
    {
        public string Key => key;
        public string Account => account;
        public DateTimeOffset ExpiresAt { get; set; } = expiresAt;
        public List<StreamConnection> Connections { get; } = [];
    }

    public Uri WebSocketUrl => new(RestUrl.ToString().Replace("http://", "ws://", StringComparison.Ordinal));

    /// <summary>When the latest user-data connection started streaming: a test compares it with when it connected.</summary>
    public DateTimeOffset LastUserStreamAt => new(Interlocked.Read(ref _lastUserStreamTicks), TimeSpan.Zero);

    public int ListenKeysCreated => Volatile.Read(ref _listenKeysCreated);

    public int ListenKeyKeepAlives => Volatile.Read(ref _keepAlives);

    public int OpenWebSockets => _streams.Count;

    /// <summary>Fault: cuts every open WebSocket at once.</summary>
    public void DropWebSockets() => _streams.DropAll();

    /// <summary>Fault: every listen key lapses now, as if nobody had kept it alive for an hour.</summary>
    public void ExpireListenKeys()
    {
        foreach (var key in _listenKeys.Values) key.ExpiresAt = DateTimeOffset.MinValue;
        ExpireDue();
    }

    /// <summary>Ends the keys past their validity: each connection gets <c>listenKeyExpired</c> and is closed.</summary>
    private void ExpireDue()
    {
        var now = VenueNow;
        foreach (var key in _listenKeys.Values.Where(k => k.ExpiresAt <= now).ToList())
        {
            if (!_listenKeys.TryRemove(key.Key, out _)) continue;
            List<StreamConnection> connections;
            lock (key.Connections) connections = key.Connections.ToList();
            var expired = JsonSerializer.Serialize(new { e = "listenKeyExpired", E = now.ToUnixTimeMilliseconds(), listenKey = key.Key });
            foreach (var connection in connections)
            {
                connection.Send(expired);
                connection.Outbox.TryComplete(); // sent, then closed
            }
        }
    }

    // ---- listen keys (REST) ----

    /// <summary>POST: the account's key (one per account; asking again extends it), valid 60 minutes.</summary>
    private IResult CreateListenKey(string account)
    {
        var now = VenueNow;
        var existing = _listenKeys.Values.FirstOrDefault(k => k.Account == account && k.ExpiresAt > now);
        if (existing is not null)
        {
            existing.ExpiresAt = now + ListenKeyValidity;
            return Json(new AsterListenKey(existing.Key));
        }
        var key = new ListenKey(Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant() + Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant(),
            account, now + ListenKeyValidity);
        _listenKeys[key.Key] = key;
        Interlocked.Increment(ref _listenKeysCreated);
        return Json(new AsterListenKey(key.Key));
    }

    /// <summary>PUT: extends the account's key another 60 minutes; -1125 when it has lapsed.</summary>
    private IResult KeepAliveListenKey(string account)
    {
        var now = VenueNow;
        if (_listenKeys.Values.FirstOrDefault(k => k.Account == account && k.ExpiresAt > now) is not { } key)
            return Error(HttpStatusCode.BadRequest, -1125, "This listenKey does not exist.");
        key.ExpiresAt = now + ListenKeyValidity;
        Interlocked.Increment(ref _keepAlives);
        return Json(new { });
    }

    /// <summary>DELETE: closes the account's user-data stream.</summary>
    private IResult CloseListenKey(string account)
    {
        foreach (var key in _listenKeys.Values.Where(k => k.Account == account).ToList())
        {
            _listenKeys.TryRemove(key.Key, out _);
            lock (key.Connections) key.Connections.ForEach(c => c.Outbox.TryComplete());
        }
        return Json(new { });
    }

    // ---- WebSocket ----

    /// <summary><c>/stream</c>: the streams named in the URL start at once; SUBSCRIBE adds more and is acknowledged.</summary>
    private Task AcceptCombinedAsync(HttpContext context)
    {
        var named = context.Request.Query["streams"].ToString().Split('/', StringSplitOptions.RemoveEmptyEntries);
        return _streams.ServeAsync(context, connection => named.Select(s => StartStream(s, connection)).OfType<Task>().ToList(), (message, connection) =>
        {
            var command = JsonSerializer.Deserialize<StreamCommand>(message, AsterJson.Options);
            if (command is not { Method: "SUBSCRIBE", Params: { } streams })
            {
                connection.Send(JsonSerializer.Serialize(new { code = 2, msg = "Invalid request: unknown method", id = command?.Id }));
                return [];
            }
            var pumps = streams.Select(s => StartStream(s, connection)).OfType<Task>().ToList();
            connection.Send(JsonSerializer.Serialize(new { result = (object?)null, id = command.Id }));
            return pumps;
        });
    }

    private sealed record StreamCommand(string Method, string[]? Params, long? Id);

    /// <summary><c>/ws/&lt;listenKey&gt;</c>: the account's order and account events on every perpetual, until the key lapses.</summary>
    private async Task AcceptUserStreamAsync(HttpContext context, string listenKey)
    {
        if (!_listenKeys.TryGetValue(listenKey, out var key) || key.ExpiresAt <= VenueNow)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new AsterError(-1125, "This listenKey does not exist."), AsterJson.Options).ConfigureAwait(false);
            return;
        }
        await _streams.ServeAsync(context, connection =>
        {
            lock (key.Connections) key.Connections.Add(connection);
            var pumps = Exchange.Instruments.Where(i => i.Kind == InstrumentKind.Perpetual)
                .Select(i => Task.Run(() => PumpUserAsync(key.Account, i.Symbol, connection), connection.Closed)).ToList();
            Interlocked.Exchange(ref _lastUserStreamTicks, _time.GetUtcNow().UtcTicks);
            return pumps;
        }, (_, _) => []).ConfigureAwait(false);
        lock (key.Connections) key.Connections.RemoveAll(c => c.Closed.IsCancellationRequested);
    }

    private Task? StartStream(string stream, StreamConnection connection)
    {
        var at = stream.IndexOf('@', StringComparison.Ordinal);
        var paper = at > 0 ? PaperSymbol(stream[..at].ToUpperInvariant()) : null;
        var kind = at > 0 ? stream[(at + 1)..] : "";
        if (paper is not null && kind is "depth" or "depth@100ms" or "depth@500ms")
            return Task.Run(() => PumpDepthAsync(stream, paper, connection), connection.Closed);
        if (paper is not null && kind == "bookTicker")
            return Task.Run(() => PumpTickerAsync(stream, paper, connection), connection.Closed);
        connection.Send(JsonSerializer.Serialize(new { code = 2, msg = $"Invalid request: unknown stream {stream}" }));
        return null;
    }

    /// <summary>depthUpdate events: U/u the first and last update id covered, pu the u of the event before (a paper gap shows as a pu the client never saw).</summary>
    private async Task PumpDepthAsync(string stream, string paper, StreamConnection connection)
    {
        var reader = Exchange.SubscribeBook(paper, out var unsubscribe);
        var mirror = new BookMirror();
        try
        {
            await foreach (var e in reader.ReadAllAsync(connection.Closed).ConfigureAwait(false))
            {
                if (mirror.Apply(e) is not { } change) continue;
                var ms = VenueNow.ToUnixTimeMilliseconds();
                var update = new AsterDepthUpdate("depthUpdate", ms, AsterSymbol(paper), (change.First - 1) * IdScale + 1, change.Last * IdScale, (change.First - 1) * IdScale,
                    Levels(change.Bids), Levels(change.Asks));
                if (!connection.Send(JsonSerializer.Serialize(new { stream, data = update }, AsterJson.Options))) return;
            }
        }
        catch (OperationCanceledException) { }
        finally
        {
            unsubscribe();
            await connection.Closing.CancelAsync().ConfigureAwait(false); // the client lagged or left: the connection ends
        }
    }

    private async Task PumpTickerAsync(string stream, string paper, StreamConnection connection)
    {
        var reader = Exchange.SubscribeBook(paper, out var unsubscribe);
        var mirror = new BookMirror();
        (decimal?, decimal?, decimal?, decimal?) sent = default;
        try
        {
            await foreach (var e in reader.ReadAllAsync(connection.Closed).ConfigureAwait(false))
            {
                if (e is not (BookSnapshotEvent or BookDeltaEvent)) continue;
                mirror.Apply(e);
                var touch = mirror.Touch();
                if (touch == sent || touch is not ({ } bid, { } bidSize, { } ask, { } askSize)) continue;
                sent = touch;
                var ms = VenueNow.ToUnixTimeMilliseconds();
                var ticker = new AsterBookTicker("bookTicker", mirror.Sequence * IdScale, ms, ms, AsterSymbol(paper), bid, bidSize, ask, askSize);
                if (!connection.Send(JsonSerializer.Serialize(new { stream, data = ticker }, AsterJson.Options))) return;
            }
        }
        catch (OperationCanceledException) { }
        finally
        {
            unsubscribe();
            await connection.Closing.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The paper account's events on one symbol as ORDER_TRADE_UPDATE (NEW, TRADE carrying the order's state after it,
    /// CANCELED, EXPIRED) and, after a trade, ACCOUNT_UPDATE with the position. A lag drops the connection.
    /// </summary>
    private async Task PumpUserAsync(string account, string paper, StreamConnection connection)
    {
        var reader = Exchange.SubscribeAccount(account, paper, out var unsubscribe);
        try
        {
            await foreach (var e in reader.ReadAllAsync(connection.Closed).ConfigureAwait(false))
            {
                if (e is AccountResyncRequiredEvent) break;
                var ms = VenueNow.ToUnixTimeMilliseconds();
                var messages = e switch
                {
                    OrderUpdateEvent { Order.Status: VenueOrderStatus.Open } u when u.Order.FilledQuantity == 0 => [Update(ms, "NEW", u.Order, null)],
                    OrderUpdateEvent { Order.Status: VenueOrderStatus.Cancelled } u => [Update(ms, "CANCELED", u.Order, null)],
                    OrderUpdateEvent { Order.Status: VenueOrderStatus.Expired } u => [Update(ms, "EXPIRED", u.Order, null)],
                    FillEvent f when Exchange.GetOrderById(account, paper, f.Fill.VenueOrderId) is { } order => [Update(ms, "TRADE", order, f.Fill), PositionUpdate(ms, account, paper)],
                    _ => Array.Empty<string>(),
                };
                if (messages.Any(m => !connection.Send(m))) break;
            }
        }
        catch (OperationCanceledException) { }
        finally
        {
            unsubscribe();
            await connection.Closing.CancelAsync().ConfigureAwait(false);
        }
    }

    private static string Update(long ms, string execution, VenueOrder o, VenueFill? fill)
    {
        var wire = Wire(o);
        var update = new AsterOrderTradeUpdate("ORDER_TRADE_UPDATE", ms, new AsterOrderUpdate(wire.Symbol, o.ClientOrderId, wire.Side, wire.Type, wire.TimeInForce,
            o.Quantity, o.Price ?? 0m, execution, wire.Status, wire.OrderId, fill?.Quantity ?? 0m, o.FilledQuantity, fill?.Price ?? 0m, fill?.Fee, fill?.FeeAsset,
            fill?.Timestamp.ToUnixTimeMilliseconds() ?? ms, fill is null ? 0 : TradeNumber(fill.TradeId), fill?.IsMaker ?? false, o.ReduceOnly));
        return JsonSerializer.Serialize(update, AsterJson.Options);
    }

    private string PositionUpdate(long ms, string account, string paper)
    {
        var position = Exchange.Positions(account).FirstOrDefault(p => p.Symbol == paper);
        var quote = Exchange.Instruments.First(i => i.Symbol == paper).QuoteAsset;
        var balance = Exchange.Balances(account).FirstOrDefault(b => b.Asset == quote);
        return JsonSerializer.Serialize(new AsterAccountUpdate("ACCOUNT_UPDATE", ms, ms, new AsterAccountChanges("ORDER",
            [new AsterBalanceChange(quote, balance?.Total ?? 0m, balance?.Total ?? 0m)],
            [new AsterPositionChange(AsterSymbol(paper), position?.Quantity ?? 0m, position?.EntryPrice ?? 0m, position?.UnrealizedPnl ?? 0m, "BOTH")])), AsterJson.Options);
    }

    private static long TradeNumber(string paperTradeId) => long.Parse(paperTradeId.TrimStart('T'), CultureInfo.InvariantCulture);

    private static string[][] Levels(BookLevel[] levels) => levels.Select(l => new[] { Text(l.Price), Text(l.Quantity) }).ToArray();
}
