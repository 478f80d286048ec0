using System.Text.Json;

namespace Mmd.Exchanges.Lighter;

/// <summary>The L2 transaction types a market maker sends through <c>sendTx</c> (exchanges.md §4.2).</summary>
public enum LighterTxType
{
    CreateOrder = 14,
    CancelOrder = 15,
    CancelAllOrders = 16,
    ModifyOrder = 17,
}

/// <summary>
/// An L2 transaction: what is hashed and what travels as <c>tx_info</c> (exchanges.md §4.4). The hash is
/// H5([chain id, tx type, nonce, expiredAt, account, API key index, body…]); tx_info is the JSON the official (Go)
/// signer writes, keys in its order, the signature base64 in <c>Sig</c>, and <c>"L2TxAttributes":null</c> (no
/// integrator, no skipped nonce).
/// </summary>
public abstract record LighterTx(long AccountIndex, int ApiKeyIndex, long ExpiredAt, long Nonce)
{
    /// <summary>Client order indexes are 1 … 2^48 − 1; the venue's own order indexes start at 2^48.</summary>
    public const long MaxClientOrderIndex = (1L << 48) - 1;

    public const long MaxBaseAmount = (1L << 48) - 1;

    public abstract LighterTxType Type { get; }

    public Fp5 Hash(long chainId)
    {
        var body = Body();
        var elements = new ulong[6 + body.Length];
        ((ReadOnlySpan<ulong>)[(ulong)chainId, (ulong)Type, (ulong)Nonce, (ulong)ExpiredAt, (ulong)AccountIndex, (ulong)ApiKeyIndex]).CopyTo(elements);
        for (var i = 0; i < body.Length; i++) elements[6 + i] = (ulong)body[i].Value;
        return Poseidon2.HashToQuintic(elements);
    }

    /// <summary>The transaction's own fields, in the order they are hashed, which is also their order in tx_info, under their tx_info keys.</summary>
    protected abstract (string Key, long Value)[] Body();

    public string ToTxInfo(ReadOnlySpan<byte> signature)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber(nameof(AccountIndex), AccountIndex);
            writer.WriteNumber(nameof(ApiKeyIndex), ApiKeyIndex);
            foreach (var (key, value) in Body()) writer.WriteNumber(key, value);
            writer.WriteNumber(nameof(ExpiredAt), ExpiredAt);
            writer.WriteNumber(nameof(Nonce), Nonce);
            writer.WriteBase64String("Sig", signature);
            writer.WriteNull("L2TxAttributes");
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// A tx_info of the given type read back (the emulator's side of the wire); null with a reason when a field is
    /// missing or out of range. Attributes other than null or all-nil values are refused: they change the hash.
    /// </summary>
    public static LighterTx? Parse(int txType, string txInfo, out byte[] signature, out string? error)
    {
        signature = [];
        error = null;
        try
        {
            using var document = JsonDocument.Parse(txInfo);
            var root = document.RootElement;
            if (root.TryGetProperty("L2TxAttributes", out var attributes) && attributes.ValueKind == JsonValueKind.Object
                && attributes.EnumerateObject().Any(a => a.Value.GetInt64() != 0))
            {
                error = "L2TxAttributes with values are not supported";
                return null;
            }
            signature = root.GetProperty("Sig").GetBytesFromBase64();
            long L(string name) => root.GetProperty(name).GetInt64();
            int I(string name) => root.GetProperty(name).GetInt32();
            var (account, key, expiredAt, nonce) = (L("AccountIndex"), I("ApiKeyIndex"), L("ExpiredAt"), L("Nonce"));
            LighterTx tx = (LighterTxType)txType switch
            {
                LighterTxType.CreateOrder => new LighterCreateOrderTx(account, key, expiredAt, nonce, I("MarketIndex"), L("ClientOrderIndex"),
                    L("BaseAmount"), root.GetProperty("Price").GetUInt32(), I("IsAsk") == 1, I(LighterCreateOrderTx.OrderTypeKey), I("TimeInForce"), I("ReduceOnly") == 1,
                    root.GetProperty("TriggerPrice").GetUInt32(), L("OrderExpiry")),
                LighterTxType.CancelOrder => new LighterCancelOrderTx(account, key, expiredAt, nonce, I("MarketIndex"), L("Index")),
                LighterTxType.CancelAllOrders => new LighterCancelAllOrdersTx(account, key, expiredAt, nonce, I("TimeInForce"), L("Time")),
                LighterTxType.ModifyOrder => new LighterModifyOrderTx(account, key, expiredAt, nonce, I("MarketIndex"), L("Index"), L("BaseAmount"),
                    root.GetProperty("Price").GetUInt32(), root.GetProperty("TriggerPrice").GetUInt32()),
                _ => throw new FormatException($"tx_type {txType} is not supported"),
            };
            return tx;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            error = ex.Message;
            return null;
        }
    }
}

/// <summary>CreateOrder (14). Price and trigger price are integers in the market's price decimals, the base amount in its size decimals.</summary>
public sealed record LighterCreateOrderTx(
    long AccountIndex, int ApiKeyIndex, long ExpiredAt, long Nonce,
    int MarketIndex, long ClientOrderIndex, long BaseAmount, uint Price, bool IsAsk, int OrderType, int TimeInForce, bool ReduceOnly,
    uint TriggerPrice, long OrderExpiry) : LighterTx(AccountIndex, ApiKeyIndex, ExpiredAt, Nonce)
{
    /// <summary>Order types (lighter-go constants.go).</summary>
    public const int Limit = 0, Market = 1;

    /// <summary>Times in force: immediate-or-cancel, good-till-time, post-only.</summary>
    public const int ImmediateOrCancel = 0, GoodTillTime = 1, PostOnly = 2;

    /// <summary>The order type's key in tx_info (<c>Type</c>, which is not the transaction's type).</summary>
    public const string OrderTypeKey = "Type";

    public override LighterTxType Type => LighterTxType.CreateOrder;

    protected override (string Key, long Value)[] Body() =>
    [
        (nameof(MarketIndex), MarketIndex), (nameof(ClientOrderIndex), ClientOrderIndex), (nameof(BaseAmount), BaseAmount), (nameof(Price), Price),
        (nameof(IsAsk), IsAsk ? 1 : 0), (OrderTypeKey, OrderType), (nameof(TimeInForce), TimeInForce), (nameof(ReduceOnly), ReduceOnly ? 1 : 0),
        (nameof(TriggerPrice), TriggerPrice), (nameof(OrderExpiry), OrderExpiry),
    ];
}

/// <summary>CancelOrder (15): <see cref="Index"/> is a client order index (below 2^48) or the venue's order index.</summary>
public sealed record LighterCancelOrderTx(long AccountIndex, int ApiKeyIndex, long ExpiredAt, long Nonce, int MarketIndex, long Index)
    : LighterTx(AccountIndex, ApiKeyIndex, ExpiredAt, Nonce)
{
    public override LighterTxType Type => LighterTxType.CancelOrder;

    protected override (string Key, long Value)[] Body() => [(nameof(MarketIndex), MarketIndex), (nameof(Index), Index)];
}

/// <summary>CancelAllOrders (16), every market: time in force 0 now (time 0), 1 scheduled at <see cref="Time"/> ms (a dead-man switch), 2 abort the scheduled one.</summary>
public sealed record LighterCancelAllOrdersTx(long AccountIndex, int ApiKeyIndex, long ExpiredAt, long Nonce, int TimeInForce, long Time)
    : LighterTx(AccountIndex, ApiKeyIndex, ExpiredAt, Nonce)
{
    public const int Immediate = 0, Scheduled = 1, AbortScheduled = 2;

    public override LighterTxType Type => LighterTxType.CancelAllOrders;

    protected override (string Key, long Value)[] Body() => [(nameof(TimeInForce), TimeInForce), (nameof(Time), Time)];
}

/// <summary>ModifyOrder (17).</summary>
public sealed record LighterModifyOrderTx(long AccountIndex, int ApiKeyIndex, long ExpiredAt, long Nonce, int MarketIndex, long Index, long BaseAmount,
    uint Price, uint TriggerPrice) : LighterTx(AccountIndex, ApiKeyIndex, ExpiredAt, Nonce)
{
    public override LighterTxType Type => LighterTxType.ModifyOrder;

    protected override (string Key, long Value)[] Body() =>
        [(nameof(MarketIndex), MarketIndex), (nameof(Index), Index), (nameof(BaseAmount), BaseAmount), (nameof(Price), Price), (nameof(TriggerPrice), TriggerPrice)];
}
