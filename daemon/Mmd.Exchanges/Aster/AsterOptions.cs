namespace Mmd.Exchanges.Aster;

/// <summary>Where an Aster connector connects, how it signs and how it paces itself. The base URLs come from daemon.json's venue URLs.</summary>
public sealed record AsterOptions
{
    public Uri RestBaseUrl { get; init; } = new("https://fapi.asterdex.com");
    public Uri WebSocketUrl { get; init; } = new("wss://fstream.asterdex.com");
    /// <summary>V3 (EIP-712, the default) or V1 (HMAC, keys made before V1 creation closed).</summary>
    public AsterSigning Signing { get; init; } = AsterSigning.V3;
    /// <summary>The EIP-712 chain id: 1666 on mainnet, 714 on testnet.</summary>
    public long ChainId { get; init; } = AsterEip712Signer.MainnetChainId;
    /// <summary>V1's recvWindow: how long after its timestamp the venue accepts a request (at most 60 s).</summary>
    public TimeSpan RecvWindow { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Request weight the venue allows per minute (exchangeInfo's REQUEST_WEIGHT; read again at connect).</summary>
    public int WeightPerMinute { get; init; } = 2400;
    /// <summary>The share of the minute's weight at which requests wait for the next minute, before a 429 (and a 418 ban) is earned.</summary>
    public decimal WeightHeadroom { get; init; } = 0.9m;
    /// <summary>A request without an answer by then is abandoned; a write's outcome is then unknown and settled by a query.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>
    /// The dead-man's switch: the venue cancels the account's orders on a symbol this long after the last renewal
    /// (countdownCancelAll, renewed every third of it). Zero turns it off.
    /// </summary>
    public TimeSpan DeadManCountdown { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>How often the user stream's listen key is kept alive (the venue lets it lapse after 60 minutes).</summary>
    public TimeSpan ListenKeyKeepAlive { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>How often the clock offset to the venue is measured again.</summary>
    public TimeSpan ClockSyncInterval { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Pings, pong timeout and quiet-book marks of the WebSocket streams.</summary>
    public Shared.StreamLiveness Streams { get; init; } = new();
}
