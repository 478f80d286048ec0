using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Mmd.Exchanges.Shared;
using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using static Mmd.Exchanges.Lighter.LighterMapping;
using LighterWatch = Mmd.Exchanges.Shared.OrderWatch<Mmd.Exchanges.Lighter.LighterStreamMessage, Mmd.Exchanges.Lighter.LighterOrder, long>;
using Mmd.Trading.Collections;

namespace Mmd.Exchanges.Lighter;

/// <summary>
/// Lighter perpetuals behind the connector port. Reads are REST (<see cref="LighterRestClient"/>); every write is a
/// Schnorr-signed L2 transaction (<see cref="LighterSigner"/>) that the sequencer takes first and executes after, so a
/// write waits, a short while, for the order to show how it ended (pushed on the market's <see cref="LighterOrderWatch"/>,
/// read back over REST without one): the engine learns at once that a post-only crossed or an IOC expired. Symbols are the venue's (SOL, ETH); prices and sizes travel as integers in each market's decimals.
/// Client ids are 48-bit client order indexes: this instance's 16-bit tag over a 32-bit counter
/// (<see cref="NumericClientIds"/>). Streams (<c>order_book/{market}</c>, <c>account_orders/{market}/{account}</c> and
/// <c>account_all_trades/{account}</c> with the auth token) do not reconnect by themselves: they fail, and the engine
/// subscribes again. With <see cref="LighterOptions.DeadManCountdown"/> set, a first order (or orders found resting) arms the
/// venue's scheduled cancel-all (<see cref="Shared.DeadManSwitch"/>): it takes every order of the account, on every market.
/// </summary>
public sealed class LighterConnector : IExchangeConnector, ICandleHistory, ISharedRequestBudget
{
    public const int TagBits = 16;
    public const int CounterBits = 32;
    public const uint MaxTag = (1u << TagBits) - 1;
    private readonly LighterOptions _options;
    private readonly LighterRestClient _rest;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly string _instanceName;
    private readonly NumericClientIds _ids;
    private readonly ConcurrentDictionary<string, LighterMarket> _markets = new(StringComparer.Ordinal);
    private readonly OrderWatches<LighterStreamMessage, LighterOrder, long> _watches;
    private readonly DeadManSwitch _deadMan;

    /// <summary>The scope of Lighter's dead-man's switch: its scheduled cancel-all takes the whole account.</summary>
    public const string AccountScope = "account";

    public LighterConnector(LighterOptions options, LighterCredentials? credentials, string instanceName, TimeProvider time, HttpMessageHandler? handler = null)
    {
        _options = options;
        _time = time;
        _instanceName = instanceName;
        _ids = new NumericClientIds(instanceName, NumericClientIds.DefaultTag(instanceName, MaxTag), time.GetUtcNow(), TagBits, CounterBits, "lighter");
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = options.RestBaseUrl;
        _rest = new LighterRestClient(_http, credentials, options, time);
        _watches = new(time);
        _deadMan = new DeadManSwitch(new DeadManSwitchVenue(
            (_, countdown, ct) => ScheduleCancelAllAsync(countdown, ct),
            (_, ct) => SendCancelAllAsync(LighterCancelAllOrdersTx.AbortScheduled, TimeSpan.Zero, ct),
            e => e is LighterApiException,
            e => e is LighterApiException or LighterOutcomeUnknownException or HttpRequestException), options.DeadManCountdown, time);
    }

    public string Venue => "lighter";

    public LighterRestClient Rest => _rest;

    public DeadManSwitchStatus? DeadManSwitchStatus => _deadMan.Status;

    public ConnectorCapabilities Capabilities =>
        ConnectorCapabilities.Perpetual | ConnectorCapabilities.PostOnly | ConnectorCapabilities.ReduceOnly | ConnectorCapabilities.ImmediateOrCancel
        | ConnectorCapabilities.CancelByClientId | ConnectorCapabilities.CancelAll | ConnectorCapabilities.OrderBookStream | ConnectorCapabilities.AccountStream
        | ConnectorCapabilities.FillHistory | ConnectorCapabilities.FundingHistory | ConnectorCapabilities.QueryOrderByClientId;

    public ClientOrderIds CreateClientOrderIds(string instanceName, DateTimeOffset runStart) =>
        instanceName == _instanceName ? ClientOrderIds.FromNumbers(instanceName, _ids.Next, _ids.ContinueAfter)
            : throw new ArgumentException($"this connector numbers the orders of {_instanceName}, not {instanceName}", nameof(instanceName));

    /// <summary>
    /// Checks that the venue holds our public key on our API key index: a wrong key, index or account fails here with
    /// that reason, not at the first order.
    /// </summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var signer = _rest.Signer ?? throw new InvalidOperationException("this Lighter connector has no credentials");
        var registered = await _rest.GetRegisteredPublicKeyAsync(cancellationToken).ConfigureAwait(false);
        if (!string.Equals(registered?.TrimStart('0', 'x'), signer.PublicKeyHex.TrimStart('0'), StringComparison.OrdinalIgnoreCase))
            throw new LighterApiException(System.Net.HttpStatusCode.OK, LighterApiException.InvalidPublicKey, registered is null
                ? $"account {signer.AccountIndex} has no API key {signer.ApiKeyIndex}"
                : $"API key {signer.ApiKeyIndex} of account {signer.AccountIndex} is registered with another public key than this private key's");
    }

    /// <summary>
    /// The venue's resolutions are ours by name (30 minutes is built from 15); at most <see cref="KlinesPerRead"/>
    /// candles are asked for at once.
    /// </summary>
    public async Task<IReadOnlyList<Candle>> GetCandlesAsync(string symbol, TimeSpan interval, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var market = await MarketAsync(symbol, cancellationToken).ConfigureAwait(false);
        var read = interval == TimeSpan.FromMinutes(30) ? TimeSpan.FromMinutes(15) : interval;
        var candles = await CandleIntervals.ReadPagedAsync(read, CandleIntervals.Floor(since, interval), until, KlinesPerRead, async (start, end, ct) =>
            // end_timestamp is inclusive: the last millisecond before the window's end.
            await _rest.GetCandlesAsync(market.MarketId, CandleIntervals.Name(read), start, end.AddMilliseconds(-1), KlinesPerRead, ct).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
        // Read from the start of the interval that holds since, so its candle is whole; then only those from since on.
        return (read == interval ? candles : CandleIntervals.Aggregate(candles, interval)).Where(c => c.Time >= since).ToList();
    }

    public const int KlinesPerRead = 500;

    public async Task<IReadOnlyList<InstrumentSpec>> GetInstrumentsAsync(CancellationToken cancellationToken) =>
        (await LoadMarketsAsync(cancellationToken).ConfigureAwait(false)).Select(Instrument).ToList();

    /// <summary>Lighter holds USDC collateral; what is not available is held as margin.</summary>
    public async Task<IReadOnlyList<Balance>> GetBalancesAsync(CancellationToken cancellationToken) =>
        await _rest.GetAccountAsync(cancellationToken).ConfigureAwait(false) is { } a
            ? [new Balance("USDC", a.AvailableBalance, Math.Max(0m, a.Collateral - a.AvailableBalance))]
            : [];

    public async Task<IReadOnlyList<Position>> GetPositionsAsync(CancellationToken cancellationToken) =>
        (await _rest.GetAccountAsync(cancellationToken).ConfigureAwait(false))?.Positions.Where(p => p.Position != 0)
            .Select(p => new Position(p.Symbol, p.Sign * p.Position, p.AvgEntryPrice, p.PositionValue / p.Position, p.UnrealizedPnl)).ToList() ?? [];

    public async Task<IReadOnlyList<VenueOrder>> GetOpenOrdersAsync(string symbol, CancellationToken cancellationToken)
    {
        var market = await MarketAsync(symbol, cancellationToken).ConfigureAwait(false);
        var orders = await _rest.GetActiveOrdersAsync(market.MarketId, cancellationToken).ConfigureAwait(false);
        _ids.NoteOpen(orders.Where(o => o.ClientOrderIndex > 0).Select(o => (ulong)o.ClientOrderIndex));
        // Orders found resting are guarded like new ones: a worker that adopts an earlier run's orders may place none for a while.
        if (orders.Length > 0) await _deadMan.ArmAsync(AccountScope, cancellationToken).ConfigureAwait(false);
        return orders.Select(o => ToVenueOrder(o, symbol)).ToList();
    }

    public async Task<VenueOrder?> GetOrderAsync(string symbol, string clientOrderId, CancellationToken cancellationToken)
    {
        if (_ids.ToWire(clientOrderId) is not { } index) return null; // not a number this instance could have sent
        var market = await MarketAsync(symbol, cancellationToken).ConfigureAwait(false);
        return await _rest.FindOrderAsync(market.MarketId, o => o.ClientOrderIndex == (long)index, cancellationToken).ConfigureAwait(false) is { } order
            ? ToVenueOrder(order, symbol)
            : null;
    }

    /// <summary>
    /// Signs and sends a CreateOrder, then reads the order back until the venue has executed it: a post-only that would
    /// cross, a reduce-only that would grow the position and the like end <c>canceled-…</c> and are reported refused. One
    /// the venue took but does not list within the wait is unknown, to be settled by a query like any other.
    /// </summary>
    public async Task<PlaceOrderResult> PlaceOrderAsync(PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        if (request.TimeInForce == TimeInForce.Fok) return PlaceOrderResult.Rejected(RejectCode.Other, "Lighter has no fill-or-kill orders (IOC, GTT and post-only)");
        if (request.Type != OrderType.Limit || request.Price is not { } price)
            return PlaceOrderResult.Rejected(RejectCode.Other, "this connector sends limit orders only (a Lighter market order needs a worst price)");
        if (_ids.ToWire(request.ClientOrderId) is not { } index)
            return PlaceOrderResult.Rejected(RejectCode.Other, $"client order id {request.ClientOrderId} is not one of this instance's Lighter numbers");
        if (await TryMarketAsync(request.Symbol, cancellationToken).ConfigureAwait(false) is not { } market)
            return PlaceOrderResult.Rejected(RejectCode.UnknownSymbol, $"Lighter lists no perpetual {request.Symbol}");
        if (ToInteger(price, market.PriceDecimals) is not { } wirePrice || wirePrice > uint.MaxValue)
            return PlaceOrderResult.Rejected(RejectCode.InvalidPrice, $"{price} is not a price of {market.Symbol} (tick {Unit(market.PriceDecimals)})");
        if (ToInteger(request.Quantity, market.SizeDecimals) is not { } size || size is 0 or > LighterTx.MaxBaseAmount)
            return PlaceOrderResult.Rejected(RejectCode.InvalidQuantity, $"{request.Quantity} is not a size of {market.Symbol} (step {Unit(market.SizeDecimals)})");
        var ioc = !request.PostOnly && request.TimeInForce == TimeInForce.Ioc;
        var tif = request.PostOnly ? LighterCreateOrderTx.PostOnly : ioc ? LighterCreateOrderTx.ImmediateOrCancel : LighterCreateOrderTx.GoodTillTime;
        var expiry = ioc ? 0 : (_time.GetUtcNow() + _options.OrderLifetime).ToUnixTimeMilliseconds();
        var signer = _rest.Signer!;
        try
        {
            await _deadMan.ArmAsync(AccountScope, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is LighterApiException or LighterOutcomeUnknownException or HttpRequestException)
        {
            return PlaceOrderResult.Rejected(RejectCode.Other, $"not sent: the dead-man's switch could not be armed ({e.Message})");
        }
        var watch = await WatchAsync(market, cancellationToken).ConfigureAwait(false);
        try
        {
            await _rest.SendTxAsync((nonce, expiredAt) => new LighterCreateOrderTx(signer.AccountIndex, signer.ApiKeyIndex, expiredAt, nonce, market.MarketId, (long)index,
                size, (uint)wirePrice, request.Side == Side.Sell, LighterCreateOrderTx.Limit, tif, request.ReduceOnly, 0, expiry), cancellationToken, request.Withdrawal)
                .ConfigureAwait(false);
        }
        catch (LighterApiException e)
        {
            return PlaceOrderResult.Rejected(e.Code == LighterApiException.DuplicateClientOrderIndex ? RejectCode.DuplicateClientOrderId
                : e.IsRateLimit ? RejectCode.RateLimited : RejectCode.Other, e.Message);
        }
        catch (LighterOutcomeUnknownException e)
        {
            return PlaceOrderResult.Unknown(e.Message);
        }
        var settled = await SettleAsync(market, watch, w => w.ByClientId((long)index), o => o.ClientOrderIndex == (long)index, IsSettled, null, cancellationToken)
            .ConfigureAwait(false);
        if (settled is null) return PlaceOrderResult.Unknown("the sequencer took the order, but the venue does not list it yet");
        return RefusalOf(settled.Status) is not RejectCode.None and var refusal && settled.FilledBaseAmount == 0
            ? PlaceOrderResult.Rejected(refusal, $"Lighter ended the order: {settled.Status}")
            : PlaceOrderResult.Accepted(ToVenueOrder(settled, request.Symbol));
    }

    /// <summary>Cancels by venue order index or our client order index (one CancelOrder transaction takes either), then reads the order back until it has ended.</summary>
    public async Task<CancelOrderResult> CancelOrderAsync(CancelOrderRequest request, CancellationToken cancellationToken)
    {
        long? index = request.VenueOrderId is { } id && long.TryParse(id, out var venueIndex) ? venueIndex
            : request.ClientOrderId is { } clientId && _ids.ToWire(clientId) is { } n ? (long)n : null;
        if (index is not { } target)
            return new CancelOrderResult(CommandOutcome.Rejected, null, RejectCode.OrderNotFound, "neither a venue order index nor one of this instance's client ids");
        if (await TryMarketAsync(request.Symbol, cancellationToken).ConfigureAwait(false) is not { } market)
            return new CancelOrderResult(CommandOutcome.Rejected, null, RejectCode.UnknownSymbol, $"Lighter lists no perpetual {request.Symbol}");
        var byOrderIndex = target > LighterTx.MaxClientOrderIndex;
        bool Match(LighterOrder o) => byOrderIndex ? o.OrderIndex == target : o.ClientOrderIndex == target;
        var watch = await WatchAsync(market, cancellationToken).ConfigureAwait(false);
        // A live watch knows every open order of the account on the market; without one, the venue is asked.
        var before = watch is { IsLive: true }
            ? byOrderIndex ? watch.ByVenueId(target) : watch.ByClientId(target)
            : await _rest.FindOrderAsync(market.MarketId, Match, cancellationToken).ConfigureAwait(false);
        if (before is not { Status: Open })
            return new CancelOrderResult(CommandOutcome.Rejected, before is null ? null : ToVenueOrder(before, request.Symbol), RejectCode.OrderNotFound,
                before is null ? "Lighter has no such open order" : $"the order has ended ({before.Status})");
        try
        {
            await SendCancelAsync(market.MarketId, target, cancellationToken).ConfigureAwait(false);
        }
        catch (LighterApiException e)
        {
            return new CancelOrderResult(CommandOutcome.Rejected, null, RejectCode.Other, e.Message);
        }
        catch (LighterOutcomeUnknownException e)
        {
            return new CancelOrderResult(CommandOutcome.Unknown, null, RejectCode.None, e.Message);
        }
        var order = await SettleAsync(market, watch, w => byOrderIndex ? w.ByVenueId(target) : w.ByClientId(target), Match, o => o.Status != Open, before,
            cancellationToken).ConfigureAwait(false) ?? before;
        return new CancelOrderResult(CommandOutcome.Accepted, ToVenueOrder(order, request.Symbol));
    }

    /// <summary>
    /// Cancels this instance's open orders on the market one by one (with a prefix), or every open order on it (without):
    /// Lighter's own cancel-all takes every market, other instances' orders and the operator's too.
    /// </summary>
    public async Task<int> CancelAllAsync(string symbol, string? clientOrderIdPrefix, CancellationToken cancellationToken)
    {
        var market = await MarketAsync(symbol, cancellationToken).ConfigureAwait(false);
        var open = await _rest.GetActiveOrdersAsync(market.MarketId, cancellationToken).ConfigureAwait(false);
        var cancelled = 0;
        foreach (var order in open.Where(o => clientOrderIdPrefix is null
                     || _ids.FromWire((ulong)o.ClientOrderIndex)?.StartsWith(clientOrderIdPrefix, StringComparison.Ordinal) == true))
        {
            try
            {
                await SendCancelAsync(market.MarketId, order.OrderIndex, cancellationToken).ConfigureAwait(false);
                cancelled++;
            }
            catch (Exception e) when (e is LighterApiException or LighterOutcomeUnknownException)
            {
                // Refused (already ended) or unknown: whatever still rests shows in the caller's next listing.
            }
        }
        return cancelled;
    }

    public async Task<IReadOnlyList<VenueFill>> GetFillsAsync(string symbol, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var market = await MarketAsync(symbol, cancellationToken).ConfigureAwait(false);
        var trades = await _rest.GetTradesAsync(market.MarketId, since, cancellationToken).ConfigureAwait(false);
        return trades.OrderBy(t => t.Timestamp).ThenBy(t => t.TradeId).SelectMany(t => ToVenueFills(t, symbol)).ToList();
    }

    /// <summary>
    /// The account's funding settlements (<c>positionFunding</c>), oldest first. Each names the position it was paid on, so
    /// an instance's share is exact: its part of that position.
    /// </summary>
    public async Task<IReadOnlyList<FundingPayment>> GetFundingPaymentsAsync(string symbol, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var market = await MarketAsync(symbol, cancellationToken).ConfigureAwait(false);
        var fundings = await _rest.GetPositionFundingsAsync(market.MarketId, since, cancellationToken).ConfigureAwait(false);
        return fundings.OrderBy(f => f.Timestamp).ThenBy(f => f.FundingId).Select(f => new FundingPayment(
            $"{f.MarketId}:{f.FundingId}", symbol, DateTimeOffset.FromUnixTimeSeconds(f.Timestamp), f.Rate, 0m,
            f.PositionSide == "short" ? -f.PositionSize : f.PositionSize, f.Change, PaidOnPosition: true, TimeResolution: TimeSpan.FromSeconds(1))).ToList();
    }

    /// <summary>
    /// <c>order_book/{market}</c>: the whole book first, then the levels that changed. Each update must begin at the last
    /// one's nonce; a gap fails the stream (updates were lost) and the engine subscribes again.
    /// </summary>
    public async IAsyncEnumerable<MarketDataEvent> StreamOrderBookAsync(string symbol, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var market = await MarketAsync(symbol, cancellationToken).ConfigureAwait(false);
        var subscribe = JsonSerializer.Serialize(new { type = "subscribe", channel = $"order_book/{market.MarketId}" });
        await using var socket = await LighterStreams.ConnectAsync(_options, [subscribe], _time, cancellationToken).ConfigureAwait(false);
        long? nonce = null;
        long sequence = 0;
        await foreach (var message in QuietMarks.ReadAsync(socket.Messages, _options.Streams.QuietInterval, _time, () => socket.IsOpen, cancellationToken).ConfigureAwait(false))
        {
            var now = _time.GetUtcNow();
            if (message is null)
            {
                yield return new BookAliveEvent(symbol, now);
                continue;
            }
            if (message.OrderBook is not { } book) continue;
            var bids = book.Bids.Select(l => new BookLevel(l.Price, l.Size)).ToArray();
            var asks = book.Asks.Select(l => new BookLevel(l.Price, l.Size)).ToArray();
            if (message.Type == "subscribed/order_book")
            {
                nonce = book.Nonce;
                yield return new BookSnapshotEvent(symbol, ++sequence, bids, asks, now);
                continue;
            }
            if (nonce is not { } last) continue; // an update before the snapshot: the snapshot will hold it
            if (book.BeginNonce != last)
                throw new InvalidOperationException($"Lighter's book of {symbol} skipped from nonce {last} to {book.BeginNonce}: updates were lost");
            nonce = book.Nonce;
            sequence++;
            yield return new BookDeltaEvent(symbol, sequence, sequence, bids, asks, now);
        }
    }

    /// <summary>
    /// <c>account_orders/{market}/{account}</c> and <c>account_all_trades/{account}</c> with the auth token. Whatever happened
    /// before both subscriptions were confirmed is read back over REST (the first event says so).
    /// </summary>
    public async IAsyncEnumerable<AccountEvent> StreamAccountAsync(string symbol, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var market = await MarketAsync(symbol, cancellationToken).ConfigureAwait(false);
        var account = _rest.Signer?.AccountIndex ?? throw new InvalidOperationException("this Lighter connector has no credentials");
        var token = _rest.AuthToken();
        string[] subscriptions =
        [
            JsonSerializer.Serialize(new { type = "subscribe", channel = $"account_orders/{market.MarketId}/{account}", auth = token }),
            JsonSerializer.Serialize(new { type = "subscribe", channel = $"account_all_trades/{account}", auth = token }),
        ];
        await using var socket = await LighterStreams.ConnectAsync(_options, subscriptions, _time, cancellationToken).ConfigureAwait(false);
        var confirmed = 0;
        var marketKey = Id(market.MarketId);
        var seenFills = new RecentSet<string>(10_000, StringComparer.Ordinal);
        await foreach (var message in socket.Messages.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            var now = _time.GetUtcNow();
            if (message.Type?.StartsWith("subscribed/", StringComparison.Ordinal) == true)
            {
                if (++confirmed == 2) yield return new AccountResyncRequiredEvent("account stream connected", now);
                continue;
            }
            if (message.Type == "update/account_orders" && message.Orders?.GetValueOrDefault(marketKey) is { } orders)
            {
                foreach (var order in orders) yield return new OrderUpdateEvent(ToVenueOrder(order, symbol), now);
            }
            else if (message.Type == "update/account_all_trades" && message.Trades?.GetValueOrDefault(marketKey) is { } trades)
            {
                // The venue may repeat an event; a fill counts once. Each side of ours is a fill of its own (its id carries
                // the side), so a trade told again with our other side too gives only the side not yet told.
                foreach (var fill in trades.SelectMany(t => ToVenueFills(t, symbol)))
                {
                    if (seenFills.Add(fill.TradeId)) yield return new FillEvent(fill, now);
                }
            }
        }
    }

    public RequestGates RequestGates => _rest.Gates;

    public async ValueTask DisposeAsync()
    {
        await _deadMan.DisposeAsync().ConfigureAwait(false);
        await _watches.DisposeAsync().ConfigureAwait(false);
        _rest.Dispose();
        _http.Dispose();
    }

    /// <summary>
    /// Schedules the account's cancel-all <paramref name="countdown"/> from now. The venue keeps one scheduled at a time, so
    /// the one queued (ours from a renewal ago, an earlier run's, another instance's) is aborted first; the two go in nonce
    /// order, so the venue executes them in that order.
    /// </summary>
    private async Task ScheduleCancelAllAsync(TimeSpan countdown, CancellationToken cancellationToken)
    {
        try
        {
            await SendCancelAllAsync(LighterCancelAllOrdersTx.AbortScheduled, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }
        catch (LighterApiException)
        {
            // Nothing was queued to abort, if the venue says so: the schedule is what counts, and it is refused if one is still queued.
        }
        await SendCancelAllAsync(LighterCancelAllOrdersTx.Scheduled, countdown, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A CancelAllOrders transaction; a scheduled one is timed <paramref name="after"/> the moment it is signed.</summary>
    private Task<string> SendCancelAllAsync(int timeInForce, TimeSpan after, CancellationToken cancellationToken)
    {
        var signer = _rest.Signer ?? throw new InvalidOperationException("this Lighter connector has no credentials");
        return _rest.SendTxAsync((nonce, expiredAt) => new LighterCancelAllOrdersTx(signer.AccountIndex, signer.ApiKeyIndex, expiredAt, nonce, timeInForce,
            timeInForce == LighterCancelAllOrdersTx.Scheduled ? (_time.GetUtcNow() + after).ToUnixTimeMilliseconds() : 0), cancellationToken);
    }

    private Task<string> SendCancelAsync(int marketId, long index, CancellationToken cancellationToken)
    {
        var signer = _rest.Signer!;
        return _rest.SendTxAsync((nonce, expiredAt) => new LighterCancelOrderTx(signer.AccountIndex, signer.ApiKeyIndex, expiredAt, nonce, marketId, index), cancellationToken);
    }

    /// <summary>How the venue executed a write: pushed on the market's order watch, else read back (<see cref="OrderWatches{TMessage,TOrder,TKey}.SettleAsync"/>).</summary>
    private Task<LighterOrder?> SettleAsync(LighterMarket market, LighterWatch? watch, Func<LighterWatch, LighterOrder?> pushed, Func<LighterOrder, bool> match,
        Func<LighterOrder, bool> settled, LighterOrder? known, CancellationToken cancellationToken) =>
        _watches.SettleAsync(market.Symbol, watch, pushed, ct => _rest.FindOrderAsync(market.MarketId, match, ct), settled, known,
            static e => e is LighterApiException or LighterOutcomeUnknownException, cancellationToken);

    /// <summary>The market's order watch, opened on first use and again after it failed; null when it cannot be opened (writes then read back over REST).</summary>
    private Task<LighterWatch?> WatchAsync(LighterMarket market, CancellationToken cancellationToken) =>
        _watches.ForAsync(market.Symbol, ct => LighterOrderWatch.OpenAsync(_options, market.MarketId, _rest.Signer!.AccountIndex, _rest.AuthToken(), _time, ct),
            cancellationToken);

    private VenueOrder ToVenueOrder(LighterOrder o, string symbol)
    {
        var (tif, postOnly) = TimeInForceOf(o.TimeInForce);
        var type = o.Type == "market" ? OrderType.Market : OrderType.Limit;
        return new VenueOrder(Id(o.OrderIndex), _ids.FromWire((ulong)o.ClientOrderIndex), symbol, o.IsAsk ? Side.Sell : Side.Buy, type, tif,
            type == OrderType.Market ? null : o.Price, o.InitialBaseAmount, o.FilledBaseAmount, StatusOf(o), postOnly, o.ReduceOnly, FromMillis(o.CreatedAt),
            FromMillis(o.UpdatedAt));
    }

    /// <summary>Our side of a trade (both, should we have traded with ourselves); the fee is the rate in millionths times the notional.</summary>
    private IEnumerable<VenueFill> ToVenueFills(LighterTrade t, string symbol)
    {
        var account = _rest.Signer?.AccountIndex;
        foreach (var (isAsk, ours, orderIndex, clientIndex) in new[] { (true, t.AskAccountId, t.AskId, t.AskClientId), (false, t.BidAccountId, t.BidId, t.BidClientId) })
        {
            if (ours != account) continue;
            var maker = isAsk == t.IsMakerAsk;
            var fee = t.UsdAmount * (maker ? t.MakerFee : t.TakerFee) / 1_000_000m;
            yield return new VenueFill(Id(t.TradeId) + (isAsk ? "a" : "b"), Id(orderIndex), _ids.FromWire((ulong)clientIndex), symbol, isAsk ? Side.Sell : Side.Buy,
                t.Price, t.Size, fee, "USDC", maker, FromMillis(t.Timestamp));
        }
    }

    private async Task<IReadOnlyCollection<LighterMarket>> LoadMarketsAsync(CancellationToken cancellationToken)
    {
        var markets = await _rest.GetMarketsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var m in markets.Where(m => m.MarketType is null or "perp")) _markets[m.Symbol] = m;
        return _markets.Values.ToList();
    }

    private async Task<LighterMarket?> TryMarketAsync(string symbol, CancellationToken cancellationToken)
    {
        if (_markets.TryGetValue(symbol, out var market)) return market;
        await LoadMarketsAsync(cancellationToken).ConfigureAwait(false);
        return _markets.GetValueOrDefault(symbol);
    }

    private async Task<LighterMarket> MarketAsync(string symbol, CancellationToken cancellationToken) =>
        await TryMarketAsync(symbol, cancellationToken).ConfigureAwait(false) ?? throw new ArgumentException($"Lighter lists no perpetual {symbol}", nameof(symbol));
}
