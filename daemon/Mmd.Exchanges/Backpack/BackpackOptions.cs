namespace Mmd.Exchanges.Backpack;

/// <summary>Where a Backpack connector connects and how it paces itself. The base URLs come from daemon.json's venue URLs.</summary>
public sealed record BackpackOptions
{
    public Uri RestBaseUrl { get; init; } = new("https://api.backpack.exchange");
    public Uri WebSocketUrl { get; init; } = new("wss://ws.backpack.exchange");
    /// <summary>X-Window: how long after its timestamp the venue accepts a request (the venue allows up to 60 s).</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Sustained request rate of the client-side token bucket (Backpack publishes no limit; ccxt paces at 20/s).</summary>
    public int RequestsPerSecond { get; init; } = 10;
    /// <summary>How many requests may go at once before the bucket paces them.</summary>
    public int Burst { get; init; } = 10;
    /// <summary>A request without an answer by then is abandoned; a write's outcome is then unknown and settled by a query.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>How often the clock offset to the venue is measured again.</summary>
    public TimeSpan ClockSyncInterval { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Reconnect backoff of the WebSocket streams: doubling from the first to the cap.</summary>
    public TimeSpan ReconnectInitialDelay { get; init; } = TimeSpan.FromMilliseconds(250);
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Rows per page when reading fill, funding and order history (the venue's maximum is 1000).</summary>
    public int HistoryPageSize { get; init; } = 1000;
    /// <summary>Pings, pong timeout and quiet-book marks of the WebSocket streams.</summary>
    public Shared.StreamLiveness Streams { get; init; } = new();
    /// <summary>Spot-margin flags sent with every order when set (Backpack's autoLend, autoLendRedeem, autoBorrow, autoBorrowRepay).</summary>
    public BackpackMarginFlags MarginFlags { get; init; } = new();
}

/// <summary>Backpack's spot-margin order flags; null leaves a flag out of the order (the venue's default).</summary>
public sealed record BackpackMarginFlags(bool? AutoLend = null, bool? AutoLendRedeem = null, bool? AutoBorrow = null, bool? AutoBorrowRepay = null)
{
    public IEnumerable<BackpackParameter> Parameters()
    {
        if (AutoLend is { } lend) yield return BackpackParameter.Flag("autoLend", lend);
        if (AutoLendRedeem is { } redeem) yield return BackpackParameter.Flag("autoLendRedeem", redeem);
        if (AutoBorrow is { } borrow) yield return BackpackParameter.Flag("autoBorrow", borrow);
        if (AutoBorrowRepay is { } repay) yield return BackpackParameter.Flag("autoBorrowRepay", repay);
    }
}
