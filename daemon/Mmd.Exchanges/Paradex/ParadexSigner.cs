using Mmd.Trading.Primitives;
using Org.BouncyCastle.Math;

namespace Mmd.Exchanges.Paradex;

/// <summary>
/// Paradex's two signed messages (exchanges.md §3.4), as SNIP-12 rev-0 typed data in the domain
/// {name "Paradex", chainId, version 1}, signed with the account's STARK key:
/// <list type="bullet">
/// <item><c>Request</c> {method "POST", path "/v1/auth", body "", timestamp s, expiration s}: the JWT request;</item>
/// <item><c>Order</c> {timestamp ms, market, side 1|2, orderType, size×10⁸, price×10⁸ (0 for market)}: every order.</item>
/// </list>
/// A signature travels as <c>["&lt;r decimal&gt;","&lt;s decimal&gt;"]</c>.
/// </summary>
public sealed class ParadexSigner
{
    /// <summary>Paradex's chain amounts are fixed point with 8 decimals, whatever the market's tick.</summary>
    public const int ChainDecimals = 8;

    private static readonly BigInteger DomainType = StarkTypedData.TypeHash("StarkNetDomain(name:felt,chainId:felt,version:felt)");
    private static readonly PedersenChain OrderType = StarkTypedData.TypeChain(StarkTypedData.TypeHash("Order(timestamp:felt,market:felt,side:felt,orderType:felt,size:felt,price:felt)"));
    private static readonly PedersenChain RequestType = StarkTypedData.TypeChain(StarkTypedData.TypeHash("Request(method:felt,path:felt,body:felt,timestamp:felt,expiration:felt)"));

    private readonly BigInteger _privateKey;
    private readonly PedersenChain _messageChain;

    /// <param name="privateKey">The account's (or a trade-only subkey's) STARK private key.</param>
    /// <param name="account">The main account address: what the messages are signed for.</param>
    /// <param name="chainId">The StarkNet chain id as <c>GET /system/config</c> names it, e.g. PRIVATE_SN_PARACLEAR_MAINNET.</param>
    public ParadexSigner(BigInteger privateKey, BigInteger account, string chainId)
    {
        _privateKey = privateKey;
        Account = account;
        PublicKey = StarkEcdsa.PublicKey(privateKey);
        _messageChain = StarkTypedData.MessageChain(DomainHash(chainId), account);
    }

    public BigInteger Account { get; }

    public BigInteger PublicKey { get; }

    /// <summary>struct_hash(StarkNetDomain, {name "Paradex", chainId, version 1}).</summary>
    public static BigInteger DomainHash(string chainId) =>
        StarkTypedData.StructHash(DomainType, StarkTypedData.ShortString("Paradex"), StarkTypedData.ShortString(chainId), BigInteger.One);

    public static BigInteger AuthStructHash(long timestamp, long expiration) =>
        StarkTypedData.StructHash(RequestType, StarkTypedData.ShortString("POST"), StarkTypedData.ShortString("/v1/auth"), BigInteger.Zero,
            BigInteger.ValueOf(timestamp), BigInteger.ValueOf(expiration));

    /// <param name="price">Null for a market order, which signs price 0.</param>
    public static BigInteger OrderStructHash(long timestampMs, string market, Side side, string orderType, decimal size, decimal? price) =>
        StarkTypedData.StructHash(OrderType, BigInteger.ValueOf(timestampMs), StarkTypedData.ShortString(market),
            BigInteger.ValueOf(side == Side.Buy ? 1 : 2), StarkTypedData.ShortString(orderType), ChainAmount(size), price is { } p ? ChainAmount(p) : BigInteger.Zero);

    public static BigInteger MessageHash(BigInteger domainHash, BigInteger account, BigInteger structHash) =>
        StarkTypedData.MessageHash(domainHash, account, structHash);

    /// <summary>The PARADEX-STARKNET-SIGNATURE of a JWT request valid from <paramref name="timestamp"/> to <paramref name="expiration"/> (unix seconds).</summary>
    public string SignAuth(long timestamp, long expiration) => Sign(AuthStructHash(timestamp, expiration));

    /// <summary>An order's <c>signature</c> field; <paramref name="timestampMs"/> goes out as its <c>signature_timestamp</c>.</summary>
    public string SignOrder(long timestampMs, string market, Side side, string orderType, decimal size, decimal? price) =>
        Sign(OrderStructHash(timestampMs, market, side, orderType, size, price));

    private string Sign(BigInteger structHash)
    {
        var (r, s) = StarkEcdsa.Sign(_messageChain.Append(structHash).Finish(), _privateKey);
        return Format(r, s);
    }

    public static string Format(BigInteger r, BigInteger s) => $"[\"{r.ToString(10)}\",\"{s.ToString(10)}\"]";

    /// <summary>r and s from <c>["r","s"]</c> (decimal or 0x hex); null when malformed.</summary>
    public static (BigInteger R, BigInteger S)? ParseSignature(string? header)
    {
        if (header is null) return null;
        string[]? parts;
        try { parts = System.Text.Json.JsonSerializer.Deserialize<string[]>(header); }
        catch (System.Text.Json.JsonException) { return null; }
        if (parts is not { Length: 2 }) return null;
        return StarkTypedData.ParseNumber(parts[0]) is { } r && StarkTypedData.ParseNumber(parts[1]) is { } s ? (r, s) : null;
    }

    /// <summary>A decimal as Paradex's chain integer (×10⁸); one with more than 8 decimals cannot be signed exactly and is refused.</summary>
    public static BigInteger ChainAmount(decimal value)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(nameof(value), "amounts are not negative");
        var scaled = value * 100_000_000m;
        if (scaled != decimal.Truncate(scaled)) throw new ArgumentException($"{value} has more than {ChainDecimals} decimals", nameof(value));
        return new BigInteger(decimal.Truncate(scaled).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
