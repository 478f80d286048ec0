namespace Mmd.Trading.Stats;

/// <summary>
/// One market's cumulative figures as of the journal's fills up to a point, saved as the worker runs: a restart starts
/// from it and replays only the fills journaled after it, instead of every fill since the instance began (a million
/// fills took 3 s before the first quote, and grew with every day).
/// </summary>
public sealed record FiguresCheckpoint
{
    /// <summary>The shape of this record; a checkpoint of another version is not used (the start replays every fill).</summary>
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;

    /// <summary>When it was taken.</summary>
    public DateTimeOffset Time { get; init; }

    /// <summary>The counters, fees by asset, realized PnL, position and funding (not marked to a price).</summary>
    public required StatsFigures Figures { get; init; }

    /// <summary>The open position's lots, oldest first: what later fills close, and at what price.</summary>
    public required IReadOnlyList<FifoLot> Lots { get; init; }

    /// <summary>The newest fill's time: the venue is asked for fills from shortly before it.</summary>
    public DateTimeOffset? NewestFillTime { get; init; }

    /// <summary>
    /// Where the position history starts (a perpetual's, for funding): the position in force at <see cref="FundingSince"/>
    /// and since when. The fills after it are read back from the journal; null with no history kept, or none before.
    /// </summary>
    public PositionAtTime? PositionHistoryStart { get; init; }

    /// <summary>Whether the market keeps a position history (a perpetual with funding).</summary>
    public bool KeepsPositionHistory { get; init; }

    /// <summary>The funding settlement the next poll asks from, and those counted since then (id → time).</summary>
    public DateTimeOffset? FundingSince { get; init; }

    public IReadOnlyDictionary<string, DateTimeOffset> FundingSeen { get; init; } = new Dictionary<string, DateTimeOffset>();
}

/// <summary>A position and the time from which it held.</summary>
public readonly record struct PositionAtTime(DateTimeOffset Time, decimal Position);
