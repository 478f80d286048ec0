using System.Globalization;
using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Backpack;

/// <summary>Translations between Backpack's wire values and the connector port's types.</summary>
public static class BackpackMapping
{
    public static string ToWire(Side side) => side == Side.Buy ? "Bid" : "Ask";

    public static Side SideOf(string side) => side == "Bid" ? Side.Buy : Side.Sell;

    public static OrderType OrderTypeOf(string type) => type == "Market" ? OrderType.Market : OrderType.Limit;

    public static string ToWire(OrderType type) => type == OrderType.Market ? "Market" : "Limit";

    public static TimeInForce TimeInForceOf(string? tif) => tif switch
    {
        "IOC" => TimeInForce.Ioc,
        "FOK" => TimeInForce.Fok,
        _ => TimeInForce.Gtc,
    };

    public static string ToWire(TimeInForce tif) => tif switch
    {
        TimeInForce.Ioc => "IOC",
        TimeInForce.Fok => "FOK",
        _ => "GTC",
    };

    public static VenueOrderStatus StatusOf(string status, decimal executed) => status switch
    {
        "New" or "TriggerPending" => executed > 0 ? VenueOrderStatus.PartiallyFilled : VenueOrderStatus.Open,
        "PartiallyFilled" => VenueOrderStatus.PartiallyFilled,
        "Filled" => VenueOrderStatus.Filled,
        "Cancelled" => VenueOrderStatus.Cancelled,
        "Expired" => VenueOrderStatus.Expired,
        "TriggerFailed" => VenueOrderStatus.Rejected,
        _ => throw new FormatException($"unknown Backpack order status '{status}'"),
    };

    public static InstrumentSpec? Instrument(BackpackMarket m)
    {
        InstrumentKind? kind = m.MarketType switch
        {
            "SPOT" => InstrumentKind.Spot,
            "PERP" => InstrumentKind.Perpetual, // not "perpetual": the seed's filter found none
            _ => null, // dated, prediction and RFQ markets are not traded
        };
        return kind is { } k
            ? new InstrumentSpec(m.Symbol, m.BaseSymbol, m.QuoteSymbol, k, m.Filters.Price.TickSize, m.Filters.Quantity.StepSize, m.Filters.Quantity.MinQuantity, 0m)
            : null;
    }

    /// <summary>Backpack's naive ISO timestamps are UTC.</summary>
    public static DateTimeOffset ParseNaiveUtc(string value) =>
        new(DateTime.SpecifyKind(DateTime.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), DateTimeKind.Utc));

    public static string FormatNaiveUtc(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture);

    /// <summary>A kline with trades (its prices set) as a candle.</summary>
    public static Candle Candle(BackpackKline k) => new(ParseNaiveUtc(k.Start), k.Open!.Value, k.High!.Value, k.Low!.Value, k.Close!.Value, k.Volume);

    /// <summary>Backpack's kline times: naive UTC, to the second, with a space.</summary>
    public static string FormatKlineTime(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static DateTimeOffset FromMicros(long micros) => DateTimeOffset.FromUnixTimeMilliseconds(micros / 1000).AddTicks(micros % 1000 * 10);

    /// <summary>Maps a refusal to the port's reject codes (messages as the venue words them).</summary>
    public static RejectCode RejectCodeOf(BackpackApiException e) => e.Code switch
    {
        "TOO_MANY_REQUESTS" => RejectCode.RateLimited,
        "INSUFFICIENT_FUNDS" or "INSUFFICIENT_MARGIN" => RejectCode.InsufficientFunds,
        "INVALID_PRICE" => RejectCode.InvalidPrice,
        "INVALID_QUANTITY" => RejectCode.InvalidQuantity,
        "INVALID_SYMBOL" or "INVALID_MARKET" => RejectCode.UnknownSymbol,
        "RESOURCE_NOT_FOUND" => RejectCode.OrderNotFound,
        _ when e.IsRateLimit => RejectCode.RateLimited,
        _ when e.VenueMessage.Contains("immediately match", StringComparison.OrdinalIgnoreCase) => RejectCode.PostOnlyWouldTake,
        _ when e.VenueMessage.Contains("reduce only", StringComparison.OrdinalIgnoreCase) => RejectCode.ReduceOnlyWouldIncrease,
        _ when e.VenueMessage.Contains("duplicate", StringComparison.OrdinalIgnoreCase) => RejectCode.DuplicateClientOrderId,
        _ => RejectCode.Other,
    };
}
