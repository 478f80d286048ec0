namespace Mmd.Trading.Execution;

/// <summary>One asset of the account. Total = Available + Locked.</summary>
public sealed record Balance(string Asset, decimal Available, decimal Locked)
{
    public decimal Total => Available + Locked;
}
