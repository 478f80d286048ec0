using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Mmd.Exchanges.Shared;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;
using static Mmd.Exchanges.Aster.AsterMapping;
using Mmd.Trading.Collections;

namespace Mmd.Exchanges.Aster;

/// <summary>
/// Aster perpetual futures behind the connector port: REST for state and orders (<see cref="AsterRestClient"/>), the
/// combined stream for <c>&lt;symbol&gt;@depth@100ms</c> and <c>@bookTicker</c>, and the listen-key user stream for
/// <c>ORDER_TRADE_UPDATE</c>. Symbols are the venue's (SOLUSDT). Streams do not reconnect by themselves: they fail, and
/// the engine subscribes again with its capped backoff and catches up over REST. A first order on a symbol arms the
/// venue's dead-man's switch (<see cref="Shared.DeadManSwitch"/>, one per symbol), so a worker that dies leaves nothing resting for long.
/// </summary>
public sealed class AsterConnector : IExchangeConnector, ICandleHistory, ISharedRequestBudget
{
    private const int TradePage = 1000;
    private const int KnownOrdersKept = 50_000;
    private readonly AsterOptions _options;
    private readonly AsterRestClient _rest;
    private readonly AsterRequestSigner? _signer;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly ITimer _clockSync;
    private readonly DeadManSwitch _deadMan;
    // Aster's trades carry the venue's order id, not ours: the client id of every order seen, by venue id.
    private readonly ConcurrentDictionary<long, string?> _clientIds = new();

    public AsterConnector(AsterOptions options, AsterCredentials? credentials, TimeProvider time, HttpMessageHandler? handler = null)
    {
        _options = options;
        _time = time;
        _signer = credentials is null ? null : new AsterRequestSigner(credentials, time, options.RecvWindow);
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = options.RestBaseUrl;
        _rest = new AsterRestClient(_http, _signer, options, time);
        _deadMan = new DeadManSwitch(new DeadManSwitchVenue(
            (symbol, countdown, ct) => _rest.CountdownCancelAllAsync(symbol, countdown, ct),
            (symbol, ct) => _rest.CountdownCancelAllAsync(symbol, TimeSpan.Zero, ct),
            e => e is AsterApiException,
            e => e is AsterApiException or AsterOutcomeUnknownException or HttpRequestException), options.DeadManCountdown, time);
        _clockSync = time.CreateTimer(_ => _ = SyncClockQuietlyAsync(), null, options.ClockSyncInterval, options.ClockSyncInterval);
    }

    public string Venue => "aster";

    public AsterRestClient Rest => _rest;

    public DeadManSwitchStatus? DeadManSwitchStatus => _deadMan.Status;

    public ConnectorCapabilities Capabilities =>
        ConnectorCapabilities.Perpetual | ConnectorCapabilities.PostOnly | ConnectorCapabilities.ReduceOnly | ConnectorCapabilities.ImmediateOrCancel | ConnectorCapabilities.FillOrKill
        | ConnectorCapabilities.MarketOrders | ConnectorCapabilities.CancelByClientId | ConnectorCapabilities.CancelAll
        | ConnectorCapabilities.OrderBookStream | ConnectorCapabilities.AccountStream | ConnectorCapabilities.FillHistory
        | ConnectorCapabilities.QueryOrderByClientId | ConnectorCapabilities.FundingHistory;

    /// <summary>Measures the clock offset and reads the venue's rate limits; the offset is measured again on <see cref="AsterOptions.ClockSyncInterval"/>.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await _rest.SyncClockAsync(cancellationToken).ConfigureAwait(false);
        await _rest.GetExchangeInfoAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<InstrumentSpec>> GetInstrumentsAsync(CancellationToken cancellationToken) =>
        (await _rest.GetExchangeInfoAsync(cancellationToken).ConfigureAwait(false)).Symbols.Select(Instrument).OfType<InstrumentSpec>().ToList();

    /// <summary>The venue answers at most <see cref="KlinesPerRead"/> candles a request: a longer span is read in pages.</summary>
    public Task<IReadOnlyList<Candle>> GetCandlesAsync(string symbol, TimeSpan interval, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken) =>
        CandleIntervals.ReadPagedAsync(interval, since, until, KlinesPerRead, async (start, end, ct) =>
            // endTime is inclusive on the venue: the last millisecond before the window's end.
            (await _rest.GetKlinesAsync(symbol, CandleIntervals.Name(interval), start, end.AddMilliseconds(-1), KlinesPerRead, ct).ConfigureAwait(false))
                .Select(WireCandles.Parse).ToList(), cancellationToken);

    public const int KlinesPerRead = 1500;

    /// <summary>A futures wallet: what is not available is held as margin.</summary>
    public async Task<IReadOnlyList<Balance>> GetBalancesAsync(CancellationToken cancellationToken) =>
        (await _rest.GetBalancesAsync(cancellationToken).ConfigureAwait(false))
            .Select(b => new Balance(b.Asset, b.AvailableBalance, Math.Max(0m, b.Balance - b.AvailableBalance))).ToList();

    /// <summary>Open positions (one-way mode: <c>BOTH</c>; a hedge-mode account's legs are netted).</summary>
    public async Task<IReadOnlyList<Position>> GetPositionsAsync(CancellationToken cancellationToken) =>
        (await _rest.GetPositionsAsync(cancellationToken).ConfigureAwait(false))
            .GroupBy(p => p.Symbol)
            .Select(g => (Symbol: g.Key, Quantity: g.Sum(p => p.PositionAmt), Legs: g.Where(p => p.PositionAmt != 0).ToList()))
            .Where(p => p.Quantity != 0)
            .Select(p => new Position(p.Symbol, p.Quantity, p.Legs[0].EntryPrice, p.Legs[0].MarkPrice, p.Legs.Sum(l => l.UnRealizedProfit))).ToList();

    /// <summary>
    /// Orders found resting arm the dead-man's switch: a worker that adopts an earlier run's orders may place none of its
    /// own for a while, and they must be guarded (and the switch renewed, then turned off at the stop) all the same.
    /// </summary>
    public async Task<IReadOnlyList<VenueOrder>> GetOpenOrdersAsync(string symbol, CancellationToken cancellationToken)
    {
        var open = (await _rest.GetOpenOrdersAsync(symbol, cancellationToken).ConfigureAwait(false)).Select(ToVenueOrder).ToList();
        if (open.Count > 0) await _deadMan.ArmAsync(symbol, cancellationToken).ConfigureAwait(false);
        return open;
    }

    /// <summary>Aster's order query answers for filled and cancelled orders too: null means the venue never took it.</summary>
    public async Task<VenueOrder?> GetOrderAsync(string symbol, string clientOrderId, CancellationToken cancellationToken) =>
        await _rest.GetOrderAsync(symbol, clientOrderId, cancellationToken).ConfigureAwait(false) is { } order ? ToVenueOrder(order) : null;

    public async Task<PlaceOrderResult> PlaceOrderAsync(PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await _deadMan.ArmAsync(request.Symbol, cancellationToken).ConfigureAwait(false);
            return PlaceOrderResult.Accepted(ToVenueOrder(await _rest.PlaceOrderAsync(OrderParameters(request), cancellationToken, request.Withdrawal).ConfigureAwait(false)));
        }
        catch (AsterApiException e)
        {
            return PlaceOrderResult.Rejected(RejectCodeOf(e.Code), e.Message);
        }
        catch (AsterOutcomeUnknownException e)
        {
            return PlaceOrderResult.Unknown(e.Message);
        }
    }

    /// <summary>
    /// Places up to 5 orders in one request (<c>batchOrders</c>); each result is matched back to its order by position,
    /// as the venue answers. An unknown outcome of the request is an unknown outcome of every order in it.
    /// </summary>
    public async Task<IReadOnlyList<PlaceOrderResult>> PlaceOrdersAsync(IReadOnlyList<PlaceOrderRequest> requests, CancellationToken cancellationToken)
    {
        if (requests.Count == 0) return [];
        try
        {
            foreach (var symbol in requests.Select(r => r.Symbol).Distinct()) await _deadMan.ArmAsync(symbol, cancellationToken).ConfigureAwait(false);
            var answers = await _rest.PlaceOrdersAsync(requests.Select(OrderParameters).ToList(), cancellationToken).ConfigureAwait(false);
            if (answers.Length != requests.Count) return requests.Select(_ => PlaceOrderResult.Unknown($"the venue answered {answers.Length} results for {requests.Count} orders")).ToList();
            return answers.Select(a => a.TryGetProperty("code", out var code) && a.TryGetProperty("msg", out var msg)
                ? PlaceOrderResult.Rejected(RejectCodeOf(code.GetInt32()), msg.GetString() ?? "refused")
                : PlaceOrderResult.Accepted(ToVenueOrder(a.Deserialize<AsterOrder>(AsterJson.Options)!))).ToList();
        }
        catch (AsterApiException e)
        {
            return requests.Select(_ => PlaceOrderResult.Rejected(RejectCodeOf(e.Code), e.Message)).ToList();
        }
        catch (AsterOutcomeUnknownException e)
        {
            return requests.Select(_ => PlaceOrderResult.Unknown(e.Message)).ToList();
        }
    }

    public async Task<CancelOrderResult> CancelOrderAsync(CancelOrderRequest request, CancellationToken cancellationToken)
    {
        long? orderId = null;
        if (request.VenueOrderId is not null)
        {
            if (!long.TryParse(request.VenueOrderId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                return new CancelOrderResult(CommandOutcome.Rejected, null, RejectCode.OrderNotFound, $"'{request.VenueOrderId}' is not an Aster order id");
            orderId = id;
        }
        else if (request.ClientOrderId is null)
        {
            return new CancelOrderResult(CommandOutcome.Rejected, null, RejectCode.OrderNotFound, "neither a venue order id nor a client order id");
        }
        try
        {
            var order = await _rest.CancelOrderAsync(request.Symbol, orderId, request.ClientOrderId, cancellationToken).ConfigureAwait(false);
            return new CancelOrderResult(CommandOutcome.Accepted, ToVenueOrder(order));
        }
        catch (AsterApiException e)
        {
            return new CancelOrderResult(CommandOutcome.Rejected, null, RejectCodeOf(e.Code), e.Message);
        }
        catch (AsterOutcomeUnknownException e)
        {
            return new CancelOrderResult(CommandOutcome.Unknown, null, RejectCode.None, e.Message);
        }
    }

    /// <summary>
    /// With a prefix: cancels this instance's open orders, ten to a request (<c>DELETE batchOrders</c> by client id: the
    /// venue's cancel-all would take every order on the symbol, other instances' and the operator's too). Without one: the
    /// venue's whole-symbol cancel, for an operator. A batch whose outcome is unknown is settled by the next listing.
    /// </summary>
    public async Task<int> CancelAllAsync(string symbol, string? clientOrderIdPrefix, CancellationToken cancellationToken)
    {
        var open = await GetOpenOrdersAsync(symbol, cancellationToken).ConfigureAwait(false);
        if (clientOrderIdPrefix is null)
        {
            await _rest.CancelAllOnSymbolAsync(symbol, cancellationToken).ConfigureAwait(false);
            return open.Count;
        }
        var own = open.Select(o => o.ClientOrderId).OfType<string>().Where(id => id.StartsWith(clientOrderIdPrefix, StringComparison.Ordinal)).ToList();
        var cancelled = 0;
        foreach (var batch in own.Chunk(10))
        {
            try
            {
                var answers = await _rest.CancelOrdersAsync(symbol, batch, cancellationToken).ConfigureAwait(false);
                cancelled += answers.Count(a => !a.TryGetProperty("code", out _) && a.TryGetProperty("orderId", out _));
            }
            catch (Exception e) when (e is AsterApiException or AsterOutcomeUnknownException)
            {
                // Refused or unknown as a whole: whatever still rests shows in the caller's next listing.
            }
        }
        return cancelled;
    }

    /// <summary>
    /// Our trades from <paramref name="since"/>, oldest first: the first page by start time, the next ones by trade id.
    /// A trade names the venue's order id only; an order this connector has not seen is looked up once for its client id.
    /// </summary>
    public async Task<IReadOnlyList<VenueFill>> GetFillsAsync(string symbol, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var fills = new List<VenueFill>();
        var page = await _rest.GetUserTradesAsync(symbol, since, TradePage, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            foreach (var trade in page.Where(t => FromMillis(t.Time) >= since))
            {
                var clientId = await ClientIdOfAsync(symbol, trade.OrderId, cancellationToken).ConfigureAwait(false);
                fills.Add(new VenueFill(trade.Id.ToString(CultureInfo.InvariantCulture), trade.OrderId.ToString(CultureInfo.InvariantCulture), clientId, trade.Symbol,
                    SideOf(trade.Side), trade.Price, trade.Qty, trade.Commission, trade.CommissionAsset, trade.Maker, FromMillis(trade.Time)));
            }
            if (page.Length < TradePage) return fills;
            page = await _rest.GetUserTradesFromIdAsync(symbol, page[^1].Id + 1, TradePage, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The account's funding fees (<c>income</c>, FUNDING_FEE) with each settlement's rate (<c>fundingRate</c>). Aster
    /// reports neither the position nor the mark a fee settled on, so today's are given, as for Backpack: an instance's
    /// share is then estimated as its position × mark × rate.
    /// </summary>
    public async Task<IReadOnlyList<FundingPayment>> GetFundingPaymentsAsync(string symbol, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var fees = await _rest.GetFundingIncomeAsync(symbol, since, TradePage, cancellationToken).ConfigureAwait(false);
        if (fees.Length == 0) return [];
        var rates = (await _rest.GetFundingRatesAsync(symbol, since.AddMinutes(-1), TradePage, cancellationToken).ConfigureAwait(false))
            .GroupBy(r => r.FundingTime).ToDictionary(g => g.Key, g => g.First().FundingRate);
        var position = (await _rest.GetPositionsAsync(cancellationToken).ConfigureAwait(false)).Where(p => p.Symbol == symbol).ToList();
        var quantity = position.Sum(p => p.PositionAmt);
        var mark = position.FirstOrDefault()?.MarkPrice ?? 0m;
        return fees.Where(f => f.IncomeType == "FUNDING_FEE" && FromMillis(f.Time) >= since).OrderBy(f => f.Time)
            .Select(f => new FundingPayment(f.TranId.ToString(CultureInfo.InvariantCulture), f.Symbol, FromMillis(f.Time), RateAt(rates, f.Time), mark, quantity, f.Income))
            .ToList();
    }

    public async IAsyncEnumerable<MarketDataEvent> StreamOrderBookAsync(string symbol, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var socket = await ConnectStreamAsync(StreamName(symbol, "depth@100ms"), cancellationToken).ConfigureAwait(false);
        // Events buffer in the socket's channel while the snapshot is fetched (again, if it is older than the first event).
        // Aster's update ids are not contiguous: an event follows the last one when its pu is that one's u. So each event
        // covers (pu, u], and the book's own rules do the rest: it drops what the snapshot already holds (u <= lastUpdateId)
        // and calls a gap when pu is past its last u.
        var deltas = socket.ReadBookAsync(symbol, _time, m => ToDelta(symbol, m), cancellationToken);
        await foreach (var e in BookAlignment.AlignAsync(ct => GetDepthSnapshotAsync(symbol, ct), deltas, cancellationToken).ConfigureAwait(false))
            yield return e;
    }

    private async Task<BookSnapshotEvent> GetDepthSnapshotAsync(string symbol, CancellationToken cancellationToken)
    {
        var depth = await _rest.GetDepthAsync(symbol, cancellationToken).ConfigureAwait(false);
        return new BookSnapshotEvent(symbol, depth.LastUpdateId, WireLevels.Parse(depth.Bids), WireLevels.Parse(depth.Asks), FromMillis(depth.TransactionTime));
    }

    private static BookDeltaEvent? ToDelta(string symbol, AsterStreamMessage message)
    {
        var e = message.Data.Deserialize<AsterDepthUpdate>(AsterJson.Options)!;
        return e.Event != "depthUpdate" ? null
            : new BookDeltaEvent(symbol, e.PreviousFinalUpdateId + 1, e.FinalUpdateId, WireLevels.Parse(e.Bids), WireLevels.Parse(e.Asks), FromMillis(e.EventTime));
    }

    /// <summary>The <c>bookTicker</c> stream: the touch only, for tools that need it rather than the book.</summary>
    public async IAsyncEnumerable<AsterBookTicker> StreamBookTickerAsync(string symbol, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var socket = await ConnectStreamAsync(StreamName(symbol, "bookTicker"), cancellationToken).ConfigureAwait(false);
        await foreach (var message in socket.Messages.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            yield return message.Data.Deserialize<AsterBookTicker>(AsterJson.Options)!;
    }

    /// <summary>
    /// The user-data stream of a fresh listen key, kept alive every <see cref="AsterOptions.ListenKeyKeepAlive"/>. The stream
    /// fails when the key expires (<c>listenKeyExpired</c>) or a keep-alive is refused; the engine then subscribes again,
    /// which creates a new key, and reads back over REST what it may have missed.
    /// </summary>
    public async IAsyncEnumerable<AccountEvent> StreamAccountAsync(string symbol, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_signer is null) throw new InvalidOperationException("the account stream needs credentials");
        var listenKey = await _rest.CreateListenKeyAsync(cancellationToken).ConfigureAwait(false);
        await using var socket = await VenueWebSocket<UserStreamMessage>.ConnectAsync(new Uri(_options.WebSocketUrl, "/ws/" + listenKey), null,
            static json => new UserStreamMessage(JsonSerializer.Deserialize<JsonElement>(json.Span)), _options.RequestTimeout, _options.Streams, cancellationToken).ConfigureAwait(false);
        using var keepAlive = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var keeping = KeepAliveAsync(keepAlive.Token);
        // Whatever happened before the stream opened is read back over REST.
        yield return new AccountResyncRequiredEvent("account stream connected", _time.GetUtcNow());
        var seenTrades = new RecentSet<(long TradeId, string Side)>(10_000); // a trade of two of our own orders is a fill of each side
        await foreach (var message in socket.Messages.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (keeping.IsFaulted) throw new InvalidOperationException("the listen key could not be kept alive", keeping.Exception!.InnerException);
            var json = message.Json;
            var type = json.TryGetProperty("e", out var e) ? e.GetString() : null;
            if (type == "listenKeyExpired") throw new InvalidOperationException("the listen key expired");
            if (type != "ORDER_TRADE_UPDATE") continue; // ACCOUNT_UPDATE restates what the fills say; positions are read over REST
            var update = json.Deserialize<AsterOrderTradeUpdate>(AsterJson.Options)!;
            var o = update.Order;
            if (o.Symbol != symbol) continue;
            var time = FromMillis(update.EventTime);
            NoteClientId(o.OrderId, o.ClientOrderId);
            if (o.ExecutionType == "TRADE" && seenTrades.Add((o.TradeId, o.Side)))
            {
                // The venue may repeat an event; a trade is reported once (the tracker checks too).
                yield return new FillEvent(new VenueFill(o.TradeId.ToString(CultureInfo.InvariantCulture), o.OrderId.ToString(CultureInfo.InvariantCulture),
                    o.ClientOrderId, o.Symbol, SideOf(o.Side), o.LastFilledPrice, o.LastFilledQuantity, o.Commission ?? 0m, o.CommissionAsset ?? "", o.IsMaker,
                    FromMillis(o.TradeTime)), time);
            }
            var (tif, postOnly) = TimeInForceOf(o.TimeInForce);
            yield return new OrderUpdateEvent(new VenueOrder(o.OrderId.ToString(CultureInfo.InvariantCulture), o.ClientOrderId, o.Symbol, SideOf(o.Side), OrderTypeOf(o.Type),
                tif, o.Price == 0m ? null : o.Price, o.Quantity, o.FilledQuantity, StatusOf(o.Status), postOnly, o.ReduceOnly, time, time), time);
        }
    }

    public RequestGates RequestGates => _rest.Gates;

    public async ValueTask DisposeAsync()
    {
        await _clockSync.DisposeAsync().ConfigureAwait(false);
        await _deadMan.DisposeAsync().ConfigureAwait(false);
        _rest.Dispose();
        _http.Dispose();
    }

    /// <summary>Keeps the listen key alive until the stream ends; a refused keep-alive fails the stream (the key is gone).</summary>
    private async Task KeepAliveAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_options.ListenKeyKeepAlive, _time, cancellationToken).ConfigureAwait(false);
                await _rest.KeepAliveListenKeyAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
    }

    /// <summary>A combined-stream connection with the stream named in its URL (no SUBSCRIBE to race against).</summary>
    private Task<VenueWebSocket<AsterStreamMessage>> ConnectStreamAsync(string stream, CancellationToken cancellationToken) =>
        VenueWebSocket<AsterStreamMessage>.ConnectAsync(new Uri(_options.WebSocketUrl, "/stream?streams=" + stream), null, static json =>
        {
            var message = JsonSerializer.Deserialize<AsterStreamMessage>(json.Span, AsterJson.Options);
            if (message is { Stream: null, Code: { } code }) throw new AsterApiException(0, code, message.Msg ?? "stream error");
            return message is { Stream: not null } ? message : null; // a SUBSCRIBE's {"result":null,"id"} is not data
        }, _options.RequestTimeout, _options.Streams, cancellationToken);

    /// <summary>One raw event of the user stream (<c>/ws/&lt;listenKey&gt;</c> sends events without an envelope).</summary>
    private sealed record UserStreamMessage(JsonElement Json);

    /// <summary>Stream names carry the symbol in lower case: <c>solusdt@depth@100ms</c>.</summary>
    private static string StreamName(string symbol, string stream) => symbol.ToLowerInvariant() + "@" + stream;

    private static decimal RateAt(Dictionary<long, decimal> rates, long time) =>
        rates.TryGetValue(time, out var rate) ? rate : rates.Where(r => Math.Abs(r.Key - time) <= 1000).Select(r => r.Value).FirstOrDefault();

    private async Task<string?> ClientIdOfAsync(string symbol, long orderId, CancellationToken cancellationToken)
    {
        if (_clientIds.TryGetValue(orderId, out var known)) return known;
        var order = await _rest.GetOrderByIdAsync(symbol, orderId, cancellationToken).ConfigureAwait(false);
        NoteClientId(orderId, order?.ClientOrderId);
        return order?.ClientOrderId;
    }

    private void NoteClientId(long orderId, string? clientOrderId)
    {
        if (_clientIds.Count >= KnownOrdersKept) _clientIds.Clear(); // a cache: a miss costs one order query
        _clientIds[orderId] = clientOrderId;
    }

    /// <summary>The order's parameters in the venue's order; <c>newOrderRespType=RESULT</c> so an IOC's answer is its final state.</summary>
    private IReadOnlyList<(string Name, string Value)> OrderParameters(PlaceOrderRequest r)
    {
        var p = new List<(string, string)>(10)
        {
            ("symbol", r.Symbol),
            ("side", AsterMapping.ToWire(r.Side)),
            ("type", AsterMapping.ToWire(r.Type)),
            ("quantity", Amount(r.Quantity)),
            ("newClientOrderId", r.ClientOrderId),
        };
        if (r.Type == OrderType.Limit)
        {
            p.Add(("price", Amount(r.Price ?? throw new ArgumentException("a limit order needs a price"))));
            p.Add(("timeInForce", AsterMapping.ToWire(r.TimeInForce, r.PostOnly)));
        }
        if (r.ReduceOnly) p.Add(("reduceOnly", "true"));
        // An order that may take (a hedge, a reduction, a close) expires a resting order of the account's that it meets
        // instead of itself, whatever the account's default: the engine keeps our own quotes out of its way, but after a
        // second it goes regardless, and another instance on the account may quote there too. V1 orders cannot say.
        if (!r.PostOnly && _options.Signing == AsterSigning.V3) p.Add(("stpMode", "EXPIRE_MAKER"));
        p.Add(("newOrderRespType", "RESULT"));
        return p;
    }

    private static string Amount(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    private VenueOrder ToVenueOrder(AsterOrder o)
    {
        NoteClientId(o.OrderId, o.ClientOrderId);
        var (tif, postOnly) = TimeInForceOf(o.TimeInForce);
        return new VenueOrder(o.OrderId.ToString(CultureInfo.InvariantCulture), o.ClientOrderId, o.Symbol, SideOf(o.Side), OrderTypeOf(o.Type), tif,
            o.Price == 0m ? null : o.Price, o.OrigQty, o.ExecutedQty, StatusOf(o.Status), postOnly, o.ReduceOnly,
            FromMillis(o.Time ?? o.UpdateTime), FromMillis(o.UpdateTime));
    }

    private async Task SyncClockQuietlyAsync()
    {
        try
        {
            await _rest.SyncClockAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AsterApiException or AsterOutcomeUnknownException or JsonException)
        {
            // The last offset stays in force; the next tick measures again.
        }
    }
}
