using System.Globalization;
using System.Net;
using Mmd.Exchanges.Backpack;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Emulators.Backpack;

// The REST handlers: each reads the venue's request shape and answers with the venue's response shape.
public sealed partial class BackpackEmulator
{
    private static BackpackMarket Market(InstrumentSpec i) =>
        new(i.Symbol, i.BaseAsset, i.QuoteAsset, i.Kind == InstrumentKind.Perpetual ? "PERP" : "SPOT",
            new BackpackMarketFilters(new BackpackPriceFilter(i.TickSize), new BackpackQuantityFilter(i.StepSize, i.MinQuantity)), "Open");

    private IResult Depth(Request r)
    {
        if (!TryKnownSymbol(r, out var symbol, out var error)) return error;
        var snapshot = Exchange.BookSnapshot(symbol);
        return Json(new BackpackDepth(Levels(snapshot.Asks), Levels(snapshot.Bids), snapshot.Sequence.ToString(CultureInfo.InvariantCulture), NowMicros));
    }

    /// <summary>
    /// <c>GET /api/v1/klines</c>: the candles opening from startTime (seconds) to endTime (default now), at most
    /// <see cref="BackpackConnector.KlinesPerRead"/> of them, oldest first.
    /// </summary>
    private IResult Klines(Request r)
    {
        if (!TryKnownSymbol(r, out var symbol, out var error)) return error;
        var interval = r.Fields.GetValueOrDefault("interval") is { } name ? CandleIntervals.Parse(name) : null;
        if (interval is null) return Error(HttpStatusCode.BadRequest, "INVALID_CLIENT_REQUEST", "Invalid interval");
        if (!r.Fields.TryGetValue("startTime", out var startText) || !long.TryParse(startText, CultureInfo.InvariantCulture, out var start))
            return Error(HttpStatusCode.BadRequest, "INVALID_CLIENT_REQUEST", "startTime is required");
        var end = r.Fields.TryGetValue("endTime", out var endText) && long.TryParse(endText, CultureInfo.InvariantCulture, out var e)
            ? DateTimeOffset.FromUnixTimeSeconds(e) : Clock.Now;
        var candles = Exchange.Candles(symbol, interval.Value, DateTimeOffset.FromUnixTimeSeconds(start), end)!.Take(BackpackConnector.KlinesPerRead);
        return Json(candles.Select(c => new BackpackKline(BackpackMapping.FormatKlineTime(c.Time), BackpackMapping.FormatKlineTime(c.Time + interval.Value),
            c.Open, c.High, c.Low, c.Close, c.Volume, c.Volume * c.Close, "0")).ToArray());
    }

    private IResult Capital(Request r) =>
        Json(Exchange.Balances(r.Account).ToDictionary(b => b.Asset, b => new BackpackCapital(b.Available, b.Locked, 0m)));

    /// <summary>A fixed address per account and chain (the venue's are its own; these only have to stay the same).</summary>
    private static IResult DepositAddress(Request r)
    {
        if (!r.Fields.TryGetValue("blockchain", out var chain) || !BackpackBlockchains.All.Contains(chain))
            return Error(HttpStatusCode.BadRequest, "INVALID_CLIENT_REQUEST", "Invalid blockchain");
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{r.Account}/{chain}")));
        return Json(new BackpackDepositAddress("0x" + hash[..40]));
    }

    private IResult Collateral(Request r)
    {
        var balances = Exchange.Balances(r.Account);
        var unrealized = Exchange.Positions(r.Account).Sum(p => p.UnrealizedPnl);
        var quoteAssets = Exchange.Instruments.Select(i => i.QuoteAsset).ToHashSet();
        var equity = balances.Where(b => quoteAssets.Contains(b.Asset)).Sum(b => b.Total) + unrealized;
        var available = balances.Where(b => quoteAssets.Contains(b.Asset)).Sum(b => b.Available);
        return Json(new BackpackCollateral(equity, available,
            balances.Select(b => new BackpackCollateralAsset(b.Asset, b.Total, b.Available, b.Locked, 0m)).ToArray()));
    }

    private IResult Positions(Request r) =>
        Json(Exchange.Positions(r.Account).Select(p => new BackpackPosition(p.Symbol, p.Quantity, p.EntryPrice, p.MarkPrice, p.UnrealizedPnl, 0m)).ToArray());

    private IResult OpenOrders(Request r)
    {
        if (!TryKnownSymbol(r, out var symbol, out var error)) return error;
        return Json(Exchange.OpenOrders(r.Account, symbol).Select(ToWire).ToArray());
    }

    /// <summary>As on the venue: only a resting order is found; one that has ended is in the history only.</summary>
    private IResult OpenOrder(Request r)
    {
        if (!TryKnownSymbol(r, out var symbol, out var error)) return error;
        if (!TryOrderKey(r, out var orderId, out var clientId, out error)) return error;
        var order = orderId is not null ? Exchange.GetOrderById(r.Account, symbol, orderId) : Exchange.GetOrder(r.Account, symbol, clientId!);
        return order is { Status: VenueOrderStatus.Open or VenueOrderStatus.PartiallyFilled }
            ? Json(ToWire(order)) : Error(HttpStatusCode.NotFound, "RESOURCE_NOT_FOUND", "Order not found");
    }

    private IResult OrderHistory(Request r)
    {
        if (!TryKnownSymbol(r, out var symbol, out var error)) return error;
        var orders = Exchange.OrderHistory(r.Account, symbol).AsEnumerable();
        if (r.Fields.GetValueOrDefault("sortDirection") == "Asc") orders = orders.Reverse();
        return Json(Page(r, orders).Select(ToWire).ToArray());
    }

    private IResult PlaceOne(Request r)
    {
        var (order, error) = Place(r.Account, r.Fields);
        return error is { } e ? Error(e.Status, e.Error.Code, e.Error.Message) : Json(order!);
    }

    private (BackpackOrder? Order, (HttpStatusCode Status, BackpackError Error)? Error) Place(string account, IReadOnlyDictionary<string, string> f)
    {
        static (BackpackOrder?, (HttpStatusCode, BackpackError)?) Bad(string code, string message) => (null, (HttpStatusCode.BadRequest, new BackpackError(code, message)));

        var symbol = f.GetValueOrDefault("symbol");
        if (symbol is null || Exchange.Instruments.All(i => i.Symbol != symbol)) return Bad("INVALID_SYMBOL", "Invalid symbol");
        Side side;
        switch (f.GetValueOrDefault("side"))
        {
            case "Bid": side = Side.Buy; break;
            case "Ask": side = Side.Sell; break;
            default: return Bad("INVALID_CLIENT_REQUEST", "side must be Bid or Ask");
        }
        var type = f.GetValueOrDefault("orderType");
        if (type is not ("Limit" or "Market")) return Bad("INVALID_CLIENT_REQUEST", "orderType must be Limit or Market");
        if (!TryDecimal(f, "quantity", out var quantity) || quantity <= 0) return Bad("INVALID_QUANTITY", "Invalid quantity");
        decimal? price = null;
        if (type == "Limit")
        {
            if (!TryDecimal(f, "price", out var p) || p <= 0) return Bad("INVALID_PRICE", "Invalid price");
            price = p;
        }
        var tif = f.GetValueOrDefault("timeInForce") ?? "GTC";
        if (tif is not ("GTC" or "IOC" or "FOK")) return Bad("INVALID_CLIENT_REQUEST", $"Unknown time in force {tif}");
        string? clientId = null;
        if (f.TryGetValue("clientId", out var c))
        {
            if (!uint.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out _)) return Bad("INVALID_CLIENT_REQUEST", "clientId must be a uint32");
            clientId = c;
        }
        // Self-trade prevention, the venue's default RejectTaker: an order meeting a resting order of the same account ends
        // there; RejectMaker cancels that resting order instead (the paper venue's own rule). RejectBoth is not modelled.
        var stp = f.GetValueOrDefault("selfTradePrevention") ?? "RejectTaker";
        if (stp is not ("RejectTaker" or "RejectMaker")) return Bad("INVALID_CLIENT_REQUEST", $"selfTradePrevention {stp} is not supported here");
        // Orders without a client id still need a unique key in the paper venue; it is not a number, so it is never shown.
        var request = new PlaceOrderRequest(symbol, clientId ?? "manual-" + Guid.NewGuid().ToString("N"), side, type == "Market" ? OrderType.Market : OrderType.Limit,
            type == "Market" ? TimeInForce.Ioc : BackpackMapping.TimeInForceOf(tif), price, quantity,
            f.GetValueOrDefault("postOnly") == "true", f.GetValueOrDefault("reduceOnly") == "true");
        var result = Exchange.Place(account, request, endsOnSelfTrade: stp == "RejectTaker");
        return result.Outcome == CommandOutcome.Accepted ? (ToWire(result.Order!), null) : result.Code switch
        {
            RejectCode.PostOnlyWouldTake => Bad("INVALID_ORDER", "Order would immediately match and take."),
            RejectCode.InsufficientFunds => Bad(Exchange.Instruments.First(i => i.Symbol == symbol).Kind == InstrumentKind.Perpetual ? "INSUFFICIENT_MARGIN" : "INSUFFICIENT_FUNDS", "Insufficient funds"),
            RejectCode.InvalidPrice => Bad("INVALID_PRICE", result.Message ?? "Invalid price"),
            RejectCode.InvalidQuantity => Bad("INVALID_QUANTITY", result.Message ?? "Invalid quantity"),
            RejectCode.ReduceOnlyWouldIncrease => Bad("INVALID_ORDER", "Reduce only order not reduced."),
            RejectCode.DuplicateClientOrderId => Bad("INVALID_ORDER", "Duplicate client id."),
            _ => Bad("INVALID_ORDER", result.Message ?? "Order rejected"),
        };
    }

    private IResult CancelOne(Request r)
    {
        if (!TryKnownSymbol(r, out var symbol, out var error)) return error;
        if (!TryOrderKey(r, out var orderId, out var clientId, out error)) return error;
        var result = Exchange.Cancel(r.Account, new CancelOrderRequest(symbol, orderId, clientId));
        return result.Outcome == CommandOutcome.Accepted ? Json(ToWire(result.Order!)) : Error(HttpStatusCode.NotFound, "RESOURCE_NOT_FOUND", "Order not found");
    }

    private IResult CancelAllOnSymbol(Request r)
    {
        if (!TryKnownSymbol(r, out var symbol, out var error)) return error;
        var open = Exchange.OpenOrders(r.Account, symbol);
        Exchange.CancelAll(r.Account, symbol, null);
        return Json(open.Select(o => ToWire(o with { Status = VenueOrderStatus.Cancelled })).ToArray());
    }

    private IResult Fills(Request r)
    {
        if (!TryKnownSymbol(r, out var symbol, out var error)) return error;
        var from = r.Fields.TryGetValue("from", out var text) && long.TryParse(text, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : DateTimeOffset.UnixEpoch;
        var fills = Exchange.Fills(r.Account, symbol, from).AsEnumerable();
        if (r.Fields.GetValueOrDefault("sortDirection") == "Desc") fills = fills.Reverse();
        return Json(Page(r, fills).Select(f => new BackpackFill(TradeNumber(f.TradeId), f.VenueOrderId, f.ClientOrderId is { Length: > 0 } c ? c : null,
            f.Symbol, BackpackMapping.ToWire(f.Side), f.Price, f.Quantity, f.Fee, f.FeeAsset, f.IsMaker, BackpackMapping.FormatNaiveUtc(f.Timestamp))).ToArray());
    }

    private IResult Funding(Request r)
    {
        if (!TryKnownSymbol(r, out var symbol, out var error)) return error;
        var payments = Exchange.Funding(r.Account, symbol, DateTimeOffset.UnixEpoch).AsEnumerable();
        if (r.Fields.GetValueOrDefault("sortDirection") == "Desc") payments = payments.Reverse();
        return Json(Page(r, payments).Select(p => new BackpackFundingPayment(p.Symbol, p.Amount, BackpackMapping.FormatNaiveUtc(p.Time), p.Rate)).ToArray());
    }

    // ---- shapes and parameters ----

    private static BackpackOrder ToWire(VenueOrder o) =>
        new(o.VenueOrderId, uint.TryParse(o.ClientOrderId, NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : null, o.Symbol,
            BackpackMapping.ToWire(o.Side), BackpackMapping.ToWire(o.Type), o.Price, o.Quantity, o.FilledQuantity,
            o.FilledQuantity * (o.Price ?? 0m), StatusText(o.Status), BackpackMapping.ToWire(o.TimeInForce), o.PostOnly, o.ReduceOnly, o.CreatedAt);

    private static string StatusText(VenueOrderStatus status) => status switch
    {
        VenueOrderStatus.Open => "New",
        VenueOrderStatus.PartiallyFilled => "PartiallyFilled",
        VenueOrderStatus.Filled => "Filled",
        VenueOrderStatus.Expired => "Expired",
        _ => "Cancelled",
    };

    private static long? TradeNumber(string tradeId) =>
        long.TryParse(tradeId.TrimStart('T'), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static string[][] Levels(Trading.MarketData.BookLevel[] levels) =>
        levels.Select(l => new[] { l.Price.ToString(CultureInfo.InvariantCulture), l.Quantity.ToString(CultureInfo.InvariantCulture) }).ToArray();

    private static IEnumerable<T> Page<T>(Request r, IEnumerable<T> items)
    {
        var offset = r.Fields.TryGetValue("offset", out var o) && int.TryParse(o, CultureInfo.InvariantCulture, out var off) ? Math.Max(0, off) : 0;
        var limit = r.Fields.TryGetValue("limit", out var l) && int.TryParse(l, CultureInfo.InvariantCulture, out var lim) ? Math.Clamp(lim, 1, 1000) : 100;
        return items.Skip(offset).Take(limit);
    }

    private bool TryKnownSymbol(Request r, out string symbol, out IResult error)
    {
        var wanted = r.Fields.GetValueOrDefault("symbol") ?? "";
        symbol = wanted;
        var known = Exchange.Instruments.Any(i => i.Symbol == wanted);
        error = known ? Results.Empty : Error(HttpStatusCode.BadRequest, "INVALID_SYMBOL", "Invalid symbol");
        return known;
    }

    private static bool TryOrderKey(Request r, out string? orderId, out string? clientId, out IResult error)
    {
        orderId = r.Fields.GetValueOrDefault("orderId");
        clientId = r.Fields.GetValueOrDefault("clientId");
        error = Results.Empty;
        if ((orderId is null) == (clientId is null))
        {
            error = Error(HttpStatusCode.BadRequest, "INVALID_CLIENT_REQUEST", "Specify exactly one of orderId and clientId");
            return false;
        }
        return true;
    }

    private static bool TryDecimal(IReadOnlyDictionary<string, string> f, string name, out decimal value)
    {
        value = 0;
        return f.TryGetValue(name, out var text) && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
