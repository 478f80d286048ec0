using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Paradex;

/// <summary>Translations between Paradex's wire values and the connector port's types.</summary>
public static class ParadexMapping
{
    /// <summary>An order's status before the venue has executed it, and once it has ended.</summary>
    public const string New = "NEW", Closed = "CLOSED";

    public static string ToWire(Side side) => side == Side.Buy ? "BUY" : "SELL";

    public static Side SideOf(string side) => side == "BUY" ? Side.Buy : Side.Sell;

    public static string ToWire(OrderType type) => type == OrderType.Market ? "MARKET" : "LIMIT";

    public static OrderType OrderTypeOf(string type) => type == "MARKET" ? OrderType.Market : OrderType.Limit;

    /// <summary>Post-only and IOC are instructions on Paradex; there is no fill-or-kill.</summary>
    public static string Instruction(TimeInForce tif, bool postOnly) => postOnly ? "POST_ONLY" : tif == TimeInForce.Ioc ? "IOC" : "GTC";

    public static (TimeInForce TimeInForce, bool PostOnly) TimeInForceOf(string instruction) => instruction switch
    {
        "POST_ONLY" => (TimeInForce.Gtc, true),
        "IOC" => (TimeInForce.Ioc, false),
        _ => (TimeInForce.Gtc, false),
    };

    /// <summary>
    /// NEW and OPEN are resting (partially filled once anything traded); CLOSED is filled when nothing remains, else ended
    /// by a cancel (ours, the venue's for an IOC remainder or a refusal, named by <c>cancel_reason</c>).
    /// </summary>
    public static VenueOrderStatus StatusOf(ParadexOrder o)
    {
        var filled = o.Size - o.RemainingSize;
        return o.Status switch
        {
            New or "OPEN" or "UNTRIGGERED" => filled > 0 ? VenueOrderStatus.PartiallyFilled : VenueOrderStatus.Open,
            Closed when o.RemainingSize == 0 => VenueOrderStatus.Filled,
            Closed when RefusalOf(o.CancelReason) != RejectCode.None && filled == 0 => VenueOrderStatus.Rejected,
            Closed when o.Instruction == "IOC" || o.Type == "MARKET" => VenueOrderStatus.Expired,
            Closed => VenueOrderStatus.Cancelled,
            _ => throw new FormatException($"unknown Paradex order status '{o.Status}'"),
        };
    }

    /// <summary>
    /// What a <c>cancel_reason</c> says to the port when the venue ended an order it had taken, as a refusal; None for a
    /// cancel asked for (USER_CANCELED and the like) or an IOC remainder.
    /// </summary>
    public static RejectCode RefusalOf(string? cancelReason) => cancelReason switch
    {
        null or "" => RejectCode.None,
        _ when cancelReason.Contains("POST_ONLY", StringComparison.Ordinal) => RejectCode.PostOnlyWouldTake,
        _ when cancelReason.Contains("REDUCE_ONLY", StringComparison.Ordinal) => RejectCode.ReduceOnlyWouldIncrease,
        _ when cancelReason.Contains("MARGIN", StringComparison.Ordinal) => RejectCode.InsufficientFunds,
        _ => RejectCode.None,
    };

    // Paradex's error codes (responses.ErrorCode) and what they mean to the port. One table, read both ways: by the
    // connector, and by the emulator that answers as the venue does.
    private static readonly (string Code, RejectCode Reject, string Message)[] Refusals =
    [
        ("ORDER_ID_NOT_FOUND", RejectCode.OrderNotFound, "order not found"),
        ("CLIENT_ORDER_ID_NOT_FOUND", RejectCode.OrderNotFound, "client order id not found"),
        ("ORDER_IS_CLOSED", RejectCode.OrderNotFound, "order is closed"),
        ("DUPLICATED_CLIENT_ID", RejectCode.DuplicateClientOrderId, "client id already used"),
        ("INVALID_ORDER_SIZE", RejectCode.InvalidQuantity, "invalid order size"),
        ("PRICE_NOT_MULTIPLE_OF_TICK_SIZE", RejectCode.InvalidPrice, "price is not a multiple of the tick size"),
        ("INVALID_SYMBOL", RejectCode.UnknownSymbol, "invalid market"),
        ("NOT_ENOUGH_MARGIN", RejectCode.InsufficientFunds, "not enough margin"),
        ("RATE_LIMIT_EXCEEDED", RejectCode.RateLimited, "too many requests"),
    ];

    public static RejectCode RejectCodeOf(string code) => Refusals.FirstOrDefault(r => r.Code == code) is { Code: not null } r ? r.Reject : RejectCode.Other;

    /// <summary>The venue's code and message for a refusal (the emulator's side).</summary>
    public static (string Code, string Message) RefusalCodeOf(RejectCode reject, string? message) =>
        Refusals.FirstOrDefault(r => r.Reject == reject) is { Code: not null } r ? (r.Code, r.Message) : ("VALIDATION_ERROR", message ?? "order refused");

    /// <summary>A PERP market's tick, step and minimum notional; null for the other asset kinds (options, spot).</summary>
    public static InstrumentSpec? Instrument(ParadexMarket m) =>
        m.AssetKind != "PERP" || m.PriceTickSize <= 0 || m.OrderSizeIncrement <= 0 ? null
            : new InstrumentSpec(m.Symbol, m.BaseCurrency, m.SettlementCurrency, InstrumentKind.Perpetual, m.PriceTickSize, m.OrderSizeIncrement,
                m.OrderSizeIncrement, m.MinNotional);

    public static VenueOrder ToVenueOrder(ParadexOrder o)
    {
        var (tif, postOnly) = TimeInForceOf(o.Instruction);
        return new VenueOrder(o.Id, o.ClientId, o.Market, SideOf(o.Side), OrderTypeOf(o.Type), tif, o.Type == "MARKET" || o.Price == 0 ? null : o.Price,
            o.Size, o.Size - o.RemainingSize, StatusOf(o), postOnly, o.ReduceOnly, FromMillis(o.CreatedAt), FromMillis(o.LastUpdatedAt));
    }

    public static VenueFill ToVenueFill(ParadexFill f) =>
        new(f.Id, f.OrderId, f.ClientId, f.Market, SideOf(f.Side), f.Price, f.Size, f.Fee, f.FeeCurrency, f.Liquidity == "MAKER", FromMillis(f.CreatedAt));

    public static DateTimeOffset FromMillis(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
