namespace Mmd.Exchanges.Paper;

/// <summary>Everything that shapes the paper venue. Defaults give fills within a minute for the default quotes.</summary>
public sealed record PaperSettings
{
    /// <summary>Folder of the per-account state files; null keeps the venue in memory only.</summary>
    public string? StateDirectory { get; init; }
    public string Account { get; init; } = "default";
    /// <summary>
    /// The history log is written whole again once this many lines were appended to it: twice what the venue keeps
    /// (2 000 terminal orders, 5 000 fills), about an hour of busy quoting. Small in tests, to see a compaction.
    /// </summary>
    internal int HistoryCompactAfterLines { get; init; } = 2 * (2_000 + 5_000);
    /// <summary>Called under the venue's lock just before each save: lets a test see what had gone out by then.</summary>
    internal Action? BeforeSave { get; init; }
    public ulong Seed { get; init; } = 1;
    /// <summary>Start mid per symbol; a symbol not named starts at its catalogue price.</summary>
    public IReadOnlyDictionary<string, decimal> StartPrices { get; init; } = new Dictionary<string, decimal>();
    /// <summary>Scripted mids per symbol, replacing the random walk while they last.</summary>
    public IReadOnlyDictionary<string, PricePath> PricePaths { get; init; } = new Dictionary<string, PricePath>();
    /// <summary>Recorded trades per symbol, replacing the random taker flow of that market (see <see cref="TradeTape"/>).</summary>
    public IReadOnlyDictionary<string, TradeTape> TradeTapes { get; init; } = new Dictionary<string, TradeTape>();
    /// <summary>Standard deviation of the mid's relative move per second, in %.</summary>
    public decimal VolatilityPct { get; init; } = 0.02m;
    public TimeSpan Tick { get; init; } = TimeSpan.FromMilliseconds(200);
    /// <summary>Balances of a new account; empty gives 10000 of each quote asset and 100 of each base asset.</summary>
    public IReadOnlyDictionary<string, decimal> InitialBalances { get; init; } = new Dictionary<string, decimal>();
    public decimal MakerFeeRate { get; init; } = 0.0002m;
    public decimal TakerFeeRate { get; init; } = 0.0005m;
    /// <summary>Mean number of background market orders per second.</summary>
    public decimal FlowRate { get; init; } = 2m;
    /// <summary>Quote value of one background liquidity level; background orders average this size too.</summary>
    public decimal LevelNotional { get; init; } = 1000m;
    public int BackgroundLevels { get; init; } = 10;
    /// <summary>Distance between background levels, as a fraction of the mid (2 bp).</summary>
    public decimal BackgroundLevelGap { get; init; } = 0.0002m;
    public int Leverage { get; init; } = 10;
    /// <summary>Funding rate per settlement, in % of a perp position's notional; longs pay a positive rate.</summary>
    public decimal FundingRatePct { get; init; } = 0.01m;
    /// <summary>Time between funding settlements (from the venue's start).</summary>
    public TimeSpan FundingInterval { get; init; } = TimeSpan.FromHours(8);
    /// <summary>The account's orders may trade with each other (<see cref="PaperExchange.AllowSelfTrades"/>): a venue whose self-trade prevention is off.</summary>
    public bool SelfTrades { get; init; }
    /// <summary>Levels per side sent on the book stream.</summary>
    public int PublishedDepth { get; init; } = 20;
    /// <summary>A book stream with nothing to send for this long says it is alive (a quiet market is not a dead feed).</summary>
    public TimeSpan BookAliveInterval { get; init; } = Trading.Execution.BookAliveEvent.QuietInterval;
}
