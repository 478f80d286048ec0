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
