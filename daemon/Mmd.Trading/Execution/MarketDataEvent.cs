using Mmd.Trading.MarketData;

namespace Mmd.Trading.Execution;

/// <summary>An event of a venue's order-book stream.</summary>
public abstract record MarketDataEvent(string Symbol, DateTimeOffset Time);

/// <summary>The whole book; replaces what the client had.</summary>
public sealed record BookSnapshotEvent(string Symbol, long Sequence, BookLevel[] Bids, BookLevel[] Asks, DateTimeOffset Time)
    : MarketDataEvent(Symbol, Time);

/// <summary>Level changes covering update ids [FirstSequence, LastSequence]; quantity 0 removes a level.</summary>
public sealed record BookDeltaEvent(string Symbol, long FirstSequence, long LastSequence, BookLevel[] Bids, BookLevel[] Asks, DateTimeOffset Time)
    : MarketDataEvent(Symbol, Time);

/// <summary>
/// The stream is connected and has had nothing to send: the book as the client holds it is still the venue's at
/// <paramref name="Time"/> (our clock). A quiet market is not a dead feed: without this, a book that does not move
/// for a while would look stale, and its quotes would be pulled.
/// </summary>
public sealed record BookAliveEvent(string Symbol, DateTimeOffset Time) : MarketDataEvent(Symbol, Time)
{
    /// <summary>How long a connector's book stream stays silent before it says it is alive: well within the engine's stale limit.</summary>
    public static readonly TimeSpan QuietInterval = TimeSpan.FromSeconds(5);
}
