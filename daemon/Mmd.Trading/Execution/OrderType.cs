namespace Mmd.Trading.Execution;

public enum OrderType
{
    Limit = 1,
    Market = 2,
}

public enum TimeInForce
{
    /// <summary>Rests until filled or cancelled.</summary>
    Gtc = 1,
    /// <summary>Trades what it can at once; the rest is cancelled.</summary>
    Ioc = 2,
    /// <summary>Trades in full at once or not at all.</summary>
    Fok = 3,
}
