using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mmd.Exchanges.Aster;

// Aster's JSON shapes (exchanges.md §2.2 and §2.6: Binance-futures style), only the fields a market maker reads.
// Decimals are JSON strings. Shared by the connector and the loopback emulator, which writes exactly what it reads here.

public static class AsterJson
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

/// <summary>Any error: <c>{"code": -1121, "msg": "Invalid symbol."}</c>.</summary>
public sealed record AsterError(int Code, string Msg);

/// <summary><c>GET /fapi/v3/exchangeInfo</c>.</summary>
public sealed record AsterExchangeInfo(AsterRateLimit[] RateLimits, AsterSymbol[] Symbols);

/// <summary>A limit per interval: <c>REQUEST_WEIGHT</c> 2400 per 1 MINUTE, <c>ORDERS</c> 1200 per 1 MINUTE.</summary>
public sealed record AsterRateLimit(string RateLimitType, string Interval, int IntervalNum, int Limit);

public sealed record AsterSymbol(
    string Symbol,
    string Status,
    string BaseAsset,
    string QuoteAsset,
    string MarginAsset,
    string ContractType,
    int PricePrecision,
    int QuantityPrecision,
    AsterFilter[] Filters);

/// <summary>
/// One filter; which fields are set depends on <c>filterType</c>: PRICE_FILTER (tickSize, minPrice, maxPrice), LOT_SIZE
/// (stepSize, minQty, maxQty), MIN_NOTIONAL (notional), and others a market maker does not read.
/// </summary>
public sealed record AsterFilter(
    string FilterType,
    decimal? TickSize = null,
    decimal? MinPrice = null,
    decimal? MaxPrice = null,
    decimal? StepSize = null,
    decimal? MinQty = null,
    decimal? MaxQty = null,
    decimal? Notional = null);

/// <summary><c>GET /fapi/v3/depth</c>: levels as [price, quantity] string pairs.</summary>
public sealed record AsterDepth(long LastUpdateId, [property: JsonPropertyName("E")] long EventTime, [property: JsonPropertyName("T")] long TransactionTime,
    string[][] Bids, string[][] Asks);

/// <summary>An order as every order endpoint answers it.</summary>
public sealed record AsterOrder(
    long OrderId,
    string? ClientOrderId,
    string Symbol,
    string Side,
    string Type,
    string TimeInForce,
    string Status,
    decimal Price,
    decimal OrigQty,
    decimal ExecutedQty,
    decimal AvgPrice,
    bool ReduceOnly,
    long UpdateTime,
    long? Time = null);

/// <summary>One of our trades, <c>GET /fapi/v3/userTrades</c>.</summary>
public sealed record AsterTrade(
    long Id,
    long OrderId,
    string Symbol,
    string Side,
    decimal Price,
    decimal Qty,
    decimal Commission,
    string CommissionAsset,
    bool Maker,
    long Time,
    decimal RealizedPnl = 0m);

/// <summary><c>GET /fapi/v3/positionRisk</c>: the position amount is signed.</summary>
public sealed record AsterPosition(string Symbol, decimal PositionAmt, decimal EntryPrice, decimal MarkPrice, decimal UnRealizedProfit, string PositionSide);

/// <summary><c>GET /fapi/v3/balance</c>.</summary>
public sealed record AsterBalance(string Asset, decimal Balance, decimal AvailableBalance, decimal CrossUnPnl);

/// <summary><c>GET /fapi/v3/income?incomeType=FUNDING_FEE</c>.</summary>
public sealed record AsterIncome(string Symbol, string IncomeType, decimal Income, string Asset, long Time, long TranId);

public sealed record AsterServerTime(long ServerTime);

public sealed record AsterListenKey(string ListenKey);

/// <summary>The diff-depth event <c>&lt;symbol&gt;@depth@100ms</c>: U/u the update ids it covers, pu the previous event's u.</summary>
public sealed record AsterDepthUpdate(
    [property: JsonPropertyName("e")] string Event,
    [property: JsonPropertyName("E")] long EventTime,
    [property: JsonPropertyName("s")] string Symbol,
    [property: JsonPropertyName("U")] long FirstUpdateId,
    [property: JsonPropertyName("u")] long FinalUpdateId,
    [property: JsonPropertyName("pu")] long PreviousFinalUpdateId,
    [property: JsonPropertyName("b")] string[][] Bids,
    [property: JsonPropertyName("a")] string[][] Asks);

/// <summary>The user stream's <c>ORDER_TRADE_UPDATE</c>: the order's state after the event, and the trade if it is one.</summary>
public sealed record AsterOrderTradeUpdate(
    [property: JsonPropertyName("e")] string Event,
    [property: JsonPropertyName("E")] long EventTime,
    [property: JsonPropertyName("o")] AsterOrderUpdate Order);

public sealed record AsterOrderUpdate(
    [property: JsonPropertyName("s")] string Symbol,
    [property: JsonPropertyName("c")] string? ClientOrderId,
    [property: JsonPropertyName("S")] string Side,
    [property: JsonPropertyName("o")] string Type,
    [property: JsonPropertyName("f")] string TimeInForce,
    [property: JsonPropertyName("q")] decimal Quantity,
    [property: JsonPropertyName("p")] decimal Price,
    [property: JsonPropertyName("x")] string ExecutionType,
    [property: JsonPropertyName("X")] string Status,
    [property: JsonPropertyName("i")] long OrderId,
    [property: JsonPropertyName("l")] decimal LastFilledQuantity,
    [property: JsonPropertyName("z")] decimal FilledQuantity,
    [property: JsonPropertyName("L")] decimal LastFilledPrice,
    [property: JsonPropertyName("n")] decimal? Commission,
    [property: JsonPropertyName("N")] string? CommissionAsset,
    [property: JsonPropertyName("T")] long TradeTime,
    [property: JsonPropertyName("t")] long TradeId,
    [property: JsonPropertyName("m")] bool IsMaker,
    [property: JsonPropertyName("R")] bool ReduceOnly);

/// <summary>Any user-stream event, read first for its type (<c>e</c>).</summary>
public sealed record AsterUserEvent([property: JsonPropertyName("e")] string Event, [property: JsonPropertyName("E")] long EventTime);

/// <summary>
/// A message on a combined-stream connection (<c>/stream</c>): <c>{"stream","data"}</c>; the answer to a SUBSCRIBE,
/// <c>{"result":null,"id":1}</c>; or an error, <c>{"code","msg","id"}</c>.
/// </summary>
public sealed record AsterStreamMessage(string? Stream, JsonElement Data, long? Id = null, int? Code = null, string? Msg = null);

/// <summary>The <c>&lt;symbol&gt;@bookTicker</c> event: the best bid and ask with their sizes, each time they change.</summary>
public sealed record AsterBookTicker(
    [property: JsonPropertyName("e")] string Event,
    [property: JsonPropertyName("u")] long UpdateId,
    [property: JsonPropertyName("E")] long EventTime,
    [property: JsonPropertyName("T")] long TransactionTime,
    [property: JsonPropertyName("s")] string Symbol,
    [property: JsonPropertyName("b")] decimal BidPrice,
    [property: JsonPropertyName("B")] decimal BidQuantity,
    [property: JsonPropertyName("a")] decimal AskPrice,
    [property: JsonPropertyName("A")] decimal AskQuantity);

/// <summary>The user stream's <c>ACCOUNT_UPDATE</c>: balances and positions after a trade, a funding fee or a transfer (<c>m</c> the reason).</summary>
public sealed record AsterAccountUpdate(
    [property: JsonPropertyName("e")] string Event,
    [property: JsonPropertyName("E")] long EventTime,
    [property: JsonPropertyName("T")] long TransactionTime,
    [property: JsonPropertyName("a")] AsterAccountChanges Changes);

public sealed record AsterAccountChanges(
    [property: JsonPropertyName("m")] string Reason,
    [property: JsonPropertyName("B")] AsterBalanceChange[] Balances,
    [property: JsonPropertyName("P")] AsterPositionChange[] Positions);

public sealed record AsterBalanceChange(
    [property: JsonPropertyName("a")] string Asset,
    [property: JsonPropertyName("wb")] decimal WalletBalance,
    [property: JsonPropertyName("cw")] decimal CrossWalletBalance);

public sealed record AsterPositionChange(
    [property: JsonPropertyName("s")] string Symbol,
    [property: JsonPropertyName("pa")] decimal PositionAmount,
    [property: JsonPropertyName("ep")] decimal EntryPrice,
    [property: JsonPropertyName("up")] decimal UnrealizedPnl,
    [property: JsonPropertyName("ps")] string PositionSide);

/// <summary><c>GET /fapi/v3/fundingRate</c>: the rate each settlement applied.</summary>
public sealed record AsterFundingRate(string Symbol, decimal FundingRate, long FundingTime);

/// <summary>
/// One row of <c>GET /fapi/v1/klines</c> (Binance's layout): [open time ms, open, high, low, close, volume, close time ms,
/// quote volume, trades, taker buy volume, taker buy quote volume, ignored]; the figures are strings.
/// </summary>
public static class AsterKline
{
    public static object[] Row(long openMs, long closeMs, string open, string high, string low, string close, string volume, string quoteVolume, int trades) =>
        [openMs, open, high, low, close, volume, closeMs, quoteVolume, trades, "0", "0", "0"];
}
