namespace Mmd.Trading.Execution;

/// <summary>
/// One funding settlement of a perpetual on the account: the rate, the mark it settled at, the account's position then,
/// and what the account paid (negative) or received. Longs pay a positive rate.
/// </summary>
public sealed record FundingPayment(string Id, string Symbol, DateTimeOffset Time, decimal Rate, decimal MarkPrice, decimal Position, decimal Amount)
{
    /// <summary>What a position of <paramref name="ownPosition"/> paid or received at this settlement (the instance's share).</summary>
    public decimal AmountFor(decimal ownPosition) => -ownPosition * MarkPrice * Rate;
}
