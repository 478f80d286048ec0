namespace Mmd.Trading.Engine;

/// <summary>What startup reconciliation found and did.</summary>
public sealed record StartupReport(
    int JournalOpenOrders,
    int Adopted,
    int Settled,
    int StrayCancelled,
    int FillsRecovered,
    int JournalFills);
