namespace Mmd.Trading.Execution;

public enum OrderType
{
    Limit = 1,
    Market = 2,
}

public enum TimeInForce
{
    Gtc = 1,
    Ioc = 2,
}
