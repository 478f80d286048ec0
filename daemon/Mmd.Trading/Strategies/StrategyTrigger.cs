namespace Mmd.Trading.Strategies;

/// <summary>Why the strategy is asked for its quotes now.</summary>
public enum StrategyTrigger
{
    Start = 1,
    Book = 2,
    Fill = 3,
    OrderUpdate = 4,
    Timer = 5,
    /// <summary>The interval elapsed: every quote is replaced regardless of tolerance.</summary>
    ForcedRefresh = 6,
}
