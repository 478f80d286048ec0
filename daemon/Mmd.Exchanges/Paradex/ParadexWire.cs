using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mmd.Exchanges.Paradex;

// Paradex's JSON shapes (exchanges.md §3.2-§3.5): snake_case keys, money as decimal strings, times as Unix milliseconds.

public static class ParadexJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new Shared.DecimalAsStringConverter() },
    };
}

/// <summary>Any REST error: <c>{"error": "ORDER_ID_NOT_FOUND", "message": "…"}</c>.</summary>
public sealed record ParadexError(string Error, string Message);

/// <summary>A list answer; the paginated ones carry a cursor to the next page.</summary>
public sealed record ParadexResults<T>(T[] Results, string? Next = null);

/// <summary><c>GET /v1/system/config</c>, the part a trader needs.</summary>
public sealed record ParadexSystemConfig(string StarknetChainId);

/// <summary><c>GET /v1/system/time</c>: Unix milliseconds (a string on the venue).</summary>
public sealed record ParadexServerTime(long ServerTime);

/// <summary><c>POST /v1/auth</c>.</summary>
public sealed record ParadexJwt(string JwtToken);

/// <summary>A market of <c>GET /v1/markets</c>.</summary>
public sealed record ParadexMarket(string Symbol, string BaseCurrency, string QuoteCurrency, string SettlementCurrency, string AssetKind,
    decimal PriceTickSize, decimal OrderSizeIncrement, decimal MinNotional);

/// <summary>An order as the venue reports it (REST and the <c>orders</c> channel alike).</summary>
public sealed record ParadexOrder(string Id, string? ClientId, string Market, string Side, string Type, decimal Size, decimal RemainingSize, decimal Price,
    string Instruction, string Status, string? CancelReason, string[]? Flags, long CreatedAt, long LastUpdatedAt)
{
    public bool ReduceOnly => Flags?.Contains("REDUCE_ONLY") == true;
}

/// <summary>The body of <c>POST /v1/orders</c>.</summary>
public sealed record ParadexNewOrder(string Market, string Side, string Type, string Size, string? Price, string Instruction, string Signature,
    long SignatureTimestamp, string ClientId, string[]? Flags, long RecvWindow, string? Stp = null);

/// <summary>
/// A fill of <c>GET /v1/fills</c> and the <c>fills</c> channel. <paramref name="RealizedFunding"/>: the funding the
/// account's position in the market realized at this fill (Paradex accrues funding continuously and realizes it when the
/// position changes), as profit: negative when paid. Absent before API v1.81.2, so 0 when missing.
/// </summary>
public sealed record ParadexFill(string Id, string OrderId, string? ClientId, string Market, string Side, decimal Price, decimal Size, decimal Fee,
    string FeeCurrency, string Liquidity, long CreatedAt, decimal RealizedFunding = 0m);

/// <summary>A position of <c>GET /v1/positions</c>: <c>size</c> is signed; CLOSED positions are listed too.</summary>
public sealed record ParadexPosition(string Market, string Side, decimal Size, decimal AverageEntryPrice, decimal UnrealizedPnl, string Status);

/// <summary>A token balance of <c>GET /v1/balance</c>.</summary>
public sealed record ParadexBalance(string Token, decimal Size);

/// <summary>Free collateral from <c>GET /v1/account</c>: what is not free is held as margin.</summary>
public sealed record ParadexAccount(string Account, decimal AccountValue, decimal FreeCollateral, decimal TotalCollateral);

/// <summary>A JSON-RPC 2.0 message of the WebSocket API: an answer (<c>id</c>, <c>result</c> or <c>error</c>) or a <c>subscription</c> push.</summary>
public sealed record ParadexRpcMessage(string? Method, long? Id, JsonElement? Result, ParadexRpcError? Error, ParadexRpcParams? Params);

public sealed record ParadexRpcError(int Code, string Message);

public sealed record ParadexRpcParams(string Channel, JsonElement Data);
