using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Mmd.Exchanges.Paradex;
using Mmd.Exchanges.Shared;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Emulators.Paradex;

// The REST endpoints: each reads the venue's parameters, acts on the paper venue, and answers in Paradex's shapes and codes.
public sealed partial class ParadexEmulator
{
    // Orders the venue took and then closed itself (a post-only that would cross, a reduce-only that would grow the
    // position, not enough margin): the paper venue refused them outright, so they are kept here, by id.
    private readonly ConcurrentDictionary<string, (string Account, ParadexOrder Order)> _closedByVenue = new(StringComparer.Ordinal);
    private long _closedIds = 9_000_000_000;

    private ParadexMarket[] Markets() => Exchange.Instruments.Where(i => i.Kind == InstrumentKind.Perpetual)
        .Select(i => new ParadexMarket(ParadexSymbol(i.Symbol), i.BaseAsset, "USD", i.QuoteAsset, "PERP", i.TickSize, i.StepSize, Math.Max(i.MinNotional, 1m)))
        .ToArray();

    /// <summary>
    /// <c>GET /v1/markets/klines</c>: rows of bare numbers, [start ms, open, high, low, close, volume], for the
    /// candles opening in [start_at, end_at], at most <see cref="ParadexConnector.KlinesPerRead"/>.
    /// </summary>
    private IResult Klines(HttpContext c)
    {
        var q = c.Request.Query;
        if (PaperSymbol(q["symbol"].ToString()) is not { } paper) return Error(HttpStatusCode.BadRequest, "INVALID_SYMBOL", "invalid market");
        if (!int.TryParse(q["resolution"], CultureInfo.InvariantCulture, out var minutes) || minutes is not (1 or 3 or 5 or 15 or 30 or 60))
            return Error(HttpStatusCode.BadRequest, "VALIDATION_ERROR", "resolution must be one of 1, 3, 5, 15, 30, 60");
        if (!long.TryParse(q["start_at"], CultureInfo.InvariantCulture, out var start) || !long.TryParse(q["end_at"], CultureInfo.InvariantCulture, out var end))
            return Error(HttpStatusCode.BadRequest, "VALIDATION_ERROR", "start_at and end_at are required");
        var interval = TimeSpan.FromMinutes(minutes);
        var candles = Exchange.Candles(paper, interval, DateTimeOffset.FromUnixTimeMilliseconds(start), DateTimeOffset.FromUnixTimeMilliseconds(end + 1))!;
        using var body = new MemoryStream();
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteStartArray("results");
            foreach (var k in candles.Take(ParadexConnector.KlinesPerRead))
            {
                json.WriteStartArray();
                json.WriteNumberValue(k.Time.ToUnixTimeMilliseconds());
                foreach (var figure in (ReadOnlySpan<decimal>)[k.Open, k.High, k.Low, k.Close, k.Volume]) json.WriteNumberValue(figure);
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Results.Bytes(body.ToArray(), "application/json");
    }

    private IResult OpenOrders(HttpContext c, string account)
    {
        var market = c.Request.Query["market"].ToString();
        var symbols = market.Length == 0
            ? Exchange.Instruments.Where(i => i.Kind == InstrumentKind.Perpetual).Select(i => i.Symbol)
            : PaperSymbol(market) is { } paper ? [paper] : [];
        return Json(new ParadexResults<ParadexOrder>(symbols.SelectMany(s => Exchange.OpenOrders(account, s)).Select(Wire).ToArray()));
    }

    private IResult GetOrder(string account, string id)
    {
        if (_closedByVenue.TryGetValue(id, out var closed) && closed.Account == account) return Json(closed.Order);
        var order = Exchange.Instruments.Select(i => Exchange.GetOrderById(account, i.Symbol, id)).FirstOrDefault(o => o is not null);
        return order is null ? Error(HttpStatusCode.NotFound, "ORDER_ID_NOT_FOUND", "order not found") : Json(Wire(order));
    }

    private IResult OrderHistory(HttpContext c, string account)
    {
        if (PaperSymbol(c.Request.Query["market"].ToString()) is not { } paper) return Error(HttpStatusCode.BadRequest, "INVALID_SYMBOL", "invalid market");
        var clientId = c.Request.Query["client_id"].ToString();
        var orders = Exchange.OrderHistory(account, paper).Select(Wire)
            .Concat(_closedByVenue.Values.Where(v => v.Account == account && v.Order.Market == ParadexSymbol(paper)).Select(v => v.Order))
            .Where(o => clientId.Length == 0 || o.ClientId == clientId)
            .OrderByDescending(o => o.CreatedAt).ToArray();
        return Json(new ParadexResults<ParadexOrder>(orders));
    }

    /// <summary>
    /// Checks the signature and window, then places on the paper venue. Paradex answers 201 with the order NEW and settles it
    /// after: here the paper venue has settled it already, and <c>GET /v1/orders/{id}</c> shows how.
    /// </summary>
    private async Task<IResult> PlaceOrderAsync(HttpContext c, string account)
    {
        ParadexNewOrder? order;
        try
        {
            order = await c.Request.ReadFromJsonAsync<ParadexNewOrder>(ParadexJson.Options, c.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return Error(HttpStatusCode.BadRequest, "BINDING_ERROR", "the body is not an order");
        }
        if (order is null) return Error(HttpStatusCode.BadRequest, "BINDING_ERROR", "the body is not an order");
        if (PaperSymbol(order.Market) is not { } paper) return Error(HttpStatusCode.BadRequest, "INVALID_SYMBOL", "invalid market");
        var (denied, why) = Auth.CheckOrder(account, order, Now);
        if (denied is not null) return Error(HttpStatusCode.BadRequest, denied, why!);
        // Self-trade prevention, the venue's default EXPIRE_TAKER: an order meeting a resting order of the same account ends
        // there; EXPIRE_MAKER expires that resting order instead (the paper venue's own rule). EXPIRE_BOTH is not modelled.
        var stp = order.Stp ?? "EXPIRE_TAKER";
        if (stp is not ("EXPIRE_TAKER" or "EXPIRE_MAKER")) return Error(HttpStatusCode.BadRequest, "VALIDATION_ERROR", $"stp {stp} is not supported here");
        var (tif, postOnly) = ParadexMapping.TimeInForceOf(order.Instruction);
        var side = ParadexMapping.SideOf(order.Side);
        var request = new PlaceOrderRequest(paper, order.ClientId, side, ParadexMapping.OrderTypeOf(order.Type), tif,
            order.Price is { } p && order.Type != "MARKET" ? WireLevels.Money(p) : null, WireLevels.Money(order.Size), postOnly,
            order.Flags?.Contains("REDUCE_ONLY") == true);
        var result = Exchange.Place(account, request, endsOnSelfTrade: stp == "EXPIRE_TAKER");
        if (result.Outcome == CommandOutcome.Accepted) return Json(Wire(result.Order!) with { Status = "NEW" }, 201);
        if (CancelReasonOf(result.Code) is { } reason)
        {
            var now = Now.ToUnixTimeMilliseconds();
            var id = Interlocked.Increment(ref _closedIds).ToString(CultureInfo.InvariantCulture);
            var closed = new ParadexOrder(id, order.ClientId, order.Market, order.Side, order.Type, request.Quantity, request.Quantity, request.Price ?? 0m,
                order.Instruction, "CLOSED", reason, order.Flags, now, now);
            _closedByVenue[id] = (account, closed);
            PushClosed(account, closed);
            return Json(closed with { Status = "NEW", CancelReason = null }, 201);
        }
        var (code, message) = ParadexMapping.RefusalCodeOf(result.Code, result.Message);
        return Error(HttpStatusCode.BadRequest, code, message);
    }

    /// <summary>The refusals Paradex makes after taking an order (it closes the order with a reason); null for those it answers 400.</summary>
    private static string? CancelReasonOf(RejectCode code) => code switch
    {
        RejectCode.PostOnlyWouldTake => "POST_ONLY_WOULD_CROSS",
        RejectCode.ReduceOnlyWouldIncrease => "REDUCE_ONLY_WOULD_INCREASE",
        RejectCode.InsufficientFunds => "NOT_ENOUGH_MARGIN",
        _ => null,
    };

    private IResult Cancel(string account, string id)
    {
        if (_closedByVenue.ContainsKey(id)) return Error(HttpStatusCode.BadRequest, "ORDER_IS_CLOSED", "order is closed");
        var order = Exchange.Instruments.Select(i => Exchange.GetOrderById(account, i.Symbol, id)).FirstOrDefault(o => o is not null);
        if (order is null) return Error(HttpStatusCode.NotFound, "ORDER_ID_NOT_FOUND", "order not found");
        if (order.Status is not (VenueOrderStatus.Open or VenueOrderStatus.PartiallyFilled)) return Error(HttpStatusCode.BadRequest, "ORDER_IS_CLOSED", "order is closed");
        Exchange.Cancel(account, new CancelOrderRequest(order.Symbol, id, null));
        return Results.NoContent();
    }

    private IResult CancelByClientId(HttpContext c, string account, string clientId)
    {
        if (PaperSymbol(c.Request.Query["market"].ToString()) is not { } paper) return Error(HttpStatusCode.BadRequest, "INVALID_SYMBOL", "invalid market");
        var order = Exchange.GetOrder(account, paper, clientId);
        if (order is not { Status: VenueOrderStatus.Open or VenueOrderStatus.PartiallyFilled })
            return Error(HttpStatusCode.NotFound, "CLIENT_ORDER_ID_NOT_FOUND", "no open order has this client id");
        Exchange.Cancel(account, new CancelOrderRequest(paper, null, clientId));
        return Results.NoContent();
    }

    private IResult CancelAll(HttpContext c, string account)
    {
        var market = c.Request.Query["market"].ToString();
        var symbols = market.Length == 0
            ? Exchange.Instruments.Where(i => i.Kind == InstrumentKind.Perpetual).Select(i => i.Symbol).ToList()
            : PaperSymbol(market) is { } paper ? [paper] : null;
        if (symbols is null) return Error(HttpStatusCode.BadRequest, "INVALID_SYMBOL", "invalid market");
        foreach (var symbol in symbols) Exchange.CancelAll(account, symbol, null);
        return Results.NoContent();
    }

    /// <summary>Fills from <c>start_at</c>, oldest first, <c>page_size</c> at a time; the cursor is where the next page starts.</summary>
    private IResult Fills(HttpContext c, string account)
    {
        if (PaperSymbol(c.Request.Query["market"].ToString()) is not { } paper) return Error(HttpStatusCode.BadRequest, "INVALID_SYMBOL", "invalid market");
        var since = long.TryParse(c.Request.Query["start_at"], NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : DateTimeOffset.UnixEpoch;
        var size = int.TryParse(c.Request.Query["page_size"], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? Math.Clamp(s, 1, 5000) : 100;
        var from = int.TryParse(c.Request.Query["cursor"], NumberStyles.None, CultureInfo.InvariantCulture, out var cursor) ? cursor : 0;
        // The account's whole history in the market, read once: a fill's realized funding starts at the fill before it.
        var history = Exchange.Fills(account, paper, DateTimeOffset.UnixEpoch);
        var funding = Exchange.Funding(account, paper, DateTimeOffset.UnixEpoch);
        var all = history.Where(f => f.Timestamp >= since).ToList(); // the history is in time order: these are its last ones
        var first = history.Count - all.Count;
        var page = all.Skip(from).Take(size).Select((f, i) => Wire(f, RealizedFunding(history, first + from + i, funding))).ToArray();
        var next = from + page.Length < all.Count ? (from + page.Length).ToString(CultureInfo.InvariantCulture) : null;
        return Json(new ParadexResults<ParadexFill>(page, next));
    }

    private IResult Positions(string account) => Json(new ParadexResults<ParadexPosition>(Exchange.Positions(account)
        .Where(p => p.Symbol.EndsWith("_PERP", StringComparison.Ordinal))
        .Select(p => new ParadexPosition(ParadexSymbol(p.Symbol), p.Quantity >= 0 ? "LONG" : "SHORT", p.Quantity, p.EntryPrice, p.UnrealizedPnl,
            p.Quantity == 0 ? "CLOSED" : "OPEN")).ToArray()));

    // A Paradex account holds collateral only (USDC); the paper account's base assets are not the venue's.
    private IResult Balances(string account) => Json(new ParadexResults<ParadexBalance>(Exchange.Balances(account)
        .Where(b => b.Asset == "USDC").Select(b => new ParadexBalance(b.Asset, b.Total)).ToArray()));

    private IResult Account(string account)
    {
        var usdc = Exchange.Balances(account).FirstOrDefault(b => b.Asset == "USDC");
        return Json(new ParadexAccount(account, usdc?.Total ?? 0m, usdc?.Available ?? 0m, usdc?.Total ?? 0m));
    }

    private static ParadexFill Wire(VenueFill f, decimal realizedFunding) => new(f.TradeId, f.VenueOrderId, f.ClientOrderId, ParadexSymbol(f.Symbol),
        ParadexMapping.ToWire(f.Side), f.Price, f.Quantity, f.Fee, f.FeeAsset, f.IsMaker ? "MAKER" : "TAKER", f.Timestamp.ToUnixTimeMilliseconds(), realizedFunding);

    /// <summary>A fill just pushed, with its realized funding: it is among the account's newest.</summary>
    private ParadexFill Wire(VenueFill f, string account)
    {
        var history = Exchange.Fills(account, f.Symbol, DateTimeOffset.UnixEpoch);
        var at = history.Count - 1;
        while (at >= 0 && history[at].TradeId != f.TradeId) at--;
        return Wire(f, at < 0 ? 0m : RealizedFunding(history, at, Exchange.Funding(account, f.Symbol, DateTimeOffset.UnixEpoch)));
    }

    /// <summary>
    /// Paradex realizes a position's accrued funding when the position changes: the fill at <paramref name="at"/> of the
    /// account's <paramref name="history"/> in a market realizes what the paper venue settled on that position since the
    /// fill before it.
    /// </summary>
    private static decimal RealizedFunding(IReadOnlyList<VenueFill> history, int at, IReadOnlyList<FundingPayment> funding)
    {
        var after = at > 0 ? history[at - 1].Timestamp : DateTimeOffset.MinValue;
        var fill = history[at].Timestamp;
        return funding.Where(p => p.Time > after && p.Time <= fill).Sum(p => p.Amount);
    }

    private static ParadexOrder Wire(VenueOrder o)
    {
        var open = o.Status is VenueOrderStatus.Open or VenueOrderStatus.PartiallyFilled;
        var reason = o.Status switch
        {
            VenueOrderStatus.Cancelled => "USER_CANCELED",
            VenueOrderStatus.Expired => "IOC_ORDER_EXPIRED",
            _ => null,
        };
        return new ParadexOrder(o.VenueOrderId, o.ClientOrderId, ParadexSymbol(o.Symbol), ParadexMapping.ToWire(o.Side), ParadexMapping.ToWire(o.Type),
            o.Quantity, o.Quantity - o.FilledQuantity, o.Price ?? 0m, ParadexMapping.Instruction(o.TimeInForce, o.PostOnly), open ? "OPEN" : "CLOSED", reason,
            o.ReduceOnly ? ["REDUCE_ONLY"] : null, o.CreatedAt.ToUnixTimeMilliseconds(), o.UpdatedAt.ToUnixTimeMilliseconds());
    }
}
