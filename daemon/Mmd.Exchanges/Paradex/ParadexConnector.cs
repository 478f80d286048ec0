using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Mmd.Exchanges.Shared;
using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;
using static Mmd.Exchanges.Paradex.ParadexMapping;
using ParadexWatch = Mmd.Exchanges.Shared.OrderWatch<Mmd.Exchanges.Paradex.ParadexRpcMessage, Mmd.Exchanges.Paradex.ParadexOrder, string>;
using Mmd.Trading.Collections;

namespace Mmd.Exchanges.Paradex;

/// <summary>
/// Paradex perpetuals behind the connector port: REST for state and orders (<see cref="ParadexRestClient"/>), the public
/// <c>order_book.&lt;market&gt;.snapshot@15@50ms</c> channel in SBE, and the private <c>orders</c> and <c>fills</c> channels
/// in JSON-RPC after a JWT <c>auth</c>. Symbols are the venue's (SOL-USD-PERP). Paradex settles an order and a cancel after
/// answering (201 NEW, 204): a write waits, a short while, for the order to leave NEW (pushed on the market's
/// <see cref="ParadexOrderWatch"/>, read back over REST without one), so the engine learns at once that a post-only crossed
/// or an IOC expired. Streams do not reconnect by themselves: they fail, and the engine subscribes again.
/// </summary>
public sealed class ParadexConnector : IExchangeConnector, ICandleHistory, ISharedRequestBudget
{
    private const string BookFeed = "snapshot@15@50ms";
    private readonly ParadexOptions _options;
    private readonly ParadexRestClient _rest;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly ITimer _clockSync;
    private readonly OrderWatches<ParadexRpcMessage, ParadexOrder, string> _watches;

    public ParadexConnector(ParadexOptions options, ParadexCredentials? credentials, TimeProvider time, HttpMessageHandler? handler = null)
    {
        _options = options;
        _time = time;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = options.RestBaseUrl;
        _rest = new ParadexRestClient(_http, credentials, options, time);
        _clockSync = time.CreateTimer(_ => _ = SyncClockQuietlyAsync(), null, options.ClockSyncInterval, options.ClockSyncInterval);
        _watches = new(time);
    }

    public string Venue => "paradex";

    public ParadexRestClient Rest => _rest;

    public ConnectorCapabilities Capabilities =>
        ConnectorCapabilities.Perpetual | ConnectorCapabilities.PostOnly | ConnectorCapabilities.ReduceOnly | ConnectorCapabilities.ImmediateOrCancel
        | ConnectorCapabilities.MarketOrders | ConnectorCapabilities.CancelByClientId | ConnectorCapabilities.CancelAll
        | ConnectorCapabilities.OrderBookStream | ConnectorCapabilities.AccountStream | ConnectorCapabilities.FillHistory
        | ConnectorCapabilities.QueryOrderByClientId | ConnectorCapabilities.FundingHistory;

    /// <summary>Measures the clock offset, reads the chain id and takes a first JWT: a wrong key fails here, not at the first order.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await _rest.SyncClockAsync(cancellationToken).ConfigureAwait(false);
        await _rest.JwtAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Trading.Primitives.InstrumentSpec>> GetInstrumentsAsync(CancellationToken cancellationToken) =>
        (await _rest.GetMarketsAsync(cancellationToken).ConfigureAwait(false)).Select(Instrument).OfType<Trading.Primitives.InstrumentSpec>().ToList();

    /// <summary>
    /// The venue's resolutions stop at an hour: 4-hour and daily candles are built from hourly ones. At most
    /// <see cref="KlinesPerRead"/> candles are asked for at once.
    /// </summary>
    public async Task<IReadOnlyList<Candle>> GetCandlesAsync(string symbol, TimeSpan interval, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var read = interval <= TimeSpan.FromHours(1) ? interval : TimeSpan.FromHours(1);
        var candles = await CandleIntervals.ReadPagedAsync(read, CandleIntervals.Floor(since, interval), until, KlinesPerRead, async (start, end, ct) =>
            // end_at is inclusive: the last millisecond before the window's end.
            (await _rest.GetKlinesAsync(symbol, (int)read.TotalMinutes, start, end.AddMilliseconds(-1), ct).ConfigureAwait(false))
                .Select(WireCandles.Parse).ToList(), cancellationToken).ConfigureAwait(false);
        // Read from the start of the interval that holds since, so its candle is whole; then only those from since on.
        return (read == interval ? candles : CandleIntervals.Aggregate(candles, interval)).Where(c => c.Time >= since).ToList();
    }

    public const int KlinesPerRead = 1000;

    /// <summary>The account's tokens; of the settlement token, what is not free collateral is held as margin.</summary>
    public async Task<IReadOnlyList<Balance>> GetBalancesAsync(CancellationToken cancellationToken)
    {
        var balances = await _rest.GetBalancesAsync(cancellationToken).ConfigureAwait(false);
        var account = await _rest.GetAccountAsync(cancellationToken).ConfigureAwait(false);
        return balances.Select(b => b.Token == "USDC"
            ? new Balance(b.Token, Math.Min(b.Size, account.FreeCollateral), Math.Max(0m, b.Size - account.FreeCollateral))
            : new Balance(b.Token, b.Size, 0m)).ToList();
    }

    public async Task<IReadOnlyList<Position>> GetPositionsAsync(CancellationToken cancellationToken) =>
        (await _rest.GetPositionsAsync(cancellationToken).ConfigureAwait(false))
            .Where(p => p.Status == "OPEN" && p.Size != 0)
            .Select(p => new Position(p.Market, p.Size, p.AverageEntryPrice, MarkOf(p), p.UnrealizedPnl)).ToList();

    public async Task<IReadOnlyList<VenueOrder>> GetOpenOrdersAsync(string symbol, CancellationToken cancellationToken) =>
        (await _rest.GetOpenOrdersAsync(symbol, cancellationToken).ConfigureAwait(false)).Select(ToVenueOrder).ToList();

    public async Task<VenueOrder?> GetOrderAsync(string symbol, string clientOrderId, CancellationToken cancellationToken) =>
        await _rest.GetOrderByClientIdAsync(symbol, clientOrderId, cancellationToken).ConfigureAwait(false) is { } order ? ToVenueOrder(order) : null;

    /// <summary>
    /// Signs and places the order, then waits for the venue to settle it: a post-only that would cross, a reduce-only that
    /// would grow the position and the like come back CLOSED with a <c>cancel_reason</c>, and are reported refused.
    /// </summary>
    public async Task<PlaceOrderResult> PlaceOrderAsync(PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        if (request.TimeInForce == TimeInForce.Fok)
            return PlaceOrderResult.Rejected(RejectCode.Other, "Paradex has no fill-or-kill orders (IOC, GTC and post-only only)");
        var watch = await WatchAsync(request.Symbol, cancellationToken).ConfigureAwait(false);
        ParadexOrder placed;
        try
        {
            placed = await _rest.PlaceOrderAsync(request.Symbol, request.Side, ToWire(request.Type), request.Quantity,
                request.Type == OrderType.Limit ? request.Price ?? throw new ArgumentException("a limit order needs a price") : null,
                Instruction(request.TimeInForce, request.PostOnly), request.ClientOrderId, request.ReduceOnly, cancellationToken, request.Withdrawal).ConfigureAwait(false);
        }
        catch (ParadexApiException e)
        {
            return PlaceOrderResult.Rejected(RejectCodeOf(e.Code), e.Message);
        }
        catch (ParadexOutcomeUnknownException e)
        {
            return PlaceOrderResult.Unknown(e.Message);
        }
        var settled = await SettleAsync(request.Symbol, watch, w => w.ByVenueId(placed.Id), ct => _rest.GetOrderAsync(placed.Id, ct), o => o.Status != New, placed,
            cancellationToken).ConfigureAwait(false) ?? placed;
        return settled.Status == Closed && RefusalOf(settled.CancelReason) is not RejectCode.None and var refusal && settled.RemainingSize == settled.Size
            ? PlaceOrderResult.Rejected(refusal, $"Paradex closed the order: {settled.CancelReason}")
            : PlaceOrderResult.Accepted(ToVenueOrder(settled));
    }

    /// <summary>Cancels by venue id or client id (a 204: the cancel is queued), then waits for the order to be closed.</summary>
    public async Task<CancelOrderResult> CancelOrderAsync(CancelOrderRequest request, CancellationToken cancellationToken)
    {
        if (request.VenueOrderId is null && request.ClientOrderId is null)
            return new CancelOrderResult(CommandOutcome.Rejected, null, RejectCode.OrderNotFound, "neither a venue order id nor a client order id");
        var watch = await WatchAsync(request.Symbol, cancellationToken).ConfigureAwait(false);
        try
        {
            if (request.VenueOrderId is { } id) await _rest.CancelOrderAsync(id, cancellationToken).ConfigureAwait(false);
            else await _rest.CancelOrderByClientIdAsync(request.Symbol, request.ClientOrderId!, cancellationToken).ConfigureAwait(false);
        }
        catch (ParadexApiException e)
        {
            return new CancelOrderResult(CommandOutcome.Rejected, null, RejectCodeOf(e.Code), e.Message);
        }
        catch (ParadexOutcomeUnknownException e)
        {
            return new CancelOrderResult(CommandOutcome.Unknown, null, RejectCode.None, e.Message);
        }
        var order = request.VenueOrderId is { } venueId
            ? await SettleAsync(request.Symbol, watch, w => w.ByVenueId(venueId), ct => _rest.GetOrderAsync(venueId, ct), o => o.Status == Closed, null,
                cancellationToken).ConfigureAwait(false)
            : await SettleAsync(request.Symbol, watch, w => w.ByClientId(request.ClientOrderId!),
                ct => _rest.GetOrderByClientIdAsync(request.Symbol, request.ClientOrderId!, ct), o => o.Status == Closed, null, cancellationToken).ConfigureAwait(false);
        return new CancelOrderResult(CommandOutcome.Accepted, order is null ? null : ToVenueOrder(order));
    }

    /// <summary>
    /// With a prefix: cancels this instance's open orders one by one (the venue's cancel-all would take every order on the
    /// market, other instances' and the operator's too). Without one: the venue's whole-market cancel, for an operator.
    /// </summary>
    public async Task<int> CancelAllAsync(string symbol, string? clientOrderIdPrefix, CancellationToken cancellationToken)
    {
        var open = await _rest.GetOpenOrdersAsync(symbol, cancellationToken).ConfigureAwait(false);
        if (clientOrderIdPrefix is null)
        {
            await _rest.CancelAllOnMarketAsync(symbol, cancellationToken).ConfigureAwait(false);
            return open.Length;
        }
        var cancelled = 0;
        foreach (var order in open.Where(o => o.ClientId?.StartsWith(clientOrderIdPrefix, StringComparison.Ordinal) == true))
        {
            try
            {
                await _rest.CancelOrderAsync(order.Id, cancellationToken).ConfigureAwait(false);
                cancelled++;
            }
            catch (Exception e) when (e is ParadexApiException or ParadexOutcomeUnknownException)
            {
                // Refused (already closed) or unknown: whatever still rests shows in the caller's next listing.
            }
        }
        return cancelled;
    }

    public async Task<IReadOnlyList<VenueFill>> GetFillsAsync(string symbol, DateTimeOffset since, CancellationToken cancellationToken) =>
        (await _rest.GetFillsAsync(symbol, since, cancellationToken).ConfigureAwait(false))
            .Where(f => FromMillis(f.CreatedAt) >= since).OrderBy(f => f.CreatedAt).Select(ToVenueFill).ToList();

    /// <summary>
    /// Paradex has no settlements: funding accrues on a position and is realized when the position changes, on the fill
    /// that changes it (its <c>realized_funding</c>). Each fill that realized some is a payment, made by the order filled.
    /// </summary>
    public async Task<IReadOnlyList<FundingPayment>> GetFundingPaymentsAsync(string symbol, DateTimeOffset since, CancellationToken cancellationToken) =>
        (await _rest.GetFillsAsync(symbol, since, cancellationToken).ConfigureAwait(false))
            .Where(f => f.RealizedFunding != 0m && FromMillis(f.CreatedAt) >= since).OrderBy(f => f.CreatedAt)
            .Select(f => new FundingPayment("fill-" + f.Id, f.Market, FromMillis(f.CreatedAt), 0m, 0m, 0m, f.RealizedFunding, RealizedOnOrder: f.ClientId ?? ""))
            .ToList();

    /// <summary>
    /// The top-15 snapshot feed in SBE: the first snapshot as it is, each later one as the levels that changed (numbered
    /// here, one after another: the venue's seq_no is not contiguous). An unchanged snapshot, or a silence of the quiet
    /// interval on a connection that answers, is a <see cref="BookAliveEvent"/>.
    /// </summary>
    public async IAsyncEnumerable<MarketDataEvent> StreamOrderBookAsync(string symbol, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var url = new Uri(_options.WebSocketUrl + (_options.WebSocketUrl.Query.Length > 0 ? "&" : "?") + "sbeSchemaId=1&sbeSchemaVersion=1");
        var subscribe = ParadexRpc.Request(1, "subscribe", new { channel = $"order_book.{symbol}.{BookFeed}" });
        await using var socket = await VenueWebSocket<ParadexSbe.BookEvent>.ConnectAsync(url, [subscribe], static (frame, type) => ParseBookFrame(frame, type),
            _options.RequestTimeout, _options.Streams, cancellationToken).ConfigureAwait(false);
        Dictionary<decimal, decimal>? bids = null, asks = null;
        long sequence = 0;
        var lastSent = _time.GetUtcNow();
        await foreach (var book in QuietMarks.ReadAsync(socket.Messages, _options.Streams.QuietInterval, _time, () => socket.IsOpen, cancellationToken).ConfigureAwait(false))
        {
            var now = _time.GetUtcNow();
            if (book is null)
            {
                lastSent = now;
                yield return new BookAliveEvent(symbol, now);
                continue;
            }
            if (book.Market != symbol) continue;
            // The snapshot feed sends snapshots only; anything else is a feed this connector did not ask for.
            if (!book.IsSnapshot) throw new InvalidOperationException($"Paradex sent a book delta on the snapshot feed of {symbol}");
            if (bids is null || asks is null)
            {
                bids = book.Bids.ToDictionary(l => l.Price, l => l.Quantity);
                asks = book.Asks.ToDictionary(l => l.Price, l => l.Quantity);
                lastSent = now;
                yield return new BookSnapshotEvent(symbol, ++sequence, book.Bids, book.Asks, book.Time);
                continue;
            }
            var bidChanges = Changes(bids, book.Bids);
            var askChanges = Changes(asks, book.Asks);
            if (bidChanges.Length == 0 && askChanges.Length == 0)
            {
                if (now - lastSent >= _options.Streams.QuietInterval) { lastSent = now; yield return new BookAliveEvent(symbol, now); }
                continue;
            }
            sequence++;
            lastSent = now;
            yield return new BookDeltaEvent(symbol, sequence, sequence, bidChanges, askChanges, book.Time);
        }
    }

    /// <summary>
    /// The private <c>orders.&lt;market&gt;</c> and <c>fills.&lt;market&gt;</c> channels after a JWT <c>auth</c>. Whatever happened
    /// before the subscriptions were confirmed is read back over REST (the first event says so).
    /// </summary>
    public async IAsyncEnumerable<AccountEvent> StreamAccountAsync(string symbol, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var jwt = await _rest.JwtAsync(cancellationToken).ConfigureAwait(false);
        await using var socket = await VenueWebSocket<ParadexRpcMessage>.ConnectAsync(_options.WebSocketUrl,
            [ParadexRpc.Request(0, "auth", new { bearer = jwt }), ParadexRpc.Request(1, "subscribe", new { channel = "orders." + symbol }),
                ParadexRpc.Request(2, "subscribe", new { channel = "fills." + symbol })],
            static (frame, _) => ParadexRpc.Parse(frame), _options.RequestTimeout, _options.Streams, cancellationToken).ConfigureAwait(false);
        var confirmed = 0;
        var seenFills = new RecentSet<(string Id, string Side)>(10_000); // should a trade of two of our own orders share its id, it is a fill of each side
        await foreach (var message in socket.Messages.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (message.Id is { } id && message.Method is null)
            {
                if (id >= 1 && ++confirmed == 2) yield return new AccountResyncRequiredEvent("account stream connected", _time.GetUtcNow());
                continue;
            }
            if (message is not { Method: "subscription", Params: { } p }) continue;
            var now = _time.GetUtcNow();
            if (p.Channel.StartsWith("fills.", StringComparison.Ordinal))
            {
                var fill = p.Data.Deserialize<ParadexFill>(ParadexJson.Options)!;
                if (fill.Market != symbol || !seenFills.Add((fill.Id, fill.Side))) continue; // the venue may repeat an event; a fill counts once
                yield return new FillEvent(ToVenueFill(fill), now);
            }
            else if (p.Channel.StartsWith("orders.", StringComparison.Ordinal))
            {
                var order = p.Data.Deserialize<ParadexOrder>(ParadexJson.Options)!;
                if (order.Market == symbol) yield return new OrderUpdateEvent(ToVenueOrder(order), now);
            }
        }
    }

    public RequestGates RequestGates => _rest.Gates;

    public async ValueTask DisposeAsync()
    {
        await _clockSync.DisposeAsync().ConfigureAwait(false);
        await _watches.DisposeAsync().ConfigureAwait(false);
        _rest.Dispose();
        _http.Dispose();
    }

    /// <summary>How the venue executed a write: pushed on the market's order watch, else read back (<see cref="OrderWatches{TMessage,TOrder,TKey}.SettleAsync"/>).</summary>
    private Task<ParadexOrder?> SettleAsync(string market, ParadexWatch? watch, Func<ParadexWatch, ParadexOrder?> pushed,
        Func<CancellationToken, Task<ParadexOrder?>> readBack, Func<ParadexOrder, bool> settled, ParadexOrder? known, CancellationToken cancellationToken) =>
        _watches.SettleAsync(market, watch, pushed, readBack, settled, known, static e => e is ParadexApiException or ParadexOutcomeUnknownException, cancellationToken);

    /// <summary>The market's order watch, opened on first use and again after it failed; null when it cannot be opened (writes then read back over REST).</summary>
    private Task<ParadexWatch?> WatchAsync(string market, CancellationToken cancellationToken) =>
        _watches.ForAsync(market, async ct =>
        {
            string jwt;
            try
            {
                jwt = await _rest.JwtAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ParadexApiException or ParadexOutcomeUnknownException)
            {
                return null; // the write meets the same refusal and reports it
            }
            return await ParadexOrderWatch.OpenAsync(_options, market, jwt, _time, ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>The levels whose size changed (0 for those gone), and the held side updated to <paramref name="levels"/>.</summary>
    private static BookLevel[] Changes(Dictionary<decimal, decimal> held, BookLevel[] levels)
    {
        var changes = held.Keys.Where(p => levels.All(l => l.Price != p)).Select(p => new BookLevel(p, 0m)).ToList();
        changes.AddRange(levels.Where(l => !held.TryGetValue(l.Price, out var q) || q != l.Quantity));
        held.Clear();
        foreach (var l in levels) held[l.Price] = l.Quantity;
        return [.. changes];
    }

    /// <summary>A binary frame is SBE (books only; other templates are skipped); a text frame is JSON-RPC: an error fails the stream.</summary>
    private static ParadexSbe.BookEvent? ParseBookFrame(ReadOnlyMemory<byte> frame, WebSocketMessageType type)
    {
        if (type == WebSocketMessageType.Binary)
            return ParadexSbe.TemplateOf(frame.Span) == ParadexSbe.BookTemplate ? ParadexSbe.DecodeBook(frame.Span) : null;
        ParadexRpc.Parse(frame);
        return null;
    }

    private static decimal MarkOf(ParadexPosition p) =>
        p.Size == 0 ? p.AverageEntryPrice : p.AverageEntryPrice + p.UnrealizedPnl / p.Size;

    private async Task SyncClockQuietlyAsync()
    {
        try
        {
            await _rest.SyncClockAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ParadexApiException or ParadexOutcomeUnknownException or JsonException)
        {
            // The last offset stays in force; the next tick measures again.
        }
    }
}
