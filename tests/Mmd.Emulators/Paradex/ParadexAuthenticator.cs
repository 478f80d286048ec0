using System.Collections.Concurrent;
using System.Security.Cryptography;
using Mmd.Exchanges.Paradex;
using Mmd.Exchanges.Shared;
using Org.BouncyCastle.Math;

namespace Mmd.Emulators.Paradex;

/// <summary>
/// The venue's side of Paradex's authentication (exchanges.md §3.4): <c>POST /v1/auth</c> is checked as a SNIP-12
/// <c>Request</c> signed by the STARK key registered for the account (onboarded), within its timestamp and expiration, and
/// answered with a JWT that lives five minutes; every order's signature is checked against the same key, within its
/// <c>recv_window</c>. The account a request trades on is the account address (lowercase hex).
/// </summary>
public sealed class ParadexAuthenticator(string chainId)
{
    public static readonly TimeSpan JwtLifetime = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, BigInteger> _publicKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Account, DateTimeOffset Expires)> _tokens = new(StringComparer.Ordinal);
    private readonly BigInteger _domain = ParadexSigner.DomainHash(chainId);

    public string ChainId => chainId;

    /// <summary>Onboards an account with its STARK public key.</summary>
    public void Register(BigInteger account, BigInteger publicKey) => _publicKeys[StarkTypedData.Hex(account)] = publicKey;

    /// <summary>Every JWT issued so far stops working (as when the venue revokes them).</summary>
    public void RevokeTokens() => _tokens.Clear();

    /// <summary>A JWT for a valid auth request, or the venue's error code and message.</summary>
    public (string? Jwt, string? Error, string? Message) IssueJwt(string? account, string? signature, string? timestamp, string? expiration, DateTimeOffset now)
    {
        if (StarkTypedData.ParseNumber(account) is not { } address || !_publicKeys.TryGetValue(StarkTypedData.Hex(address), out var key))
            return (null, "NOT_ONBOARDED", "the account is not onboarded");
        if (!long.TryParse(timestamp, out var ts) || !long.TryParse(expiration, out var exp))
            return (null, "INVALID_REQUEST_PARAMETER", "PARADEX-TIMESTAMP and PARADEX-SIGNATURE-EXPIRATION must be Unix seconds");
        var seconds = now.ToUnixTimeSeconds();
        if (exp <= seconds || ts > seconds + 30) return (null, "INVALID_TIMESTAMP", "the signature is expired or from the future");
        if (ParadexSigner.ParseSignature(signature) is not var (r, s)
            || !StarkEcdsa.Verify(key, ParadexSigner.MessageHash(_domain, address, ParadexSigner.AuthStructHash(ts, exp)), r, s))
            return (null, "INVALID_STARKNET_SIGNATURE", "the signature does not verify");
        var jwt = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        _tokens[jwt] = (StarkTypedData.Hex(address), now + JwtLifetime);
        return (jwt, null, null);
    }

    /// <summary>The account of a live bearer token; null when it is unknown, revoked or older than five minutes.</summary>
    public string? AccountOf(string? bearer, DateTimeOffset now) =>
        bearer is not null && _tokens.TryGetValue(bearer, out var token) && token.Expires > now ? token.Account : null;

    /// <summary>Whether an order's signature is the account's, over exactly what it asks for, within its receive window.</summary>
    public (string? Error, string? Message) CheckOrder(string account, ParadexNewOrder order, DateTimeOffset now)
    {
        var age = now.ToUnixTimeMilliseconds() - order.SignatureTimestamp;
        if (age > Math.Max(order.RecvWindow, 1) || age < -30_000) return ("INVALID_TIMESTAMP", "signature_timestamp is outside recv_window");
        if (!_publicKeys.TryGetValue(account, out var key)) return ("NOT_ONBOARDED", "the account is not onboarded");
        decimal size, price = 0m;
        try
        {
            size = WireLevels.Money(order.Size);
            if (order.Price is { } p) price = WireLevels.Money(p);
        }
        catch (FormatException)
        {
            return ("INVALID_REQUEST_PARAMETER", "size and price are decimal strings");
        }
        var side = order.Side == "BUY" ? Trading.Primitives.Side.Buy : Trading.Primitives.Side.Sell;
        BigInteger hash;
        try
        {
            hash = ParadexSigner.MessageHash(_domain, StarkTypedData.ParseNumber(account)!,
                ParadexSigner.OrderStructHash(order.SignatureTimestamp, order.Market, side, order.Type, size, order.Type == "MARKET" ? null : price));
        }
        catch (ArgumentException e)
        {
            return ("INVALID_ORDER_SIZE", e.Message);
        }
        return ParadexSigner.ParseSignature(order.Signature) is var (r, s) && StarkEcdsa.Verify(key, hash, r, s)
            ? (null, null)
            : ("INVALID_ORDER_SIGNATURE", "the order signature does not verify");
    }
}
