namespace Mmd.Exchanges.Paradex;

/// <summary>Where a Paradex connector connects and how it paces itself. The base URLs come from daemon.json's venue URLs.</summary>
public sealed record ParadexOptions
{
    /// <summary>The REST host; every path is under <c>/v1</c>.</summary>
    public Uri RestBaseUrl { get; init; } = new("https://api.prod.paradex.trade");
    /// <summary>The WebSocket endpoint (<c>…/v1</c>); public channels are negotiated as SBE on it.</summary>
    public Uri WebSocketUrl { get; init; } = new("wss://ws.api.prod.paradex.trade/v1");
    /// <summary>How long after its signature timestamp the venue may still accept an order (sent as <c>recv_window</c>).</summary>
    public TimeSpan RecvWindow { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How long a JWT request's signature stays valid (PARADEX-SIGNATURE-EXPIRATION).</summary>
    public TimeSpan AuthSignatureLifetime { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>A JWT lives 5 minutes on the venue; a fresh one is fetched this long after the last.</summary>
    public TimeSpan JwtRefresh { get; init; } = TimeSpan.FromMinutes(3);
    /// <summary>Private GETs the venue allows per second (it also allows 800 order writes a second).</summary>
    public int RequestsPerSecond { get; init; } = 20;
    /// <summary>A request without an answer by then is abandoned; a write's outcome is then unknown and settled by a query.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>How often the clock offset to the venue is measured again.</summary>
    public TimeSpan ClockSyncInterval { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Pings, pong timeout and quiet-book marks of the WebSocket streams.</summary>
    public Shared.StreamLiveness Streams { get; init; } = new();
}
