using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Mmd.Exchanges.Lighter;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Emulators.Lighter;

// The REST endpoints and sendTx: each reads the venue's parameters, acts on the paper venue, and answers in Lighter's shapes and codes.
public sealed partial class LighterEmulator
{
    /// <summary>The venue's order indexes start at 2^48, above every client order index.</summary>
    private const long OrderIndexBase = 1L << 48;

    // Orders the venue took and then ended itself (a post-only that would cross, a reduce-only that would grow the
    // position, not enough margin): the paper venue refused them outright, so they are kept here.
    private readonly ConcurrentQueue<(long Account, LighterOrder Order)> _endedByVenue = new();
    private long _endedIds = OrderIndexBase + 9_000_000_000;

    // Transactions are taken one at a time, as a sequencer does.
    private readonly Lock _sequencer = new();

    /// <summary>
    /// <c>GET /api/v1/candles</c>: the candles opening in [start_timestamp, end_timestamp] (ms), the latest count_back of
    /// them, at most <see cref="LighterConnector.KlinesPerRead"/>, in the venue's short keys with bare numbers and a zero
    /// figure left out; a resolution it lacks is code 20001 on a 200.
    /// </summary>
    private IResult Candles(HttpContext c)
    {
        var q = c.Request.Query;
        if (MarketOf(q["market_id"]) is not { } market) return Error(HttpStatusCode.BadRequest, 21001, "invalid market_id");
        var resolution = q["resolution"].ToString();
        if (resolution is not ("1m" or "5m" or "15m" or "1h" or "4h" or "1d") || CandleIntervals.Parse(resolution) is not { } interval)
            return Json(new LighterError(20001, "invalid param: resolution"));
        if (!long.TryParse(q["start_timestamp"], CultureInfo.InvariantCulture, out var start) || !long.TryParse(q["end_timestamp"], CultureInfo.InvariantCulture, out var end)
            || !int.TryParse(q["count_back"], CultureInfo.InvariantCulture, out var count))
            return Json(new LighterError(20001, "invalid param: start_timestamp, end_timestamp and count_back are required"));
        var candles = Exchange.Candles(market.Symbol, interval, DateTimeOffset.FromUnixTimeMilliseconds(start), DateTimeOffset.FromUnixTimeMilliseconds(end + 1))!
            .TakeLast(Math.Min(count, LighterConnector.KlinesPerRead));
        using var body = new MemoryStream();
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteNumber("code", 200);
            json.WriteString("r", resolution);
            json.WriteStartArray("c");
            var index = 0;
            foreach (var k in candles)
            {
                json.WriteStartObject();
                json.WriteNumber("t", k.Time.ToUnixTimeMilliseconds());
                foreach (var (key, figure) in new[] { ("o", k.Open), ("h", k.High), ("l", k.Low), ("c", k.Close), ("v", k.Volume), ("V", k.Volume * k.Close) })
                    if (figure != 0) json.WriteNumber(key, figure);
                json.WriteNumber("i", ++index);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Results.Bytes(body.ToArray(), "application/json");
    }

    private LighterMarket[] Markets() => Perpetuals.Select((i, id) => new LighterMarket(LighterSymbol(i.Symbol), id, "active", Decimals(i.StepSize),
        Decimals(i.TickSize), i.MinQuantity, i.MinNotional, Exchange.Mid(i.Symbol) ?? 0m)).ToArray();

    private static int Decimals(decimal unit)
    {
        var decimals = 0;
        while (unit * LighterMapping.Pow10(decimals) != decimal.Truncate(unit * LighterMapping.Pow10(decimals))) decimals++;
        return decimals;
    }

    private IResult Account(HttpContext c)
    {
        if (c.Request.Query["by"] != "index" || !long.TryParse(c.Request.Query["value"], out var index)) return Error(HttpStatusCode.BadRequest, 21001, "by=index&value=<account index>");
        if (!Auth.KeysOf(index).Any()) return Error(HttpStatusCode.BadRequest, 21100, "account not found");
        var paper = PaperAccount(index);
        var usdc = Exchange.Balances(paper).FirstOrDefault(b => b.Asset == "USDC");
        var positions = Exchange.Positions(paper).Where(p => MarketIdOf(p.Symbol) >= 0 && p.Quantity != 0)
            .Select(p => new LighterPosition(MarketIdOf(p.Symbol), LighterSymbol(p.Symbol), Math.Sign(p.Quantity), Math.Abs(p.Quantity), p.EntryPrice,
                Math.Abs(p.Quantity) * p.MarkPrice, p.UnrealizedPnl)).ToArray();
        return Json(new LighterAccounts(200, [new LighterAccount(index, usdc?.Total ?? 0m, usdc?.Available ?? 0m, positions)]));
    }

    private IResult ApiKeys(HttpContext c)
    {
        if (!long.TryParse(c.Request.Query["account_index"], out var account) || !int.TryParse(c.Request.Query["api_key_index"], out var key))
            return Error(HttpStatusCode.BadRequest, 21001, "account_index and api_key_index are required");
        // Index 255 asks for all of them.
        var keys = Auth.KeysOf(account).Where(k => key == 255 || k.Index == key)
            .Select(k => new LighterApiKey(account, k.Index, k.NextNonce, Convert.ToHexStringLower(k.PublicKey.ToLittleEndianBytes()))).ToArray();
        return Json(new LighterApiKeys(200, keys));
    }

    private IResult NextNonce(HttpContext c) =>
        long.TryParse(c.Request.Query["account_index"], out var account) && int.TryParse(c.Request.Query["api_key_index"], out var key) && Auth.NextNonce(account, key) is { } nonce
            ? Json(new LighterNextNonce(200, nonce))
            : Error(HttpStatusCode.BadRequest, LighterApiException.InvalidPublicKey, "no such API key");

    private IResult ActiveOrders(HttpContext c, long account, InstrumentSpec market) =>
        Json(new LighterOrders(200, Exchange.OpenOrders(PaperAccount(account), market.Symbol).Select(o => Wire(o, MarketIdOf(market.Symbol))).ToArray()));

    /// <summary>Ended orders, newest first, <c>limit</c> at a time; the cursor is where the next page starts.</summary>
    private IResult InactiveOrders(HttpContext c, long account, InstrumentSpec market)
    {
        var id = MarketIdOf(market.Symbol);
        var ended = Exchange.OrderHistory(PaperAccount(account), market.Symbol)
            .Where(o => o.Status is not (VenueOrderStatus.Open or VenueOrderStatus.PartiallyFilled)).Select(o => Wire(o, id))
            .Concat(_endedByVenue.Where(e => e.Account == account && e.Order.MarketIndex == id).Select(e => e.Order))
            .OrderByDescending(o => o.UpdatedAt).ThenByDescending(o => o.OrderIndex).ToList();
        var (page, next) = Page(ended, c);
        return Json(new LighterOrders(200, page, next));
    }

    /// <summary>The account's trades on a market, newest first, <c>limit</c> at a time.</summary>
    private IResult Trades(HttpContext c, long account, InstrumentSpec market)
    {
        var id = MarketIdOf(market.Symbol);
        var trades = Exchange.Fills(PaperAccount(account), market.Symbol, DateTimeOffset.UnixEpoch).GroupBy(f => f.TradeId).Select(t => Wire([.. t], account, id))
            .OrderByDescending(t => t.Timestamp).ThenByDescending(t => t.TradeId).ToList();
        var (page, next) = Page(trades, c);
        return Json(new LighterTrades(200, page, next));
    }

    /// <summary>The account's funding settlements on the market, newest first: in seconds, with the position each was paid on.</summary>
    private IResult PositionFunding(HttpContext c, long account, InstrumentSpec market)
    {
        var id = MarketIdOf(market.Symbol);
        var fundings = Exchange.Funding(PaperAccount(account), market.Symbol, DateTimeOffset.UnixEpoch)
            .Select(p => new LighterPositionFunding(p.Time.ToUnixTimeSeconds(), id, long.Parse(p.Id[(p.Id.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture),
                p.Amount, p.Rate, Math.Abs(p.Position), p.Position < 0 ? "short" : "long"))
            .OrderByDescending(f => f.Timestamp).ThenByDescending(f => f.FundingId).ToList();
        var (page, next) = Page(fundings, c);
        return Json(new LighterPositionFundings(200, page, next));
    }

    private static (T[] Page, string? Next) Page<T>(List<T> all, HttpContext c)
    {
        var limit = int.TryParse(c.Request.Query["limit"], out var l) ? Math.Clamp(l, 1, 100) : 100;
        var from = int.TryParse(c.Request.Query["cursor"], out var cursor) ? cursor : 0;
        var page = all.Skip(from).Take(limit).ToArray();
        return (page, from + page.Length < all.Count ? (from + page.Length).ToString(CultureInfo.InvariantCulture) : null);
    }

    /// <summary>
    /// <c>POST /api/v1/sendTx</c> (form fields tx_type, tx_info): a transaction is checked (signature, chain, expiry, the
    /// key's next nonce, its own fields), its nonce spent, and executed on the paper venue at once; the answer is 200 with
    /// its hash, as the venue's sequencer answers. A CreateOrder the venue ends (post-only crossing …) still answers 200:
    /// the order then reads <c>canceled-…</c>.
    /// </summary>
    private async Task<IResult> SendTxAsync(HttpContext c)
    {
        if (!c.Request.HasFormContentType) return Error(HttpStatusCode.BadRequest, 21001, "tx_type and tx_info are form fields");
        var form = await c.Request.ReadFormAsync(c.RequestAborted).ConfigureAwait(false);
        if (!int.TryParse(form["tx_type"], out var type)) return Error(HttpStatusCode.BadRequest, 21001, "tx_type is not a number");
        if (LighterTx.Parse(type, form["tx_info"].ToString(), out var signature, out var error) is not { } tx)
            return Error(HttpStatusCode.BadRequest, 21001, "invalid tx_info: " + error);
        lock (_sequencer)
        {
            if (Auth.Check(tx, signature, Now) is { } denied) return Error(HttpStatusCode.BadRequest, denied.Code, denied.Message);
            if (Validate(tx) is { } invalid) return Error(HttpStatusCode.BadRequest, invalid.Code, invalid.Message);
            Auth.Spend(tx);
            Execute(tx);
        }
        var hash = Convert.ToHexStringLower(tx.Hash(Auth.ChainId).ToLittleEndianBytes());
        return Json(new { code = 200, message = "{\"ratelimit\": \"didn't use volume quota\"}", tx_hash = hash, predicted_execution_time_ms = Now.ToUnixTimeMilliseconds() + 1 });
    }

    /// <summary>What the venue refuses before taking a transaction (its nonce is not spent).</summary>
    private (int Code, string Message)? Validate(LighterTx tx)
    {
        switch (tx)
        {
            case LighterCreateOrderTx o:
                if (o.MarketIndex < 0 || o.MarketIndex >= Perpetuals.Length) return (21001, "invalid market index");
                if (o.OrderType != LighterCreateOrderTx.Limit) return (21001, "the emulator takes limit orders only");
                if (o.ClientOrderIndex is < 1 or > LighterTx.MaxClientOrderIndex) return (21001, "invalid client order index");
                var market = Perpetuals[o.MarketIndex];
                if (Exchange.GetOrder(PaperAccount(o.AccountIndex), market.Symbol, Id(o.ClientOrderIndex)) is { Status: VenueOrderStatus.Open or VenueOrderStatus.PartiallyFilled })
                    return (LighterApiException.DuplicateClientOrderIndex, "client order index already exists");
                if (Size(o.BaseAmount, market) < market.MinQuantity) return (21706, "order size below the market's minimum");
                return null;
            case LighterCancelOrderTx c:
                return c.MarketIndex < 0 || c.MarketIndex >= Perpetuals.Length ? (21001, "invalid market index") : null;
            case LighterCancelAllOrdersTx a:
                return ValidateCancelAll(a);
            default:
                return (21001, $"the emulator does not take {tx.Type} transactions");
        }
    }

    private void Execute(LighterTx tx)
    {
        var account = PaperAccount(tx.AccountIndex);
        switch (tx)
        {
            case LighterCreateOrderTx o:
                var market = Perpetuals[o.MarketIndex];
                var postOnly = o.TimeInForce == LighterCreateOrderTx.PostOnly;
                var request = new PlaceOrderRequest(market.Symbol, Id(o.ClientOrderIndex), o.IsAsk ? Side.Sell : Side.Buy, OrderType.Limit,
                    o.TimeInForce == LighterCreateOrderTx.ImmediateOrCancel ? TimeInForce.Ioc : TimeInForce.Gtc, Price(o.Price, market), Size(o.BaseAmount, market),
                    postOnly, o.ReduceOnly);
                var result = Exchange.Place(account, request);
                if (result.Outcome == CommandOutcome.Accepted) return;
                var now = Now.ToUnixTimeMilliseconds();
                var ended = new LighterOrder(Interlocked.Increment(ref _endedIds), o.ClientOrderIndex, o.MarketIndex, request.Quantity,
                    request.Quantity, 0m, request.Price!.Value, o.IsAsk, "limit", LighterMapping.ToWire(request.TimeInForce, postOnly), o.ReduceOnly,
                    LighterMapping.RefusalStatusOf(result.Code) ?? LighterMapping.Canceled, now, now);
                _endedByVenue.Enqueue((tx.AccountIndex, ended));
                PushEndedByVenue(tx.AccountIndex, ended);
                return;
            case LighterCancelOrderTx c:
                var symbol = Perpetuals[c.MarketIndex].Symbol;
                var order = c.Index > LighterTx.MaxClientOrderIndex
                    ? Exchange.GetOrderById(account, symbol, Id(c.Index - OrderIndexBase))
                    : Exchange.GetOrder(account, symbol, Id(c.Index));
                // A cancel of an order that has ended is taken, and does nothing.
                if (order is { Status: VenueOrderStatus.Open or VenueOrderStatus.PartiallyFilled }) Exchange.Cancel(account, new CancelOrderRequest(symbol, order.VenueOrderId, null));
                return;
            case LighterCancelAllOrdersTx a:
                ExecuteCancelAll(a);
                return;
        }
    }

    private static decimal Price(uint price, InstrumentSpec market) => price / (decimal)LighterMapping.Pow10(Decimals(market.TickSize));

    private static decimal Size(long size, InstrumentSpec market) => size / (decimal)LighterMapping.Pow10(Decimals(market.StepSize));

    private static string Id(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static LighterOrder Wire(VenueOrder o, int marketId)
    {
        var status = o.Status switch
        {
            VenueOrderStatus.Open or VenueOrderStatus.PartiallyFilled => LighterMapping.Open,
            VenueOrderStatus.Filled => LighterMapping.Filled,
            _ => LighterMapping.Canceled,
        };
        return new LighterOrder(OrderIndexBase + long.Parse(o.VenueOrderId, CultureInfo.InvariantCulture),
            long.TryParse(o.ClientOrderId, NumberStyles.None, CultureInfo.InvariantCulture, out var client) ? client : 0, marketId, o.Quantity,
            o.Quantity - o.FilledQuantity, o.FilledQuantity, o.Price ?? 0m, o.Side == Side.Sell, o.Type == OrderType.Market ? "market" : "limit",
            LighterMapping.ToWire(o.TimeInForce, o.PostOnly), o.ReduceOnly, status, o.CreatedAt.ToUnixTimeMilliseconds(), o.UpdatedAt.ToUnixTimeMilliseconds());
    }

    /// <summary>
    /// Our fills of one trade as Lighter's trade: our account on our side, the paper market's flow (account 0) on the other,
    /// or ours on both when our orders traded with each other; each fee as a rate in millionths.
    /// </summary>
    private static LighterTrade Wire(List<VenueFill> sameTrade, long account, int marketId)
    {
        var f = sameTrade[0];
        var ask = sameTrade.FirstOrDefault(x => x.Side == Side.Sell);
        var bid = sameTrade.FirstOrDefault(x => x.Side == Side.Buy);
        var notional = f.Price * f.Quantity;
        long Rate(VenueFill x) => notional == 0 ? 0 : (long)decimal.Round(x.Fee / notional * 1_000_000m);
        var maker = sameTrade.FirstOrDefault(x => x.IsMaker);
        var taker = sameTrade.FirstOrDefault(x => !x.IsMaker);
        return new LighterTrade(long.Parse(f.TradeId.TrimStart('T'), CultureInfo.InvariantCulture), marketId, f.Quantity, f.Price, notional,
            OrderIndex(ask), OrderIndex(bid), ClientIndex(ask), ClientIndex(bid), ask is null ? 0 : account, bid is null ? 0 : account,
            IsMakerAsk: ask?.IsMaker ?? bid?.IsMaker == false, f.Timestamp.ToUnixTimeMilliseconds(), TakerFee: taker is null ? 0 : Rate(taker),
            MakerFee: maker is null ? 0 : Rate(maker));

        static long OrderIndex(VenueFill? x) => x is null ? 0 : OrderIndexBase + long.Parse(x.VenueOrderId, CultureInfo.InvariantCulture);
        static long ClientIndex(VenueFill? x) => long.TryParse(x?.ClientOrderId, NumberStyles.None, CultureInfo.InvariantCulture, out var client) ? client : 0;
    }
}
