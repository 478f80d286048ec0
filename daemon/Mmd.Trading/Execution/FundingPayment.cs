namespace Mmd.Trading.Execution;

/// <summary>
/// One funding settlement of a perpetual on the account: the rate, the mark it settled at, the account's position then,
/// and what the account paid (negative) or received. Longs pay a positive rate. <paramref name="PaidOnPosition"/>: the
/// venue named the position the amount was paid on (else <paramref name="Position"/> is today's, an estimate).
/// <paramref name="RealizedOnOrder"/>: the venue realized the amount on a fill of this order (client order id; empty
/// when the order had none) instead of settling it at a time (Paradex); rate, mark and position are then not known.
/// <paramref name="TimeResolution"/>: the venue gives the time truncated to this (Lighter: whole seconds), so the
/// settlement happened in [Time, Time + resolution).
/// </summary>
public sealed record FundingPayment(string Id, string Symbol, DateTimeOffset Time, decimal Rate, decimal MarkPrice, decimal Position, decimal Amount,
    bool PaidOnPosition = false, string? RealizedOnOrder = null, TimeSpan TimeResolution = default)
{
    /// <summary>
    /// The instance's share: for a payment realized on a fill, all of it when the order was the instance's and none
    /// otherwise (the instance whose fill changed the position realized what the position had accrued; exact when one
    /// instance trades the market on the account); else <see cref="AmountFor"/> its own position then.
    /// </summary>
    public decimal ShareOf(decimal ownPosition, Func<string, bool> ownsOrder) => RealizedOnOrder switch
    {
        null => AmountFor(ownPosition),
        var order when ownsOrder(order) => Amount,
        _ => 0m,
    };

    /// <summary>
    /// What a position of <paramref name="ownPosition"/> paid or received at this settlement (the instance's share): its
    /// part of the amount when the venue named the position paid on, else position × mark × rate.
    /// </summary>
    public decimal AmountFor(decimal ownPosition) =>
        PaidOnPosition && Position != 0 ? Amount * ownPosition / Position : -ownPosition * MarkPrice * Rate;
}
