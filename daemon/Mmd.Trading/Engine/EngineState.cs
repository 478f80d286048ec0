namespace Mmd.Trading.Engine;

public enum EngineState
{
    Starting = 1,
    Reconciling = 2,
    Running = 3,
    Stopping = 4,
    Stopped = 5,
    Failed = 6,
}

/// <summary>Proof of progress, for liveness probes: fresh data, connected account stream, a loop that runs.</summary>
public sealed record EngineHealth(
    EngineState State,
    DateTimeOffset? LastBookUpdate,
    bool BookSynced,
    bool BookFresh,
    bool AccountStreamConnected,
    DateTimeOffset? LastLoop);

/// <summary>How a run ended.</summary>
public sealed record EngineResult(
    string StopReason,
    int OwnOrdersLeftOnVenue,
    Stats.StatsSnapshot FinalStats,
    StartupReport? Startup)
{
    /// <summary>The strategy ended the run itself (a grid's boundary, a stop loss that stops), not a stop from outside.</summary>
    public bool StoppedByStrategy { get; init; }
}
