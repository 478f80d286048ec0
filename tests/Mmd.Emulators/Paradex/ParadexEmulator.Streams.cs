using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Mmd.Emulators.Streams;
using Mmd.Exchanges.Paradex;
using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;

namespace Mmd.Emulators.Paradex;

// The WebSocket API on /v1 (exchanges.md §3.5): JSON-RPC 2.0 requests (auth with the JWT, subscribe), answered by id;
// pushes as {"method":"subscription","params":{"channel","data"}}. The public order book goes out as SBE BookEvent frames
// (schema 1; a connection must ask for it with ?sbeSchemaId=1), a full top-15 snapshot each time the book changes; the
// private orders and fills channels stay JSON and need the auth first.
public sealed partial class ParadexEmulator
{
    private const int BookDepth = 15;
    private const int BookBlockLength = 89;
    private const long NullMantissa = long.MinValue;

    // Who follows which orders channel (connection and channel -> account), for the pushes only the emulator makes.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(StreamConnection Connection, string Channel), string> _orderChannels = new();
    private int _orderSubscriptions;

    /// <summary>How many <c>orders</c> subscriptions the venue has taken.</summary>
    public int OrderSubscriptions => Volatile.Read(ref _orderSubscriptions);

    /// <summary>Fault: when false, the <c>orders</c> channel stays open but pushes nothing (a venue that stopped following the account).</summary>
    public bool PushOrderUpdates { get; set; } = true;

    private sealed record RpcRequest(string? Method, JsonElement? Params, long? Id);

    private sealed class Session(bool sbe)
    {
        public bool Sbe => sbe;
        public string? Account { get; set; }
    }

    private Task AcceptStreamAsync(HttpContext context)
    {
        var session = new Session(context.Request.Query["sbeSchemaId"].ToString() == "1");
        return _streams.ServeAsync(context, _ => [], (message, connection) =>
        {
            var request = JsonSerializer.Deserialize<RpcRequest>(message, ParadexJson.Options);
            if (request is null) return [];
            switch (request.Method)
            {
                case "auth":
                    var bearer = request.Params is { } p && p.TryGetProperty("bearer", out var b) ? b.GetString() : null;
                    session.Account = Auth.AccountOf(bearer, Now);
                    connection.Send(session.Account is null ? RpcError(request.Id, 40111, "invalid bearer") : RpcResult(request.Id, new { node_id = "emulator" }));
                    return [];
                case "subscribe":
                    var channel = request.Params is { } q && q.TryGetProperty("channel", out var c) ? c.GetString() ?? "" : "";
                    return Subscribe(channel, request.Id, session, connection) is { } pump ? [pump] : [];
                default:
                    connection.Send(RpcError(request.Id, -32601, "method not found"));
                    return [];
            }
        });
    }

    private Task? Subscribe(string channel, long? id, Session session, StreamConnection connection)
    {
        var parts = channel.Split('.', 3);
        var paper = parts.Length >= 2 ? PaperSymbol(parts[1]) : null;
        if (paper is null)
        {
            connection.Send(RpcError(id, -32602, $"invalid channel {channel}"));
            return null;
        }
        Func<Task> pump;
        switch (parts[0])
        {
            case "order_book" when parts.Length == 3 && parts[2].StartsWith("snapshot@", StringComparison.Ordinal):
                if (!session.Sbe)
                {
                    connection.Send(RpcError(id, -32602, "public channels require SBE: connect with ?sbeSchemaId=1&sbeSchemaVersion=1"));
                    return null;
                }
                pump = () => PumpBookAsync(paper, connection);
                break;
            case "orders" or "fills" when parts.Length == 2:
                if (session.Account is not { } account)
                {
                    connection.Send(RpcError(id, 40110, "authenticate first"));
                    return null;
                }
                // Subscribed before the answer goes out: whatever the client does once it has the answer is pushed to it.
                var fills = parts[0] == "fills";
                var reader = Exchange.SubscribeAccount(account, paper, out var unsubscribe);
                if (!fills)
                {
                    _orderChannels[(connection, channel)] = account;
                    Interlocked.Increment(ref _orderSubscriptions);
                }
                pump = () => PumpAccountAsync(reader, () =>
                {
                    unsubscribe();
                    _orderChannels.TryRemove((connection, channel), out _);
                }, channel, fills, account, connection);
                break;
            default:
                connection.Send(RpcError(id, -32602, $"invalid channel {channel}"));
                return null;
        }
        connection.Send(RpcResult(id, new { channel }));
        return Task.Run(pump, CancellationToken.None); // it runs even on a connection already closed, to let go of its subscription
    }

    /// <summary>
    /// Pushes an order the venue closed on taking it (a post-only that would cross, a reduce-only that would grow the
    /// position) to the account's <c>orders</c> subscribers, as Paradex does: the paper venue refused those orders, so no
    /// update of theirs comes from it.
    /// </summary>
    private void PushClosed(string account, ParadexOrder order)
    {
        var channel = "orders." + order.Market;
        var push = JsonSerializer.Serialize(new { jsonrpc = "2.0", method = "subscription", @params = new { channel, data = order } }, ParadexJson.Options);
        if (!PushOrderUpdates) return;
        foreach (var ((connection, subscribed), owner) in _orderChannels)
            if (owner == account && subscribed == channel) connection.Send(push);
    }

    /// <summary>A SBE snapshot of the top 15 levels each time the paper book changes them.</summary>
    private async Task PumpBookAsync(string paper, StreamConnection connection)
    {
        var reader = Exchange.SubscribeBook(paper, out var unsubscribe);
        var mirror = new BookMirror();
        (BookLevel[] Bids, BookLevel[] Asks)? sent = null;
        try
        {
            await foreach (var e in reader.ReadAllAsync(connection.Closed).ConfigureAwait(false))
            {
                if (e is not (BookSnapshotEvent or BookDeltaEvent)) continue;
                mirror.Apply(e);
                var top = mirror.Top(BookDepth);
                if (sent is { } last && last.Bids.SequenceEqual(top.Bids) && last.Asks.SequenceEqual(top.Asks)) continue;
                sent = top;
                if (!connection.Send(OutboundFrame.FromBinary(EncodeBook(ParadexSymbol(paper), mirror.Sequence * 10, Now, top.Bids, top.Asks)))) return;
            }
        }
        catch (OperationCanceledException) { }
        finally
        {
            unsubscribe();
            await connection.Closing.CancelAsync().ConfigureAwait(false); // the client lagged or left: the connection ends
        }
    }

    /// <summary>The account's order updates (the <c>orders</c> channel) or fills (the <c>fills</c> channel) on one market.</summary>
    private async Task PumpAccountAsync(System.Threading.Channels.ChannelReader<AccountEvent> reader, Action unsubscribe, string channel, bool fills,
        string account, StreamConnection connection)
    {
        try
        {
            await foreach (var e in reader.ReadAllAsync(connection.Closed).ConfigureAwait(false))
            {
                if (e is AccountResyncRequiredEvent) break;
                object? data = (e, fills) switch
                {
                    (FillEvent f, true) => Wire(f.Fill, account),
                    (OrderUpdateEvent u, false) when PushOrderUpdates => Wire(u.Order),
                    _ => null,
                };
                if (data is null) continue;
                var push = JsonSerializer.Serialize(new { jsonrpc = "2.0", method = "subscription", @params = new { channel, data } }, ParadexJson.Options);
                if (!connection.Send(push)) break;
            }
        }
        catch (OperationCanceledException) { }
        finally
        {
            unsubscribe();
            await connection.Closing.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A BookEvent (template 3, schema 1 version 1) as paradex_1_0.xml lays it out: header, 89-byte block, bids, asks, market.</summary>
    public static byte[] EncodeBook(string market, long sequence, DateTimeOffset time, IReadOnlyList<BookLevel> bids, IReadOnlyList<BookLevel> asks)
    {
        var name = Encoding.UTF8.GetBytes(market);
        var frame = new byte[8 + BookBlockLength + 4 + 16 * bids.Count + 4 + 16 * asks.Count + 1 + name.Length];
        var span = frame.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(span, BookBlockLength);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], 3);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], 1);
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], (time - DateTimeOffset.UnixEpoch).Ticks / 10);
        BinaryPrimitives.WriteInt64LittleEndian(span[16..], sequence);
        span[24] = 0; // SNAPSHOT
        for (var i = 0; i < 9; i++) BinaryPrimitives.WriteInt64LittleEndian(span[(25 + 8 * i)..], NullMantissa); // interactive and API best prices
        var at = 8 + BookBlockLength;
        foreach (var side in new[] { bids, asks })
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span[at..], 16);
            BinaryPrimitives.WriteUInt16LittleEndian(span[(at + 2)..], (ushort)side.Count);
            at += 4;
            foreach (var level in side)
            {
                BinaryPrimitives.WriteInt64LittleEndian(span[at..], Mantissa(level.Price));
                BinaryPrimitives.WriteInt64LittleEndian(span[(at + 8)..], Mantissa(level.Quantity));
                at += 16;
            }
        }
        span[at] = (byte)name.Length;
        name.CopyTo(span[(at + 1)..]);
        return frame;
    }

    private static long Mantissa(decimal value) => (long)(value * 100_000_000m);

    private static string RpcResult(long? id, object result) => JsonSerializer.Serialize(new { jsonrpc = "2.0", result, id });

    private static string RpcError(long? id, int code, string message) => JsonSerializer.Serialize(new { jsonrpc = "2.0", error = new { code, message }, id });
}
