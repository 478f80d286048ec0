namespace Mmd.Trading.Engine;

/// <summary>What startup reconciliation found and did.</summary>
public sealed record StartupReport(
    int JournalOpenOrders,
    int Adopted,
    int Settled,
    int StrayCancelled,
    int FillsRecovered,
    int JournalFills)
{
    /// <summary>Orders the last run was cancelling when it died, still open on the venue: cancelled again.</summary>
    public int CancelsResent { get; init; }

    /// <summary>The fills the journal's checkpoint counted (<see cref="JournalFills"/> are those after it, replayed); 0 without one.</summary>
    public long CheckpointFills { get; init; }
}
