namespace Mmd.Trading.Engine;

public sealed record EngineOptions
{
    public required string InstanceName { get; init; }
    public required string Symbol { get; init; }
    /// <summary>The strategy's interval: market makers replace a quote once it has rested this long; grids are re-asked this often.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(60);
    public decimal RefreshTolerancePct { get; init; } = 0.05m;
    /// <summary>Whether the forced refresh replaces every resting quote (market makers) or only re-asks the strategy (grids).</summary>
    public bool RefreshReplacesQuotes { get; init; } = true;
    /// <summary>Quotes are pulled when the book has not moved for this long.</summary>
    public TimeSpan StaleBookAfter { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>Quotes are pulled when the account stream has been down this long: fills would go unseen.</summary>
    public TimeSpan AccountStreamGrace { get; init; } = TimeSpan.FromSeconds(3);
    /// <summary>How often the housekeeping timer runs (staleness, unknown orders, balance refresh).</summary>
    public TimeSpan HousekeepingPeriod { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How often a stats snapshot is written to the journal.</summary>
    public TimeSpan StatsSnapshotPeriod { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Ended orders and stats snapshots older than this are deleted from the journal (fills are kept), once an hour.</summary>
    public TimeSpan JournalRetention { get; init; } = TimeSpan.FromDays(30);
    public TimeSpan JournalPrunePeriod { get; init; } = TimeSpan.FromHours(1);
    /// <summary>The freshest the live stats (what the daemon streams to watchers) get after events: ten times a second.</summary>
    public TimeSpan StatsRefresh { get; init; } = TimeSpan.FromMilliseconds(100);
    /// <summary>
    /// How long the shutdown waits for the venue to confirm that none of our orders is left (a stop that came during the
    /// start-up: how long the start-up has to finish first). Under a supervisor, <see cref="ShutdownTimeoutWithin"/> of its
    /// stop timeout; a stop that names its own timeout changes it (<see cref="InstanceEngine.StopWithin"/>).
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = DefaultShutdownTimeout;

    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(8);

    /// <summary>
    /// The part of a supervisor's stop timeout (after which it kills the worker) that the engine spends confirming a flat
    /// book: all of it but what the run needs after that to save its figures and report its exit (a fifth, 2 s at most).
    /// A venue that paces its reads seconds apart (Lighter, shared by several instances) needs most of it.
    /// </summary>
    public static TimeSpan ShutdownTimeoutWithin(TimeSpan stopTimeout) =>
        stopTimeout - TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(2).Ticks, stopTimeout.Ticks / 5));
    /// <summary>A journaled order the venue cannot find is given up as never received after this long.</summary>
    public TimeSpan UnknownOrderGrace { get; init; } = TimeSpan.FromSeconds(5);
    public int EventQueueCapacity { get; init; } = 4096;
    /// <summary>Quoting starts paused (the operator paused it, and a pause holds across restarts).</summary>
    public bool StartPaused { get; init; }
    /// <summary>
    /// A kill switch an earlier run tripped stays tripped: a supervisor's restart of a crashed worker must not trade
    /// again what the kill switch stopped. False for an operator's start, which clears it.
    /// </summary>
    public bool KeepTrippedKillSwitch { get; init; }
    /// <summary>
    /// The part of the account the instance trades with, by asset (several instances on one account); null or empty: the
    /// whole account. See <see cref="Risk.CapitalAllotment"/>.
    /// </summary>
    public IReadOnlyDictionary<string, decimal>? Capital { get; init; }
}
