using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Aster;

/// <summary>Translations between Aster's wire values and the connector port's types.</summary>
public static class AsterMapping
{
    public static string ToWire(Side side) => side == Side.Buy ? "BUY" : "SELL";

    public static Side SideOf(string side) => side == "BUY" ? Side.Buy : Side.Sell;

    public static string ToWire(OrderType type) => type == OrderType.Market ? "MARKET" : "LIMIT";

    public static OrderType OrderTypeOf(string type) => type == "MARKET" ? OrderType.Market : OrderType.Limit;

    /// <summary>Post-only is a time in force on Aster: GTX ("good till crossing") is refused rather than taking.</summary>
    public static string ToWire(TimeInForce tif, bool postOnly) => postOnly ? "GTX" : tif switch
    {
        TimeInForce.Ioc => "IOC",
        TimeInForce.Fok => "FOK",
        _ => "GTC",
    };

    public static (TimeInForce TimeInForce, bool PostOnly) TimeInForceOf(string? tif) => tif switch
    {
        "GTX" => (TimeInForce.Gtc, true),
        "IOC" => (TimeInForce.Ioc, false),
        "FOK" => (TimeInForce.Fok, false),
        _ => (TimeInForce.Gtc, false),
    };

    public static VenueOrderStatus StatusOf(string status) => status switch
    {
        "NEW" => VenueOrderStatus.Open,
        "PARTIALLY_FILLED" => VenueOrderStatus.PartiallyFilled,
        "FILLED" => VenueOrderStatus.Filled,
        "CANCELED" => VenueOrderStatus.Cancelled,
        "EXPIRED" => VenueOrderStatus.Expired,
        "REJECTED" => VenueOrderStatus.Rejected,
        _ => throw new FormatException($"unknown Aster order status '{status}'"),
    };

    /// <summary>
    /// The tick, step and minimums from the symbol's filters (PRICE_FILTER, LOT_SIZE, MIN_NOTIONAL). <c>pricePrecision</c>
    /// is never the tick (the venue says so; the seed used it). Null for a symbol that is not a trading perpetual or lacks
    /// the filters a quote needs.
    /// </summary>
    public static InstrumentSpec? Instrument(AsterSymbol s)
    {
        if (s.Status != "TRADING" || s.ContractType != "PERPETUAL") return null;
        var price = s.Filters.FirstOrDefault(f => f.FilterType == "PRICE_FILTER");
        var lot = s.Filters.FirstOrDefault(f => f.FilterType == "LOT_SIZE");
        if (price?.TickSize is not > 0 || lot?.StepSize is not > 0) return null;
        var notional = s.Filters.FirstOrDefault(f => f.FilterType == "MIN_NOTIONAL")?.Notional ?? 0m;
        return new InstrumentSpec(s.Symbol, s.BaseAsset, s.QuoteAsset, InstrumentKind.Perpetual, price.TickSize.Value, lot.StepSize.Value,
            lot.MinQty ?? lot.StepSize.Value, notional);
    }

    // Aster's refusal codes and what they mean to the port (exchanges.md §2.3; Binance-futures numbering). One table, read both
    // ways: by the connector, and by the emulator that answers as the venue does.
    private static readonly (int Code, RejectCode Reject, string Message)[] Refusals =
    [
        (-5022, RejectCode.PostOnlyWouldTake, "Due to the order could not be executed as maker, the Post Only order will be rejected."),
        (-2019, RejectCode.InsufficientFunds, "Margin is insufficient."),
        (-2022, RejectCode.ReduceOnlyWouldIncrease, "ReduceOnly Order is rejected."),
        (-4014, RejectCode.InvalidPrice, "Price not increased by tick size."),
        (-4003, RejectCode.InvalidQuantity, "Quantity less than or equal to zero."),
        (-1121, RejectCode.UnknownSymbol, "Invalid symbol."),
        (-2011, RejectCode.OrderNotFound, "Unknown order sent."),
        (-2013, RejectCode.OrderNotFound, "Order does not exist."),
        (-4116, RejectCode.DuplicateClientOrderId, "ClientOrderId is duplicated."),
        (-1003, RejectCode.RateLimited, "Too many requests."),
        (-1015, RejectCode.RateLimited, "Too many new orders."),
    ];

    public static RejectCode RejectCodeOf(int code) => Refusals.FirstOrDefault(r => r.Code == code) is { Code: not 0 } r ? r.Reject : RejectCode.Other;

    /// <summary>The venue's code and message for a refusal (the emulator's side).</summary>
    public static (int Code, string Message) RefusalOf(RejectCode reject, string? message) =>
        Refusals.FirstOrDefault(r => r.Reject == reject) is { Code: not 0 } r ? (r.Code, r.Message) : (-2010, message ?? "Order was rejected.");

    /// <summary>Aster's times are Unix milliseconds.</summary>
    public static DateTimeOffset FromMillis(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
