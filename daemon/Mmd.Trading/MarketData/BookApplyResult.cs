namespace Mmd.Trading.MarketData;

public enum BookApplyResult
{
    /// <summary>The update was applied.</summary>
    Applied = 1,
    /// <summary>The update is older than the book and was ignored.</summary>
    Stale = 2,
    /// <summary>An update is missing between the book and this one: the book is unusable until a new snapshot.</summary>
    Gap = 3,
    /// <summary>No snapshot yet (or a gap was seen before): the update was ignored.</summary>
    NotSynced = 4,
}
