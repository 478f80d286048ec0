using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mmd.Exchanges.Backpack;

// Backpack's JSON shapes (backpack-openapi.json), only the fields a market maker reads. Decimals are JSON strings.
// Shared by the connector and the loopback emulator, which writes exactly what it reads here.

public static class BackpackJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        // Stream events carry one-letter keys that differ only in case ("e" event type, "E" event time).
        PropertyNameCaseInsensitive = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new Shared.DecimalAsStringConverter() },
    };
}

public sealed record BackpackError(string Code, string Message);

public sealed record BackpackMarket(string Symbol, string BaseSymbol, string QuoteSymbol, string MarketType, BackpackMarketFilters Filters, string? OrderBookState = null);

public sealed record BackpackMarketFilters(BackpackPriceFilter Price, BackpackQuantityFilter Quantity);

public sealed record BackpackPriceFilter(decimal TickSize, decimal? MinPrice = null, decimal? MaxPrice = null);

public sealed record BackpackQuantityFilter(decimal StepSize, decimal MinQuantity, decimal? MaxQuantity = null);

/// <summary><c>GET /api/v1/depth</c>: levels as [price, quantity] string pairs; lastUpdateId is a string.</summary>
public sealed record BackpackDepth(string[][] Asks, string[][] Bids, string LastUpdateId, long Timestamp);

/// <summary>One asset of <c>GET /api/v1/capital</c> (the response is a map asset → this).</summary>
public sealed record BackpackCapital(decimal Available, decimal Locked, decimal Staked);

/// <summary><c>GET /wapi/v1/capital/deposit/address</c>: where to send funds on one blockchain.</summary>
public sealed record BackpackDepositAddress(string Address);

/// <summary><c>GET /api/v1/capital/collateral</c>: account totals plus a <c>collateral</c> array (not a map: the seed's bug).</summary>
public sealed record BackpackCollateral(decimal NetEquity, decimal NetEquityAvailable, BackpackCollateralAsset[] Collateral);

public sealed record BackpackCollateralAsset(string Symbol, decimal TotalQuantity, decimal AvailableQuantity, decimal OpenOrderQuantity, decimal LendQuantity);

public sealed record BackpackPosition(string Symbol, decimal NetQuantity, decimal EntryPrice, decimal MarkPrice, decimal PnlUnrealized, decimal PnlRealized);

public sealed record BackpackOrder(
    string Id,
    uint? ClientId,
    string Symbol,
    string Side,
    string OrderType,
    decimal? Price,
    decimal? Quantity,
    decimal ExecutedQuantity,
    decimal ExecutedQuoteQuantity,
    string Status,
    string? TimeInForce,
    bool PostOnly,
    bool? ReduceOnly,
    [property: JsonConverter(typeof(BackpackTimestamp))] DateTimeOffset CreatedAt);

/// <summary>Backpack writes an order's createdAt as epoch milliseconds on the book and as a naive UTC string in history.</summary>
public sealed class BackpackTimestamp : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Number
            ? DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64())
            : BackpackMapping.ParseNaiveUtc(reader.GetString()!);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value.ToUnixTimeMilliseconds());
}

/// <summary>One result of a batch place: <c>operation</c> "Ok" carries the order's fields, "Err" a code and message.</summary>
public sealed record BackpackBatchResult(
    string? Operation, string? Code, string? Message,
    string? Id, uint? ClientId, string? Symbol, string? Side, string? OrderType, decimal? Price, decimal? Quantity,
    decimal? ExecutedQuantity, decimal? ExecutedQuoteQuantity, string? Status, string? TimeInForce, bool? PostOnly, bool? ReduceOnly,
    [property: JsonConverter(typeof(BackpackTimestamp))] DateTimeOffset? CreatedAt)
{
    public BackpackOrder? AsOrder() => Operation == "Err" || Id is null ? null
        : new BackpackOrder(Id, ClientId, Symbol!, Side!, OrderType!, Price, Quantity, ExecutedQuantity ?? 0, ExecutedQuoteQuantity ?? 0,
            Status!, TimeInForce, PostOnly ?? false, ReduceOnly, CreatedAt ?? DateTimeOffset.UnixEpoch);
}

/// <summary>One row of <c>GET /wapi/v1/history/fills</c>; the timestamp is a naive ISO string in UTC.</summary>
public sealed record BackpackFill(
    long? TradeId,
    string OrderId,
    string? ClientId,
    string Symbol,
    string Side,
    decimal Price,
    decimal Quantity,
    decimal Fee,
    string FeeSymbol,
    bool IsMaker,
    string Timestamp);

/// <summary>One row of <c>GET /wapi/v1/history/funding</c>: quantity is positive when received.</summary>
public sealed record BackpackFundingPayment(string Symbol, decimal Quantity, string IntervalEndTimestamp, decimal FundingRate);

/// <summary>A WebSocket message: <c>{"stream": name, "data": {...}}</c>.</summary>
public sealed record BackpackStreamMessage(string? Stream, JsonElement Data, BackpackError? Error = null);

/// <summary>A <c>depth.&lt;symbol&gt;</c> event: absolute level sizes ("0" removes) covering update ids [U, u]; times in µs.</summary>
public sealed record BackpackDepthEvent(
    [property: JsonPropertyName("e")] string EventType,
    [property: JsonPropertyName("E")] long EventTime,
    [property: JsonPropertyName("s")] string Symbol,
    [property: JsonPropertyName("a")] string[][] Asks,
    [property: JsonPropertyName("b")] string[][] Bids,
    [property: JsonPropertyName("U")] long FirstUpdateId,
    [property: JsonPropertyName("u")] long LastUpdateId,
    [property: JsonPropertyName("T")] long EngineTime);

/// <summary>An <c>account.orderUpdate</c> event (orderAccepted, orderCancelled, orderExpired, orderFill, …); times in µs.</summary>
public sealed record BackpackOrderUpdate(
    [property: JsonPropertyName("e")] string EventType,
    [property: JsonPropertyName("E")] long EventTime,
    [property: JsonPropertyName("s")] string Symbol,
    [property: JsonPropertyName("c")] uint? ClientId,
    [property: JsonPropertyName("S")] string Side,
    [property: JsonPropertyName("o")] string OrderType,
    [property: JsonPropertyName("f")] string? TimeInForce,
    [property: JsonPropertyName("q")] decimal? Quantity,
    [property: JsonPropertyName("p")] decimal? Price,
    [property: JsonPropertyName("X")] string Status,
    [property: JsonPropertyName("i")] string OrderId,
    [property: JsonPropertyName("t")] long? TradeId,
    [property: JsonPropertyName("l")] decimal? FillQuantity,
    [property: JsonPropertyName("z")] decimal ExecutedQuantity,
    [property: JsonPropertyName("L")] decimal? FillPrice,
    [property: JsonPropertyName("m")] bool? IsMaker,
    [property: JsonPropertyName("n")] decimal? Fee,
    [property: JsonPropertyName("N")] string? FeeSymbol,
    [property: JsonPropertyName("T")] long EngineTime,
    [property: JsonPropertyName("y")] bool? PostOnly,
    [property: JsonPropertyName("r")] bool? ReduceOnly);

/// <summary>A <c>bookTicker.&lt;symbol&gt;</c> event: the best bid and ask with their sizes, update id u; times in µs.</summary>
public sealed record BackpackBookTicker(
    [property: JsonPropertyName("e")] string EventType,
    [property: JsonPropertyName("E")] long EventTime,
    [property: JsonPropertyName("s")] string Symbol,
    [property: JsonPropertyName("a")] decimal? AskPrice,
    [property: JsonPropertyName("A")] decimal? AskQuantity,
    [property: JsonPropertyName("b")] decimal? BidPrice,
    [property: JsonPropertyName("B")] decimal? BidQuantity,
    [property: JsonPropertyName("u")] long UpdateId,
    [property: JsonPropertyName("T")] long EngineTime);

/// <summary>
/// One candle of <c>GET /api/v1/klines</c>: naive UTC times as strings ("2024-03-26 00:00:00"); the prices are null
/// for an interval without trades.
/// </summary>
public sealed record BackpackKline(string Start, string End, decimal? Open, decimal? High, decimal? Low, decimal? Close, decimal Volume, decimal QuoteVolume, string Trades);
