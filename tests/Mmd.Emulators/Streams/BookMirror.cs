using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;

namespace Mmd.Emulators.Streams;

/// <summary>
/// A venue's copy of one paper book, kept from the paper stream, from which an emulator writes its own depth and ticker
/// events: a snapshot the paper venue sends after a lag becomes the one delta that brings a client there.
/// </summary>
internal sealed class BookMirror
{
    private readonly Dictionary<decimal, decimal> _bids = new();
    private readonly Dictionary<decimal, decimal> _asks = new();

    /// <summary>The paper sequence the mirror is at; 0 before the first snapshot.</summary>
    public long Sequence { get; private set; }

    /// <summary>
    /// Applies a paper event. Returns the change a client needs, covering paper sequences [First, Last], or null for the
    /// first snapshot (which a client reads over REST) and for events that are not book events.
    /// </summary>
    public (long First, long Last, BookLevel[] Bids, BookLevel[] Asks)? Apply(MarketDataEvent e)
    {
        switch (e)
        {
            case BookSnapshotEvent s when Sequence == 0:
                Set(_bids, s.Bids, replace: true);
                Set(_asks, s.Asks, replace: true);
                Sequence = s.Sequence;
                return null;
            case BookSnapshotEvent s:
                var change = (Sequence + 1, s.Sequence, Replace(_bids, s.Bids), Replace(_asks, s.Asks));
                Sequence = s.Sequence;
                return change;
            case BookDeltaEvent d:
                Set(_bids, d.Bids, replace: false);
                Set(_asks, d.Asks, replace: false);
                Sequence = d.LastSequence;
                return (d.FirstSequence, d.LastSequence, d.Bids, d.Asks);
            default:
                return null;
        }
    }

    /// <summary>Best bid, its size, best ask, its size.</summary>
    public (decimal? Bid, decimal? BidSize, decimal? Ask, decimal? AskSize) Touch()
    {
        decimal? bid = _bids.Count > 0 ? _bids.Keys.Max() : null;
        decimal? ask = _asks.Count > 0 ? _asks.Keys.Min() : null;
        return (bid, bid is { } b ? _bids[b] : null, ask, ask is { } a ? _asks[a] : null);
    }

    /// <summary>The best <paramref name="depth"/> levels of each side: bids from the highest, asks from the lowest.</summary>
    public (BookLevel[] Bids, BookLevel[] Asks) Top(int depth) => (
        _bids.OrderByDescending(l => l.Key).Take(depth).Select(l => new BookLevel(l.Key, l.Value)).ToArray(),
        _asks.OrderBy(l => l.Key).Take(depth).Select(l => new BookLevel(l.Key, l.Value)).ToArray());

    private static void Set(Dictionary<decimal, decimal> side, BookLevel[] levels, bool replace)
    {
        if (replace) side.Clear();
        foreach (var l in levels)
        {
            if (l.Quantity == 0) side.Remove(l.Price);
            else side[l.Price] = l.Quantity;
        }
    }

    private static BookLevel[] Replace(Dictionary<decimal, decimal> side, BookLevel[] levels)
    {
        var changes = side.Keys.Where(p => levels.All(l => l.Price != p)).Select(p => new BookLevel(p, 0m)).ToList();
        changes.AddRange(levels.Where(l => !side.TryGetValue(l.Price, out var q) || q != l.Quantity));
        Set(side, levels, replace: true);
        return changes.ToArray();
    }
}
