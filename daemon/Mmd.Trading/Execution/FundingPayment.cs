namespace Mmd.Trading.Execution;

/// <summary>
/// One funding settlement of a perpetual on the account: the rate, the mark it settled at, the account's position then,
/// and what the account paid (negative) or received. Longs pay a positive rate. <paramref name="PaidOnPosition"/>: the
/// venue named the position the amount was paid on (else <paramref name="Position"/> is today's, an estimate).
/// </summary>
public sealed record FundingPayment(string Id, string Symbol, DateTimeOffset Time, decimal Rate, decimal MarkPrice, decimal Position, decimal Amount,
    bool PaidOnPosition = false)
{
    /// <summary>
    /// What a position of <paramref name="ownPosition"/> paid or received at this settlement (the instance's share): its
    /// part of the amount when the venue named the position paid on, else position × mark × rate.
    /// </summary>
    public decimal AmountFor(decimal ownPosition) =>
        PaidOnPosition && Position != 0 ? Amount * ownPosition / Position : -ownPosition * MarkPrice * Rate;
}
