using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Mmd.Emulators.Streams;
using Mmd.Exchanges.Lighter;
using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;

namespace Mmd.Emulators.Lighter;

// The WebSocket API on /stream (exchanges.md §4.7): {"type":"connected"} on open; {"type":"subscribe","channel":…} with
// "auth" for account channels; channel names with ':' in what it pushes. order_book/{market} sends the whole book
// (subscribed/order_book), then the levels that changed, each update's begin_nonce the last one's nonce;
// account_orders/{market}/{account} and account_all_trades/{account} push the account's order updates and trades.
// {"type":"ping"} is answered with a pong.
public sealed partial class LighterEmulator
{
    /// <summary>Fault: when false, streams open without the venue's <c>{"type":"connected"}</c>.</summary>
    public bool GreetStreams { get; set; } = true;

    private readonly ConcurrentDictionary<StreamConnection, byte> _connections = new();
    private long _pingsReceived;
    private long _pongsReceived;

    /// <summary>How many <c>{"type":"ping"}</c> the clients sent, and <c>{"type":"pong"}</c> in answer to <see cref="PingStreams"/>.</summary>
    public (long Pings, long Pongs) KeepAlives => (Interlocked.Read(ref _pingsReceived), Interlocked.Read(ref _pongsReceived));

    /// <summary>Sends the venue's <c>{"type":"ping"}</c> on every open stream.</summary>
    public void PingStreams()
    {
        foreach (var connection in _connections.Keys) connection.Send(Push(new LighterStreamMessage("ping", null)));
    }

    private sealed record StreamRequest(string? Type, string? Channel, string? Auth);

    private Task AcceptStreamAsync(HttpContext context) =>
        _streams.ServeAsync(context, connection =>
        {
            if (GreetStreams) connection.Send(Push(new LighterStreamMessage("connected", null)));
            _connections[connection] = 0;
            connection.Closed.Register(() => _connections.TryRemove(connection, out _));
            return [];
        }, (message, connection) =>
        {
            var request = JsonSerializer.Deserialize<StreamRequest>(message, LighterJson.Options);
            switch (request?.Type)
            {
                case "ping":
                    Interlocked.Increment(ref _pingsReceived);
                    connection.Send(Push(new LighterStreamMessage("pong", null)));
                    return [];
                case "pong":
                    Interlocked.Increment(ref _pongsReceived);
                    return [];
                case "subscribe":
                    return Subscribe(request.Channel ?? "", request.Auth, connection) is { } pump ? [pump] : [];
                default:
                    connection.Send(Push(new LighterStreamMessage("error", null, Error: new LighterError(30012, $"unknown message type {request?.Type}"))));
                    return [];
            }
        });

    private Task? Subscribe(string channel, string? auth, StreamConnection connection)
    {
        var parts = channel.Split('/');
        Func<Task>? pump = parts switch
        {
            ["order_book", var m] when MarketOf(m) is { } market => () => PumpBookAsync(market.Symbol, MarketIdOf(market.Symbol), connection),
            ["account_orders", var m, var a] when MarketOf(m) is { } market && Authorized(a, auth) is { } account =>
                () => PumpOrdersAsync(account, market.Symbol, MarketIdOf(market.Symbol), connection),
            ["account_all_trades", var a] when Authorized(a, auth) is { } account => () => PumpTradesAsync(account, connection),
            _ => null,
        };
        if (pump is null)
        {
            connection.Send(Push(new LighterStreamMessage("error", null, Error: new LighterError(30012, $"subscribe failed: {channel}"))));
            return null;
        }
        return Task.Run(pump, connection.Closed);
    }

    private long? Authorized(string account, string? auth) =>
        Auth.AccountOf(auth, Now) is { } speaksFor && speaksFor.ToString(CultureInfo.InvariantCulture) == account ? speaksFor : null;

    /// <summary>The paper book as Lighter's: the snapshot, then its deltas; a gap in the paper feed shows as a begin_nonce that does not follow.</summary>
    private async Task PumpBookAsync(string paper, int marketId, StreamConnection connection)
    {
        var reader = Exchange.SubscribeBook(paper, out var unsubscribe);
        var channel = $"order_book:{marketId}";
        long? nonce = null;
        try
        {
            await foreach (var e in reader.ReadAllAsync(connection.Closed).ConfigureAwait(false))
            {
                LighterStreamMessage? push = e switch
                {
                    BookSnapshotEvent s when nonce is null => new("subscribed/order_book", channel, Book(s.Bids, s.Asks, s.Sequence, s.Sequence)),
                    BookSnapshotEvent s => new("update/order_book", channel, Book(s.Bids, s.Asks, -1, s.Sequence)), // a resync: a begin_nonce that follows nothing
                    BookDeltaEvent d when nonce is not null => new("update/order_book", channel, Book(d.Bids, d.Asks, d.FirstSequence - 1, d.LastSequence)),
                    _ => null,
                };
                if (push is null) continue;
                nonce = push.OrderBook!.Nonce;
                if (!connection.Send(Push(push))) return;
            }
        }
        catch (OperationCanceledException) { }
        finally
        {
            unsubscribe();
            await connection.Closing.CancelAsync().ConfigureAwait(false); // the client lagged or left: the connection ends
        }
    }

    private static LighterStreamBook Book(BookLevel[] bids, BookLevel[] asks, long beginNonce, long nonce) =>
        new(asks.Select(l => new LighterLevel(l.Price, l.Quantity)).ToArray(), bids.Select(l => new LighterLevel(l.Price, l.Quantity)).ToArray(), nonce, nonce, beginNonce);

    // The account_orders subscribers, told of the orders the venue ends itself (which the paper venue never took).
    private readonly ConcurrentDictionary<object, (long Account, int Market, ChannelWriter<LighterOrder?> Writer)> _orderTaps = new();

    private void PushEndedByVenue(long account, LighterOrder order)
    {
        foreach (var (tapAccount, market, writer) in _orderTaps.Values)
            if (tapAccount == account && market == order.MarketIndex) writer.TryWrite(order);
    }

    /// <summary>The account's orders on a market: the open ones on subscribing, then every change (null in the channel: the paper stream lost track, the connection ends).</summary>
    private async Task PumpOrdersAsync(long account, string paper, int marketId, StreamConnection connection)
    {
        var reader = Exchange.SubscribeAccount(PaperAccount(account), paper, out var unsubscribe);
        var channel = $"account_orders:{marketId}:{account}";
        var key = marketId.ToString(CultureInfo.InvariantCulture);
        var merged = Channel.CreateUnbounded<LighterOrder?>();
        var tap = new object();
        _orderTaps[tap] = (account, marketId, merged.Writer);
        var forward = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in reader.ReadAllAsync(connection.Closed).ConfigureAwait(false))
                {
                    if (e is AccountResyncRequiredEvent) break;
                    if (e is OrderUpdateEvent u) merged.Writer.TryWrite(Wire(u.Order, marketId));
                }
            }
            catch (OperationCanceledException) { }
            merged.Writer.TryWrite(null);
        });
        try
        {
            var open = Exchange.OpenOrders(PaperAccount(account), paper).Select(o => Wire(o, marketId)).ToArray();
            connection.Send(Push(new LighterStreamMessage("subscribed/account_orders", channel, Orders: new() { [key] = open })));
            await foreach (var order in merged.Reader.ReadAllAsync(connection.Closed).ConfigureAwait(false))
            {
                if (order is null) break;
                if (!connection.Send(Push(new LighterStreamMessage("update/account_orders", channel, Orders: new() { [key] = [order] })))) break;
            }
        }
        catch (OperationCanceledException) { }
        finally
        {
            _orderTaps.TryRemove(tap, out _);
            unsubscribe();
            await connection.Closing.CancelAsync().ConfigureAwait(false);
            await forward.ConfigureAwait(false);
        }
    }

    /// <summary>The account's trades on every market, merged.</summary>
    private async Task PumpTradesAsync(long account, StreamConnection connection)
    {
        var channel = $"account_all_trades:{account}";
        var unsubscribes = new List<Action>();
        var merged = Channel.CreateUnbounded<(int Market, AccountEvent Event)>();
        try
        {
            foreach (var market in Perpetuals)
            {
                var id = MarketIdOf(market.Symbol);
                var reader = Exchange.SubscribeAccount(PaperAccount(account), market.Symbol, out var unsubscribe);
                unsubscribes.Add(unsubscribe);
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await foreach (var e in reader.ReadAllAsync(connection.Closed).ConfigureAwait(false)) merged.Writer.TryWrite((id, e));
                    }
                    catch (OperationCanceledException) { }
                    merged.Writer.TryComplete();
                });
            }
            connection.Send(Push(new LighterStreamMessage("subscribed/account_all_trades", channel, Trades: [])));
            var sentWhole = new HashSet<string>(StringComparer.Ordinal); // trades of two of our orders, sent with the first side's fill
            await foreach (var (id, e) in merged.Reader.ReadAllAsync(connection.Closed).ConfigureAwait(false))
            {
                if (e is AccountResyncRequiredEvent) break;
                if (e is not FillEvent f || sentWhole.Remove(f.Fill.TradeId)) continue;
                // The venue tells a trade once, with both sides: the paper venue books both of its fills before it lets go
                // of its lock, so reading the account's fills (under that lock) finds the other side if it is ours too.
                var sameTrade = Exchange.Fills(PaperAccount(account), f.Fill.Symbol, f.Fill.Timestamp).Where(x => x.TradeId == f.Fill.TradeId).ToList();
                if (sameTrade.Count > 1) sentWhole.Add(f.Fill.TradeId);
                var trades = new Dictionary<string, LighterTrade[]> { [id.ToString(CultureInfo.InvariantCulture)] = [Wire(sameTrade.Count > 1 ? sameTrade : [f.Fill], account, id)] };
                if (!connection.Send(Push(new LighterStreamMessage("update/account_all_trades", channel, Trades: trades)))) break;
            }
        }
        catch (OperationCanceledException) { }
        finally
        {
            foreach (var unsubscribe in unsubscribes) unsubscribe();
            await connection.Closing.CancelAsync().ConfigureAwait(false);
        }
    }

    private static string Push(LighterStreamMessage message) => JsonSerializer.Serialize(message, LighterJson.Options);
}
