namespace Mmd.Trading.Risk;

public enum DenyReason
{
    None = 0,
    MaxPosition = 1,
    MaxOrderNotional = 2,
    OrderRate = 3,
    PriceBand = 4,
    KillSwitch = 5,
    NoMarketData = 6,
    DailyLoss = 7,
}

public readonly record struct RiskDecision(DenyReason Reason, string? Detail)
{
    public static RiskDecision Allow => default;
    public bool Allowed => Reason == DenyReason.None;
}

/// <summary>What the risk check needs to know about the instance right now.</summary>
/// <param name="Position">Net position: perp position, or spot base inventory change since start.</param>
/// <param name="OpenBuyQuantity">Remaining quantity of live buy orders.</param>
/// <param name="OpenSellQuantity">Remaining quantity of live sell orders.</param>
public readonly record struct RiskContext(decimal? Mid, decimal Position, decimal OpenBuyQuantity, decimal OpenSellQuantity);
