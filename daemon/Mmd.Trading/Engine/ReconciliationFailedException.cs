namespace Mmd.Trading.Engine;

/// <summary>The journal and the venue disagree in a way that cannot be settled: the instance must not quote.</summary>
public sealed class ReconciliationFailedException(string reason, Exception? inner = null)
    : Exception($"startup reconciliation failed: {reason}", inner)
{
    public string Reason { get; } = reason;

    /// <summary>What the cancel that followed left on the venue (0: none; -1: unconfirmed); null when none was tried.</summary>
    public int? OrdersLeft { get; set; }
}
