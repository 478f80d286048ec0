namespace Mmd.Exchanges.Lighter;

/// <summary>Where a Lighter connector connects and how it paces itself. The base URLs come from daemon.json's venue URLs.</summary>
public sealed record LighterOptions
{
    /// <summary>The REST host; every path is under <c>/api/v1</c>.</summary>
    public Uri RestBaseUrl { get; init; } = new("https://mainnet.zklighter.elliot.ai");
    public Uri WebSocketUrl { get; init; } = new("wss://mainnet.zklighter.elliot.ai/stream");
    /// <summary>The chain id signed into every transaction; null: 304 (mainnet) when the REST host names mainnet, else 300 (testnet).</summary>
    public long? ChainId { get; init; }
    /// <summary>How long a signed transaction stays valid (its <c>ExpiredAt</c>).</summary>
    public TimeSpan TxLifetime { get; init; } = TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1);
    /// <summary>How long a resting order lives on the venue (its <c>OrderExpiry</c>; at most 30 days).</summary>
    public TimeSpan OrderLifetime { get; init; } = TimeSpan.FromDays(28);
    /// <summary>How long an auth token for private reads and streams is valid (at most 8 h); a fresh one is made a minute before.</summary>
    public TimeSpan AuthTokenLifetime { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>
    /// Reads per second, sustained. Lighter weighs a read 300 and a transaction 6 against a premium account's 24 000 a
    /// minute (exchanges.md §4.8): 80 reads a minute would spend it all, so reads are kept to one a second, 20 at once
    /// after a quiet spell (a worker's start-up reconciliation reads about eight).
    /// </summary>
    public int RequestsPerSecond { get; init; } = 1;
    public int ReadBurst { get; init; } = 20;
    /// <summary>
    /// Transactions per second, sustained: 50 (weight 300 a second) leaves a quarter of the budget for reads, which the
    /// order watch keeps off the quoting path.
    /// </summary>
    public int TransactionsPerSecond { get; init; } = 50;
    public int TransactionBurst { get; init; } = 100;
    /// <summary>A request without an answer by then is abandoned; a transaction's outcome is then unknown and settled by a query.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>The application-level ping the venue expects on its streams (it drops a connection silent for about 2 minutes).</summary>
    public TimeSpan StreamPingInterval { get; init; } = TimeSpan.FromSeconds(30);
    public Shared.StreamLiveness Streams { get; init; } = new();
    /// <summary>
    /// The dead-man's switch: the venue's scheduled cancel-all, this far ahead and pushed back every third of it while the
    /// connector lives. It cancels every order of the account on every market, the operator's and other bots' too, so it
    /// is off (zero) unless asked for; the venue takes 5 minutes to 15 days.
    /// </summary>
    public TimeSpan DeadManCountdown { get; init; } = TimeSpan.Zero;

    public long EffectiveChainId => ChainId ?? (RestBaseUrl.Host.Contains("mainnet", StringComparison.OrdinalIgnoreCase) ? 304 : 300);
}
