using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mmd.Exchanges.Lighter;

/// <summary>
/// Lighter's JSON, as its REST and WebSocket APIs send it (exchanges.md §4.2, §4.7; shapes from nautilus_trader's
/// captures of the live API). Amounts are decimal strings; ids, indexes and times are numbers.
/// </summary>
public static class LighterJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new Shared.DecimalAsStringConverter() },
    };
}

/// <summary>Every answer carries <c>code</c> (200 when it went well) and, on an error, <c>message</c>.</summary>
public sealed record LighterError(int Code, string? Message);

/// <summary><c>GET /api/v1/orderBookDetails</c>: perpetual markets, and spot markets apart.</summary>
public sealed record LighterOrderBookDetails(int Code, LighterMarket[] OrderBookDetails, LighterMarket[]? SpotOrderBookDetails = null);

/// <summary>A market: its tick is 10^-price_decimals and its step 10^-size_decimals; signed transactions carry integers in those units.</summary>
public sealed record LighterMarket(string Symbol, int MarketId, string Status, int SizeDecimals, int PriceDecimals, decimal MinBaseAmount, decimal MinQuoteAmount,
    decimal LastTradePrice, string? MarketType = "perp");

public sealed record LighterAccounts(int Code, LighterAccount[] Accounts);

public sealed record LighterAccount(long Index, decimal Collateral, decimal AvailableBalance, LighterPosition[] Positions);

/// <summary>A position: its size is <c>position</c> (unsigned) with <c>sign</c> 1 long, −1 short.</summary>
public sealed record LighterPosition(int MarketId, string Symbol, int Sign, decimal Position, decimal AvgEntryPrice, decimal PositionValue, decimal UnrealizedPnl);

public sealed record LighterOrders(int Code, LighterOrder[] Orders, string? NextCursor = null);

/// <summary>
/// An order. <c>order_index</c> is the venue's id (2^48 and above), <c>client_order_index</c> ours (0 for none). Status is
/// <c>open</c>, <c>filled</c>, <c>canceled</c>, or <c>canceled-&lt;reason&gt;</c> when the venue ended it (post-only,
/// reduce-only, margin-not-allowed, expired …); <c>in-progress</c> and <c>pending</c> before it is on the book.
/// </summary>
public sealed record LighterOrder(long OrderIndex, long ClientOrderIndex, int MarketIndex, decimal InitialBaseAmount, decimal RemainingBaseAmount,
    decimal FilledBaseAmount, decimal Price, bool IsAsk, string Type, string TimeInForce, bool ReduceOnly, string Status, long CreatedAt, long UpdatedAt);

public sealed record LighterTrades(int Code, LighterTrade[] Trades, string? NextCursor = null);

/// <summary>
/// A trade, seen from both sides: which side is ours follows from the account ids; <c>is_maker_ask</c> says which side
/// made it. The fees are rates in millionths of the notional (<c>usd_amount</c>).
/// </summary>
public sealed record LighterTrade(long TradeId, int MarketId, decimal Size, decimal Price, decimal UsdAmount, long AskId, long BidId, long AskClientId,
    long BidClientId, long AskAccountId, long BidAccountId, bool IsMakerAsk, long Timestamp, long TakerFee, long MakerFee);

public sealed record LighterPositionFundings(int Code, LighterPositionFunding[] PositionFundings, string? NextCursor = null);

/// <summary>
/// One funding settlement of the account on a market (<c>positionFunding</c>): <c>change</c> is what the account's
/// collateral gained (negative: paid), on a position of <c>position_size</c> (unsigned) on <c>position_side</c> (long or
/// short); <c>timestamp</c> is in Unix seconds.
/// </summary>
public sealed record LighterPositionFunding(long Timestamp, int MarketId, long FundingId, decimal Change, decimal Rate, decimal PositionSize, string PositionSide);

public sealed record LighterNextNonce(int Code, long Nonce);

public sealed record LighterApiKeys(int Code, LighterApiKey[] ApiKeys);

public sealed record LighterApiKey(long AccountIndex, int ApiKeyIndex, long Nonce, string PublicKey);

/// <summary><c>POST /api/v1/sendTx</c>: 200 means the sequencer took the transaction, not that it executed.</summary>
public sealed record LighterSendTxResult(int Code, string? Message, string? TxHash);

/// <summary>A WebSocket message: <c>type</c> (connected, ping, subscribed/…, update/…, error) and what its channel carries.</summary>
public sealed record LighterStreamMessage(string? Type, string? Channel, LighterStreamBook? OrderBook = null, Dictionary<string, LighterOrder[]>? Orders = null,
    Dictionary<string, LighterTrade[]>? Trades = null, LighterError? Error = null);

/// <summary>
/// An order book message: the whole book first (<c>subscribed/order_book</c>), then the levels that changed (a size of 0
/// removes one). Each update's <c>begin_nonce</c> is the previous message's <c>nonce</c>; a gap means updates were lost.
/// </summary>
public sealed record LighterStreamBook(LighterLevel[] Asks, LighterLevel[] Bids, long Offset, long Nonce, long BeginNonce);

public sealed record LighterLevel(decimal Price, decimal Size);

/// <summary>
/// <c>GET /api/v1/candles</c>: <c>{"code":200,"r":"1h","c":[{"t":…,"o":…,"h":…,"l":…,"c":…,"v":…,"V":…,"i":…}]}</c>,
/// the open time in milliseconds, the figures bare JSON numbers, and a figure that is zero left out; <c>v</c> is the base
/// volume and <c>V</c> the quote (keys that differ only in case, so read by hand, not by the case-blind options). The
/// SDK's <c>/api/v1/candlesticks</c> is no longer routed (403 on mainnet, 404 on testnet, as reported by its users).
/// </summary>
public static class LighterCandles
{
    public static IReadOnlyList<Trading.Execution.Candle> Parse(JsonElement answer)
    {
        if (!answer.TryGetProperty("c", out var rows) || rows.ValueKind != JsonValueKind.Array) return [];
        var candles = new List<Trading.Execution.Candle>(rows.GetArrayLength());
        foreach (var row in rows.EnumerateArray())
        {
            decimal Figure(string key) => row.TryGetProperty(key, out var value) ? value.GetDecimal() : 0m;
            candles.Add(new(DateTimeOffset.FromUnixTimeMilliseconds(row.GetProperty("t").GetInt64()), Figure("o"), Figure("h"), Figure("l"), Figure("c"), Figure("v")));
        }
        return candles;
    }
}
