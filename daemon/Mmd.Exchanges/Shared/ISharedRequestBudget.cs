namespace Mmd.Exchanges.Shared;

/// <summary>
/// A connector whose requests count against limits the venue sets per host (an IP, or an account), not per process:
/// the daemon tells each worker how many running instances trade on the venue, and each takes that part of every limit;
/// a wait the venue asks of one is kept by all.
/// </summary>
public interface ISharedRequestBudget
{
    /// <summary>Every gate the connector's requests go through.</summary>
    RequestGates RequestGates { get; }
}
