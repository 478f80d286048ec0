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
    /// <summary>Reads per second, sustained: Paradex allows 600 private GETs a minute (and at most 120 in one second).</summary>
    public int RequestsPerSecond { get; init; } = 10;
    /// <summary>Reads that may go at once after a quiet spell (a worker's start-up reconciliation reads a dozen).</summary>
    public int ReadBurst { get; init; } = 60;
    /// <summary>Order writes per second, sustained: Paradex allows 17 250 a minute (and at most 800 in one second).</summary>
    public int WritesPerSecond { get; init; } = 280;
    public int WriteBurst { get; init; } = 400;
    /// <summary>A request without an answer by then is abandoned; a write's outcome is then unknown and settled by a query.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>How often the clock offset to the venue is measured again.</summary>
    public TimeSpan ClockSyncInterval { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Pings, pong timeout and quiet-book marks of the WebSocket streams.</summary>
    public Shared.StreamLiveness Streams { get; init; } = new();
}
