using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Mmd.Exchanges.Shared;
using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using static Mmd.Exchanges.Backpack.BackpackMapping;
using Mmd.Trading.Collections;

namespace Mmd.Exchanges.Backpack;

/// <summary>
/// Backpack Exchange (spot and perpetuals) behind the connector port. REST for state and orders, WebSocket for
/// <c>depth.&lt;symbol&gt;</c> and the signed <c>account.orderUpdate.&lt;symbol&gt;</c>. Streams do not reconnect
/// by themselves: they fail, and the engine subscribes again with its capped backoff and catches up over REST.
/// </summary>
public sealed class BackpackConnector : IExchangeConnector, ICandleHistory, ISharedRequestBudget
{
    private const int HistoryPages = 3;
    private readonly BackpackOptions _options;
    private readonly BackpackRestClient _rest;
    private readonly BackpackSigner? _signer;
    private readonly BackpackClientIds _ids;
    private readonly TimeProvider _time;
    private readonly string _instanceName;
    private readonly HttpClient _http;
    private readonly ITimer _clockSync;

    public BackpackConnector(BackpackOptions options, BackpackCredentials? credentials, string instanceName, uint clientIdTag,
        TimeProvider time, HttpMessageHandler? handler = null)
    {
        _options = options;
        _time = time;
        _instanceName = instanceName;
        _signer = credentials is null ? null : new BackpackSigner(credentials);
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = options.RestBaseUrl;
        _rest = new BackpackRestClient(_http, _signer, options, time);
        _ids = new BackpackClientIds(instanceName, clientIdTag, time.GetUtcNow());
        _clockSync = time.CreateTimer(_ => _ = SyncClockQuietlyAsync(), null, options.ClockSyncInterval, options.ClockSyncInterval);
    }

    public string Venue => "backpack";

    public BackpackRestClient Rest => _rest;

    public BackpackClientIds ClientIds => _ids;

    public ConnectorCapabilities Capabilities =>
        ConnectorCapabilities.Spot | ConnectorCapabilities.Perpetual | ConnectorCapabilities.PostOnly | ConnectorCapabilities.ReduceOnly
        | ConnectorCapabilities.ImmediateOrCancel | ConnectorCapabilities.FillOrKill | ConnectorCapabilities.MarketOrders | ConnectorCapabilities.CancelByClientId
        | ConnectorCapabilities.CancelAll | ConnectorCapabilities.OrderBookStream | ConnectorCapabilities.AccountStream
        | ConnectorCapabilities.FillHistory | ConnectorCapabilities.QueryOrderByClientId | ConnectorCapabilities.FundingHistory;

    public ClientOrderIds CreateClientOrderIds(string instanceName, DateTimeOffset runStart) =>
        instanceName == _instanceName ? ClientOrderIds.FromNumbers(instanceName, _ids.Next, _ids.ContinueAfter)
            : throw new ArgumentException($"this connector numbers the orders of {_instanceName}, not {instanceName}", nameof(instanceName));

    /// <summary>Measures the clock offset once; the connector then re-measures it on <see cref="BackpackOptions.ClockSyncInterval"/>.</summary>
    public Task ConnectAsync(CancellationToken cancellationToken) => _rest.SyncClockAsync(cancellationToken);

    public async Task<IReadOnlyList<InstrumentSpec>> GetInstrumentsAsync(CancellationToken cancellationToken) =>
        (await _rest.GetMarketsAsync(cancellationToken).ConfigureAwait(false)).Select(Instrument).OfType<InstrumentSpec>().ToList();

    /// <summary>The venue answers at most <see cref="KlinesPerRead"/> candles a request: a longer span is read in pages.</summary>
    public Task<IReadOnlyList<Candle>> GetCandlesAsync(string symbol, TimeSpan interval, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken) =>
        CandleIntervals.ReadPagedAsync(interval, since, until, KlinesPerRead, async (start, end, ct) =>
            (await _rest.GetKlinesAsync(symbol, CandleIntervals.Name(interval), start.ToUnixTimeSeconds(), end.ToUnixTimeSeconds(), ct).ConfigureAwait(false))
                .Where(k => k.Open is not null).Select(BackpackMapping.Candle).ToList(), cancellationToken);

    public const int KlinesPerRead = 1000;

    public async Task<IReadOnlyList<Balance>> GetBalancesAsync(CancellationToken cancellationToken) =>
        (await _rest.GetCapitalAsync(cancellationToken).ConfigureAwait(false)).Select(kv => new Balance(kv.Key, kv.Value.Available, kv.Value.Locked)).ToList();

    public async Task<IReadOnlyList<Position>> GetPositionsAsync(CancellationToken cancellationToken) =>
        (await _rest.GetPositionsAsync(cancellationToken).ConfigureAwait(false))
            .Select(p => new Position(p.Symbol, p.NetQuantity, p.EntryPrice, p.MarkPrice, p.PnlUnrealized)).ToList();

    public async Task<IReadOnlyList<VenueOrder>> GetOpenOrdersAsync(string symbol, CancellationToken cancellationToken)
    {
        var orders = await _rest.GetOpenOrdersAsync(symbol, cancellationToken).ConfigureAwait(false);
        _ids.NoteOpen(orders.Where(o => o.ClientId is not null).Select(o => o.ClientId!.Value));
        return orders.Select(ToVenueOrder).ToList();
    }

    /// <summary>
    /// Backpack's order query only sees resting orders, so an order that is not resting is looked for in the order
    /// history (newest first, the last <see cref="HistoryPages"/> pages): a filled or cancelled order is never
    /// mistaken for one the venue never received.
    /// </summary>
    public async Task<VenueOrder?> GetOrderAsync(string symbol, string clientOrderId, CancellationToken cancellationToken)
    {
        if (_ids.ToWire(clientOrderId) is not { } clientId) return null; // not a number this instance could have sent
        if (await _rest.GetOrderAsync(symbol, clientId, cancellationToken).ConfigureAwait(false) is { } open) return ToVenueOrder(open);
        for (var page = 0; page < HistoryPages; page++)
        {
            var history = await _rest.GetOrderHistoryAsync(symbol, _options.HistoryPageSize, page * _options.HistoryPageSize, cancellationToken).ConfigureAwait(false);
            if (history.FirstOrDefault(o => o.ClientId == clientId) is { } past) return ToVenueOrder(past);
            if (history.Length < _options.HistoryPageSize) break;
        }
        return null;
    }

    public async Task<PlaceOrderResult> PlaceOrderAsync(PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        if (_ids.ToWire(request.ClientOrderId) is not { } clientId)
            return PlaceOrderResult.Rejected(RejectCode.Other, $"client order id {request.ClientOrderId} is not one of this instance's Backpack numbers");
        try
        {
            var placed = await _rest.PlaceOrderAsync(OrderParameters(request, clientId), cancellationToken, request.Withdrawal).ConfigureAwait(false);
            return PlaceOrderResult.Accepted(ToVenueOrder(placed));
        }
        catch (BackpackApiException e)
        {
            return PlaceOrderResult.Rejected(RejectCodeOf(e), e.Message);
        }
        catch (BackpackOutcomeUnknownException e)
        {
            return PlaceOrderResult.Unknown(e.Message);
        }
    }

    public async Task<CancelOrderResult> CancelOrderAsync(CancelOrderRequest request, CancellationToken cancellationToken)
    {
        uint? clientId = null;
        if (request.VenueOrderId is null && (clientId = request.ClientOrderId is null ? null : _ids.ToWire(request.ClientOrderId)) is null)
            return new CancelOrderResult(CommandOutcome.Rejected, null, RejectCode.OrderNotFound, "neither a venue order id nor one of this instance's client ids");
        try
        {
            var order = await _rest.CancelOrderAsync(request.Symbol, request.VenueOrderId, clientId, cancellationToken).ConfigureAwait(false);
            return new CancelOrderResult(CommandOutcome.Accepted, ToVenueOrder(order));
        }
        catch (BackpackApiException e)
        {
            return new CancelOrderResult(CommandOutcome.Rejected, null, RejectCodeOf(e), e.Message);
        }
        catch (BackpackOutcomeUnknownException e)
        {
            return new CancelOrderResult(CommandOutcome.Unknown, null, RejectCode.None, e.Message);
        }
    }

    /// <summary>
    /// With a prefix: cancels this instance's open orders one by one (Backpack's own cancel-all would take every
    /// order on the symbol, other instances' and the operator's too). Without one: the venue's whole-symbol cancel.
    /// </summary>
    public async Task<int> CancelAllAsync(string symbol, string? clientOrderIdPrefix, CancellationToken cancellationToken)
    {
        if (clientOrderIdPrefix is null) return (await _rest.CancelAllOnSymbolAsync(symbol, cancellationToken).ConfigureAwait(false)).Length;
        var cancelled = 0;
        foreach (var order in await GetOpenOrdersAsync(symbol, cancellationToken).ConfigureAwait(false))
        {
            if (order.ClientOrderId is null || !order.ClientOrderId.StartsWith(clientOrderIdPrefix, StringComparison.Ordinal)) continue;
            var result = await CancelOrderAsync(new CancelOrderRequest(symbol, order.VenueOrderId, null), cancellationToken).ConfigureAwait(false);
            if (result.Outcome == CommandOutcome.Accepted) cancelled++;
        }
        return cancelled;
    }

    public async Task<IReadOnlyList<VenueFill>> GetFillsAsync(string symbol, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var fills = new List<VenueFill>();
        for (var offset = 0; ; offset += _options.HistoryPageSize)
        {
            var page = await _rest.GetFillsAsync(symbol, since.ToUnixTimeMilliseconds(), _options.HistoryPageSize, offset, cancellationToken).ConfigureAwait(false);
            fills.AddRange(page.Select(ToVenueFill).Where(f => f.Timestamp >= since));
            if (page.Length < _options.HistoryPageSize) return fills;
        }
    }

    /// <summary>
    /// Backpack reports the account's payment and the rate, not the mark or position it settled on: the position and
    /// mark are today's, so an instance's share is estimated as its position × today's mark × the rate.
    /// </summary>
    public async Task<IReadOnlyList<FundingPayment>> GetFundingPaymentsAsync(string symbol, DateTimeOffset since, CancellationToken cancellationToken)
    {
        // Newest first, and no further back than `since`: a poll reads what is new, not the account's whole history.
        var payments = new List<BackpackFundingPayment>();
        for (var offset = 0; ; offset += _options.HistoryPageSize)
        {
            var page = await _rest.GetFundingPaymentsAsync(symbol, _options.HistoryPageSize, offset, cancellationToken).ConfigureAwait(false);
            var recent = page.TakeWhile(p => ParseNaiveUtc(p.IntervalEndTimestamp) >= since).ToList();
            payments.AddRange(recent);
            if (recent.Count < page.Length || page.Length < _options.HistoryPageSize) break;
        }
        if (payments.Count == 0) return [];
        payments.Reverse(); // oldest first, as the port promises
        var position = (await GetPositionsAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(p => p.Symbol == symbol);
        return payments.Select(p => new FundingPayment($"{p.Symbol}@{p.IntervalEndTimestamp}", p.Symbol, ParseNaiveUtc(p.IntervalEndTimestamp), p.FundingRate,
            position?.MarkPrice ?? 0m, position?.Quantity ?? 0m, p.Quantity)).ToList();
    }

    public async IAsyncEnumerable<MarketDataEvent> StreamOrderBookAsync(string symbol, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var socket = await ConnectStreamAsync(SubscribeMessage(["depth." + symbol]), cancellationToken).ConfigureAwait(false);
        // Deltas buffer in the socket's channel while the snapshot is fetched; a snapshot taken before the subscription
        // took effect is fetched again. The book drops the deltas it already holds (u <= lastUpdateId) and detects a gap
        // after it, which makes the engine subscribe afresh.
        var deltas = socket.ReadBookAsync(symbol, _time, m => ToDelta(symbol, m), cancellationToken);
        await foreach (var e in BookAlignment.AlignAsync(ct => GetDepthSnapshotAsync(symbol, ct), deltas, cancellationToken).ConfigureAwait(false))
            yield return e;
    }

    private async Task<BookSnapshotEvent> GetDepthSnapshotAsync(string symbol, CancellationToken cancellationToken)
    {
        var depth = await _rest.GetDepthAsync(symbol, cancellationToken).ConfigureAwait(false);
        return new BookSnapshotEvent(symbol, long.Parse(depth.LastUpdateId, CultureInfo.InvariantCulture), WireLevels.Parse(depth.Bids), WireLevels.Parse(depth.Asks),
            FromMicros(depth.Timestamp));
    }

    private static BookDeltaEvent? ToDelta(string symbol, BackpackStreamMessage message)
    {
        if (message.Stream is null || !message.Stream.StartsWith("depth.", StringComparison.Ordinal)) return null;
        var e = message.Data.Deserialize<BackpackDepthEvent>(BackpackJson.Options)!;
        return new BookDeltaEvent(symbol, e.FirstUpdateId, e.LastUpdateId, WireLevels.Parse(e.Bids), WireLevels.Parse(e.Asks), FromMicros(e.EventTime));
    }

    /// <summary>
    /// The venue's <c>bookTicker</c> stream: best bid and ask only, lighter than the depth stream (for tools that need
    /// the touch, not the book). Like the other streams it fails on a disconnect and is subscribed again by its reader.
    /// </summary>
    public async IAsyncEnumerable<BackpackBookTicker> StreamBookTickerAsync(string symbol, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var socket = await ConnectStreamAsync(SubscribeMessage(["bookTicker." + symbol]), cancellationToken).ConfigureAwait(false);
        await foreach (var message in socket.Messages.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (message.Stream is not null && message.Stream.StartsWith("bookTicker.", StringComparison.Ordinal))
                yield return message.Data.Deserialize<BackpackBookTicker>(BackpackJson.Options)!;
        }
    }

    public async IAsyncEnumerable<AccountEvent> StreamAccountAsync(string symbol, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_signer is null) throw new InvalidOperationException("the account stream needs credentials");
        var timestamp = _rest.VenueNowMs();
        var window = (long)_options.Window.TotalMilliseconds;
        var signature = _signer.Sign(BackpackSigner.SigningString("subscribe", [], timestamp, window));
        await using var socket = await ConnectStreamAsync(SubscribeMessage(["account.orderUpdate." + symbol],
                [_signer.ApiKey, signature, timestamp.ToString(CultureInfo.InvariantCulture), window.ToString(CultureInfo.InvariantCulture)]),
            cancellationToken).ConfigureAwait(false);
        // Whatever happened before the subscription took effect is read back over REST.
        yield return new AccountResyncRequiredEvent("account stream subscribed", _time.GetUtcNow());
        var seenTrades = new RecentSet<(long TradeId, string Side)>(10_000); // a trade of two of our own orders is a fill of each side
        await foreach (var message in socket.Messages.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (message.Stream is null || !message.Stream.StartsWith("account.orderUpdate", StringComparison.Ordinal)) continue;
            var u = message.Data.Deserialize<BackpackOrderUpdate>(BackpackJson.Options)!;
            var time = FromMicros(u.EventTime);
            if (u.EventType == "orderFill" && u.TradeId is { } tradeId)
            {
                // The venue may repeat an event after a reconnect; a trade is reported once (the tracker checks too).
                if (seenTrades.Add((tradeId, u.Side)))
                {
                    yield return new FillEvent(new VenueFill(tradeId.ToString(CultureInfo.InvariantCulture), u.OrderId, _ids.FromWire(u.ClientId), u.Symbol,
                        SideOf(u.Side), u.FillPrice ?? 0m, u.FillQuantity ?? 0m, u.Fee ?? 0m, u.FeeSymbol ?? "", u.IsMaker ?? false, time), time);
                }
            }
            yield return new OrderUpdateEvent(new VenueOrder(u.OrderId, _ids.FromWire(u.ClientId), u.Symbol, SideOf(u.Side), OrderTypeOf(u.OrderType),
                TimeInForceOf(u.TimeInForce), u.Price, u.Quantity ?? u.ExecutedQuantity, u.ExecutedQuantity, StatusOf(u.Status, u.ExecutedQuantity),
                u.PostOnly ?? false, u.ReduceOnly ?? false, time, time), time);
        }
    }

    /// <summary>
    /// Backpack's WebSocket: <c>{"method":"SUBSCRIBE","params":[…]}</c> (with the <c>signature</c> array for private
    /// streams), answered by <c>{stream, data}</c> messages; an <c>{error}</c> message fails the stream.
    /// </summary>
    private Task<VenueWebSocket<BackpackStreamMessage>> ConnectStreamAsync(string subscribeJson, CancellationToken cancellationToken) =>
        VenueWebSocket<BackpackStreamMessage>.ConnectAsync(_options.WebSocketUrl, subscribeJson, static json =>
            JsonSerializer.Deserialize<BackpackStreamMessage>(json.Span, BackpackJson.Options) is { } message
                ? message.Error is { } error ? throw new BackpackApiException(0, error.Code, error.Message) : message
                : null, _options.RequestTimeout, _options.Streams, cancellationToken);

    private static string SubscribeMessage(IEnumerable<string> streams, string[]? signature = null) => signature is null
        ? JsonSerializer.Serialize(new { method = "SUBSCRIBE", @params = streams.ToArray() })
        : JsonSerializer.Serialize(new { method = "SUBSCRIBE", @params = streams.ToArray(), signature });

    public RequestGates RequestGates => _rest.Gates;

    public async ValueTask DisposeAsync()
    {
        await _clockSync.DisposeAsync().ConfigureAwait(false);
        _rest.Dispose();
        _http.Dispose();
    }

    private BackpackParameter[] OrderParameters(PlaceOrderRequest r, uint clientId)
    {
        var p = new List<BackpackParameter>(10)
        {
            BackpackParameter.Text("symbol", r.Symbol),
            BackpackParameter.Text("side", BackpackMapping.ToWire(r.Side)),
            BackpackParameter.Text("orderType", BackpackMapping.ToWire(r.Type)),
            BackpackParameter.Amount("quantity", r.Quantity),
            BackpackParameter.Number("clientId", clientId),
        };
        if (r.Type == OrderType.Limit)
        {
            p.Add(BackpackParameter.Amount("price", r.Price ?? throw new ArgumentException("a limit order needs a price")));
            p.Add(BackpackParameter.Text("timeInForce", BackpackMapping.ToWire(r.TimeInForce)));
        }
        if (r.PostOnly) p.Add(BackpackParameter.Flag("postOnly", true));
        // An order that may take (a hedge, a reduction, a close) cancels a resting order of the account's that it meets
        // instead of being refused (the venue's default, RejectTaker): the engine keeps our own quotes out of its way, but
        // after a second it goes regardless, and another instance on the account may quote there too.
        else p.Add(BackpackParameter.Text("selfTradePrevention", "RejectMaker"));
        if (r.ReduceOnly) p.Add(BackpackParameter.Flag("reduceOnly", true));
        p.AddRange(_options.MarginFlags.Parameters());
        return p.ToArray();
    }

    private VenueOrder ToVenueOrder(BackpackOrder o)
    {
        return new VenueOrder(o.Id, _ids.FromWire(o.ClientId), o.Symbol, SideOf(o.Side), OrderTypeOf(o.OrderType), TimeInForceOf(o.TimeInForce),
            o.Price, o.Quantity ?? o.ExecutedQuantity, o.ExecutedQuantity, StatusOf(o.Status, o.ExecutedQuantity), o.PostOnly, o.ReduceOnly ?? false,
            o.CreatedAt, _time.GetUtcNow());
    }

    private VenueFill ToVenueFill(BackpackFill f) =>
        new(f.TradeId?.ToString(CultureInfo.InvariantCulture) ?? $"{f.OrderId}@{f.Timestamp}", f.OrderId,
            _ids.FromWire(uint.TryParse(f.ClientId, NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : null),
            f.Symbol, SideOf(f.Side), f.Price, f.Quantity, f.Fee, f.FeeSymbol, f.IsMaker, ParseNaiveUtc(f.Timestamp));

    private async Task SyncClockQuietlyAsync()
    {
        try
        {
            await _rest.SyncClockAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is BackpackApiException or BackpackOutcomeUnknownException or FormatException)
        {
            // The last offset stays in force; the next tick measures again.
        }
    }
}
