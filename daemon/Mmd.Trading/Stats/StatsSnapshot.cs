namespace Mmd.Trading.Stats;

/// <summary>Everything the seed's log summary and dashboard showed, at one instant.</summary>
public sealed record StatsSnapshot
{
    public required string Instance { get; init; }
    public required string Venue { get; init; }
    public required string Symbol { get; init; }
    public required string BaseAsset { get; init; }
    public required string QuoteAsset { get; init; }
    public required DateTimeOffset Time { get; init; }
    public required DateTimeOffset SessionStart { get; init; }
    public TimeSpan Runtime => Time - SessionStart;
    public decimal? Mid { get; init; }
    public decimal? BestBid { get; init; }
    public decimal? BestAsk { get; init; }
    public decimal? BestQuoteBid { get; init; }
    public decimal? BestQuoteAsk { get; init; }
    /// <summary>Distance between our best bid and best ask, in % of mid.</summary>
    public decimal? QuoteSpreadPct { get; init; }
    public int OpenBuyOrders { get; init; }
    public int OpenSellOrders { get; init; }
    public long OrdersPlaced { get; init; }
    public long OrdersCancelled { get; init; }
    public long OrdersRejected { get; init; }
    public long PostOnlyRetries { get; init; }
    /// <summary>Quotes taken back before they were sent (they waited for the venue's request limit; see PlaceWithdrawal).</summary>
    public long OrdersWithdrawn { get; init; }
    public long Rebalances { get; init; }
    public long RiskDenials { get; init; }
    public decimal BaseBalance { get; init; }
    public decimal QuoteBalance { get; init; }
    /// <summary>Quote balance + base balance x mid.</summary>
    public decimal? PortfolioValue { get; init; }
    /// <summary>
    /// Each asset of the instance's capital (several instances on one account): the balances above are its part of the
    /// account. Empty when it was given none and sees the whole account.
    /// </summary>
    public IReadOnlyList<Risk.CapitalLine> Capital { get; init; } = [];
    public bool MarketDataFresh { get; init; }
    public bool KillSwitchTripped { get; init; }
    /// <summary>Why the kill switch tripped; null when it has not.</summary>
    public string? KillSwitchReason { get; init; }
    /// <summary>The UTC day the daily loss counts in and the net PnL it started from (a restart within the day counts on from it).</summary>
    public Risk.DayStart? DayStart { get; init; }
    /// <summary>Net PnL since the start of the UTC day, every market of the instance; null before it is known.</summary>
    public decimal? TodayNetPnl { get; init; }
    /// <summary>Why quoting halts for the rest of the UTC day; null while it does not.</summary>
    public string? DailyLossHalt { get; init; }
    /// <summary>Net PnL counted against the daily loss limit since the operator lifted a halt today; null when none was.</summary>
    public decimal? SinceDailyLossHaltLifted { get; init; }
    /// <summary>Quoting paused by the operator (the instance keeps running).</summary>
    public bool QuotingPaused { get; init; }
    /// <summary>The strategy kind, e.g. "perp_market_making".</summary>
    public string Strategy { get; init; } = "";
    public StrategyFigures? StrategyFigures { get; init; }
    /// <summary>How fast the worker reacted and its venue answered, over the last minute; null before the engine runs.</summary>
    public LatencyFigures? Latency { get; init; }
    /// <summary>The quoting venue's dead-man's switch; null when it has none or it is off.</summary>
    public Execution.DeadManSwitchStatus? DeadManSwitch { get; init; }
    public required StatsFigures Session { get; init; }
    public required StatsFigures Cumulative { get; init; }
}
