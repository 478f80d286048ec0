using System.Globalization;
using System.Net;
using System.Text.Json;
using Mmd.Exchanges.Aster;
using Mmd.Exchanges.Shared;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Emulators.Aster;

// The REST endpoints: each reads the venue's parameters, acts on the paper venue, and answers in Aster's shapes and codes.
public sealed partial class AsterEmulator
{
    private const int WeightLimit = 2400;
    private readonly Lock _weightGate = new();
    private long _weightMinute;
    private int _weightUsed;

    /// <summary>Aster's name of a paper perpetual: SOL_USDC_PERP is SOLUSDC.</summary>
    public static string AsterSymbol(string paperSymbol) => paperSymbol.Replace("_PERP", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);

    private string? PaperSymbol(string asterSymbol) =>
        Exchange.Instruments.FirstOrDefault(i => i.Kind == InstrumentKind.Perpetual && AsterSymbol(i.Symbol) == asterSymbol)?.Symbol;

    private AsterExchangeInfo ExchangeInfo() => new(
        [new AsterRateLimit("REQUEST_WEIGHT", "MINUTE", 1, WeightLimit), new AsterRateLimit("ORDERS", "MINUTE", 1, 1200)],
        Exchange.Instruments.Where(i => i.Kind == InstrumentKind.Perpetual).Select(i => new AsterSymbol(
            AsterSymbol(i.Symbol), "TRADING", i.BaseAsset, i.QuoteAsset, i.QuoteAsset, "PERPETUAL",
            // Deliberately not the tick's decimals: a client must read the tick from PRICE_FILTER (the seed's bug).
            PricePrecision: 8, QuantityPrecision: 8,
            [
                new AsterFilter("PRICE_FILTER", TickSize: i.TickSize, MinPrice: i.TickSize, MaxPrice: 1_000_000m),
                new AsterFilter("LOT_SIZE", StepSize: i.StepSize, MinQty: i.MinQuantity, MaxQty: 1_000_000m),
                new AsterFilter("MIN_NOTIONAL", Notional: Math.Max(i.MinNotional, 5m)),
            ])).ToArray());

    private IResult Depth(string symbol)
    {
        if (PaperSymbol(symbol) is not { } paper) return Error(HttpStatusCode.BadRequest, -1121, "Invalid symbol.");
        var book = Exchange.BookSnapshot(paper);
        string[][] Levels(IEnumerable<Trading.MarketData.BookLevel> levels) => levels.Select(l => new[] { Text(l.Price), Text(l.Quantity) }).ToArray();
        var ms = book.Time.ToUnixTimeMilliseconds();
        return Json(new AsterDepth(book.Sequence * IdScale, ms, ms, Levels(book.Bids), Levels(book.Asks)));
    }

    /// <summary><c>GET /fapi/v1/klines</c>: the candles opening in [startTime, endTime] (ms; endTime default now), at most limit (default 500, up to 1500).</summary>
    private IResult Klines(HttpRequest request)
    {
        var q = request.Query;
        if (PaperSymbol(q["symbol"].ToString()) is not { } paper) return Error(HttpStatusCode.BadRequest, -1121, "Invalid symbol.");
        if (CandleIntervals.Parse(q["interval"].ToString()) is not { } interval) return Error(HttpStatusCode.BadRequest, -1120, "Invalid interval.");
        var limit = int.TryParse(q["limit"], CultureInfo.InvariantCulture, out var l) ? l : 500;
        if (limit is < 1 or > AsterConnector.KlinesPerRead) return Error(HttpStatusCode.BadRequest, -1130, "Invalid data sent for a parameter.");
        var end = long.TryParse(q["endTime"], CultureInfo.InvariantCulture, out var e) ? DateTimeOffset.FromUnixTimeMilliseconds(e + 1) : VenueNow;
        var start = long.TryParse(q["startTime"], CultureInfo.InvariantCulture, out var s) ? DateTimeOffset.FromUnixTimeMilliseconds(s) : end - interval * limit;
        var candles = Exchange.Candles(paper, interval, start, end)!;
        // Without a start the venue answers the latest; with one, the earliest.
        var chosen = q.ContainsKey("startTime") ? candles.Take(limit) : candles.TakeLast(limit);
        return Json(chosen.Select(c => AsterKline.Row(c.Time.ToUnixTimeMilliseconds(), (c.Time + interval).ToUnixTimeMilliseconds() - 1,
            Text(c.Open), Text(c.High), Text(c.Low), Text(c.Close), Text(c.Volume), Text(c.Volume * c.Close), 0)).ToArray());
    }

    private IResult OpenOrders(Request r) => WithSymbol(r, paper => Json(Exchange.OpenOrders(r.Account, paper).Select(Wire).ToArray()));

    private IResult QueryOrder(Request r) => WithSymbol(r, paper =>
    {
        var order = r.Fields.TryGetValue("origClientOrderId", out var clientId) ? Exchange.GetOrder(r.Account, paper, clientId)
            : r.Fields.TryGetValue("orderId", out var id) ? Exchange.GetOrderById(r.Account, paper, id) : null;
        return order is null ? Refused(RejectCode.OrderNotFound, null, -2013) : Json(Wire(order));
    });

    private IResult PlaceOrder(Request r) => WithSymbol(r, paper =>
    {
        var (order, refusal) = Place(r.Account, paper, r.Fields);
        return order is not null ? Json(order) : Error(HttpStatusCode.BadRequest, refusal!.Code, refusal.Msg);
    });

    /// <summary>Up to 5 orders; each answer is the order or its own error, in the request's order.</summary>
    private IResult PlaceBatch(Request r)
    {
        if (!r.Fields.TryGetValue("batchOrders", out var text)) return Error(HttpStatusCode.BadRequest, -1102, "Mandatory parameter 'batchOrders' was not sent.");
        Dictionary<string, string>[]? orders;
        try
        {
            orders = JsonSerializer.Deserialize<Dictionary<string, string>[]>(text);
        }
        catch (JsonException)
        {
            return Error(HttpStatusCode.BadRequest, -1130, "Data sent for parameter 'batchOrders' is not valid.");
        }
        if (orders is null || orders.Length is 0 or > 5) return Error(HttpStatusCode.BadRequest, -1130, "Data sent for parameter 'batchOrders' is not valid.");
        return Json(orders.Select(o =>
        {
            if (!o.TryGetValue("symbol", out var symbol) || PaperSymbol(symbol) is not { } paper) return new AsterError(-1121, "Invalid symbol.");
            var (order, refusal) = Place(r.Account, paper, o);
            return (object?)order ?? refusal!;
        }).ToArray());
    }

    /// <summary>Up to 10 cancels by client id (origClientOrderIdList) or venue id (orderIdList); each answer in the request's order.</summary>
    private IResult CancelBatch(Request r) => WithSymbol(r, paper =>
    {
        string[]? clientIds = null;
        long[]? orderIds = null;
        try
        {
            if (r.Fields.TryGetValue("origClientOrderIdList", out var c)) clientIds = JsonSerializer.Deserialize<string[]>(c);
            else if (r.Fields.TryGetValue("orderIdList", out var o)) orderIds = JsonSerializer.Deserialize<long[]>(o);
        }
        catch (JsonException)
        {
            return Error(HttpStatusCode.BadRequest, -1130, "Data sent for parameter 'origClientOrderIdList' is not valid.");
        }
        var keys = clientIds?.Select(id => (Venue: (string?)null, Client: (string?)id)).ToArray()
            ?? orderIds?.Select(id => (Venue: (string?)id.ToString(CultureInfo.InvariantCulture), Client: (string?)null)).ToArray();
        if (keys is null || keys.Length is 0 or > 10) return Error(HttpStatusCode.BadRequest, -1130, "Data sent for parameter 'origClientOrderIdList' is not valid.");
        return Json(keys.Select(k =>
        {
            var result = Exchange.Cancel(r.Account, new CancelOrderRequest(paper, k.Venue, k.Client));
            return result.Outcome == CommandOutcome.Accepted ? (object)Wire(result.Order!) : new AsterError(-2011, "Unknown order sent.");
        }).ToArray());
    });

    private (AsterOrder? Order, AsterError? Refusal) Place(string account, string paper, IReadOnlyDictionary<string, string> f)
    {
        if (!f.TryGetValue("side", out var side) || !f.TryGetValue("type", out var type) || !f.TryGetValue("quantity", out var quantity))
            return (null, new AsterError(-1102, "Mandatory parameter was not sent, was empty/null, or malformed."));
        // Self-trade prevention: EXPIRE_TAKER ends an order where it meets a resting order of the same account; EXPIRE_MAKER
        // expires that resting order instead (the paper venue's own rule). EXPIRE_BOTH is not modelled.
        var stp = f.GetValueOrDefault("stpMode") ?? AccountStpMode;
        if (stp is not ("EXPIRE_TAKER" or "EXPIRE_MAKER")) return (null, new AsterError(-1130, "Data sent for parameter 'stpMode' is not valid."));
        var (tif, postOnly) = AsterMapping.TimeInForceOf(f.GetValueOrDefault("timeInForce"));
        var clientId = f.GetValueOrDefault("newClientOrderId") ?? "aster#" + Guid.NewGuid().ToString("N")[..12];
        var request = new PlaceOrderRequest(paper, clientId, AsterMapping.SideOf(side), AsterMapping.OrderTypeOf(type), tif,
            f.TryGetValue("price", out var price) ? WireLevels.Money(price) : null, WireLevels.Money(quantity), postOnly, f.GetValueOrDefault("reduceOnly") == "true");
        var result = Exchange.Place(account, request, endsOnSelfTrade: stp == "EXPIRE_TAKER");
        if (result.Outcome == CommandOutcome.Accepted) return (Wire(result.Order!), null);
        var (code, message) = AsterMapping.RefusalOf(result.Code, result.Message);
        return (null, new AsterError(code, message));
    }

    private IResult CancelOrder(Request r) => WithSymbol(r, paper =>
    {
        var result = Exchange.Cancel(r.Account, new CancelOrderRequest(paper, r.Fields.GetValueOrDefault("orderId"), r.Fields.GetValueOrDefault("origClientOrderId")));
        return result.Outcome == CommandOutcome.Accepted ? Json(Wire(result.Order!)) : Refused(result.Code, result.Message, -2011);
    });

    private IResult CancelAll(Request r) => WithSymbol(r, paper =>
    {
        Exchange.CancelAll(r.Account, paper, null);
        return Results.Json(new { code = 200, msg = "The operation of cancel all open order is done." });
    });

    private IResult UserTrades(Request r) => WithSymbol(r, paper =>
    {
        var since = r.Fields.TryGetValue("startTime", out var start) ? DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(start, CultureInfo.InvariantCulture)) : DateTimeOffset.MinValue;
        var limit = r.Fields.TryGetValue("limit", out var l) ? Math.Clamp(int.Parse(l, CultureInfo.InvariantCulture), 1, 1000) : 500;
        var fromId = r.Fields.TryGetValue("fromId", out var from) ? long.Parse(from, CultureInfo.InvariantCulture) : 0;
        return Json(Exchange.Fills(r.Account, paper, fromId > 0 ? DateTimeOffset.MinValue : since).Where(t => TradeNumber(t.TradeId) >= fromId).Take(limit).Select(t => new AsterTrade(TradeNumber(t.TradeId),
            long.Parse(t.VenueOrderId, CultureInfo.InvariantCulture), AsterSymbol(t.Symbol), AsterMapping.ToWire(t.Side), t.Price, t.Quantity, t.Fee, t.FeeAsset,
            t.IsMaker, t.Timestamp.ToUnixTimeMilliseconds())).ToArray());
    });

    /// <summary>The account's funding fees (incomeType FUNDING_FEE; other income types are empty here).</summary>
    private IResult Income(Request r) => WithSymbol(r, paper =>
    {
        if (r.Fields.GetValueOrDefault("incomeType") is { } type && type != "FUNDING_FEE") return Json(Array.Empty<AsterIncome>());
        var since = r.Fields.TryGetValue("startTime", out var start) ? DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(start, CultureInfo.InvariantCulture)) : DateTimeOffset.UnixEpoch;
        var limit = r.Fields.TryGetValue("limit", out var l) ? Math.Clamp(int.Parse(l, CultureInfo.InvariantCulture), 1, 1000) : 100;
        var quote = Exchange.Instruments.First(i => i.Symbol == paper).QuoteAsset;
        return Json(Exchange.Funding(r.Account, paper, since).Take(limit).Select(p => new AsterIncome(AsterSymbol(paper), "FUNDING_FEE", p.Amount, quote,
            p.Time.ToUnixTimeMilliseconds(), long.Parse(p.Id[(p.Id.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture))).ToArray());
    });

    private IResult FundingRates(string symbol, string startTime)
    {
        if (PaperSymbol(symbol) is not { } paper) return Error(HttpStatusCode.BadRequest, -1121, "Invalid symbol.");
        var since = long.TryParse(startTime, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : DateTimeOffset.UnixEpoch;
        return Json(Exchange.FundingRates(paper, since).Select(r => new AsterFundingRate(symbol, r.Rate, r.Time.ToUnixTimeMilliseconds())).ToArray());
    }

    private IResult Positions(Request r) => Json(Exchange.Positions(r.Account).Where(p => p.Symbol.EndsWith("_PERP", StringComparison.Ordinal))
        .Select(p => new AsterPosition(AsterSymbol(p.Symbol), p.Quantity, p.EntryPrice, p.MarkPrice, p.UnrealizedPnl, "BOTH")).ToArray());

    private IResult Balances(Request r) => Json(Exchange.Balances(r.Account)
        .Select(b => new AsterBalance(b.Asset, b.Available + b.Locked, b.Available, 0m)).ToArray());

    private IResult WithSymbol(Request r, Func<string, IResult> handler) =>
        r.Fields.TryGetValue("symbol", out var symbol) && PaperSymbol(symbol) is { } paper ? handler(paper) : Error(HttpStatusCode.BadRequest, -1121, "Invalid symbol.");

    private static IResult Refused(RejectCode code, string? message, int? notFound = null)
    {
        var (venueCode, text) = code == RejectCode.OrderNotFound && notFound is { } nf ? (nf, "Unknown order sent.") : AsterMapping.RefusalOf(code, message);
        return Error(HttpStatusCode.BadRequest, venueCode, text);
    }

    private static AsterOrder Wire(VenueOrder o) => new(long.Parse(o.VenueOrderId, CultureInfo.InvariantCulture), o.ClientOrderId, AsterSymbol(o.Symbol),
        AsterMapping.ToWire(o.Side), AsterMapping.ToWire(o.Type), AsterMapping.ToWire(o.TimeInForce, o.PostOnly),
        o.Status switch
        {
            VenueOrderStatus.Open => "NEW",
            VenueOrderStatus.PartiallyFilled => "PARTIALLY_FILLED",
            VenueOrderStatus.Filled => "FILLED",
            VenueOrderStatus.Cancelled => "CANCELED",
            VenueOrderStatus.Expired => "EXPIRED",
            _ => "REJECTED",
        },
        o.Price ?? 0m, o.Quantity, o.FilledQuantity, 0m, o.ReduceOnly, o.UpdatedAt.ToUnixTimeMilliseconds(), o.CreatedAt.ToUnixTimeMilliseconds());

    /// <summary>The weight used in the current minute, this request's included (every private request weighs 1 here, 5 for the heavy reads).</summary>
    private string UsedWeight(string path)
    {
        var weight = path.EndsWith("userTrades", StringComparison.Ordinal) || path.EndsWith("positionRisk", StringComparison.Ordinal)
            || path.EndsWith("balance", StringComparison.Ordinal) ? 5 : 1;
        var minute = VenueNow.ToUnixTimeSeconds() / 60;
        lock (_weightGate)
        {
            if (minute != _weightMinute) (_weightMinute, _weightUsed) = (minute, 0);
            _weightUsed += weight;
            return _weightUsed.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
