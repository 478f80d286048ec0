namespace Mmd.Trading.MarketData;

/// <summary>
/// An L2 order book kept from a snapshot plus sequenced deltas. A delta covers the update ids
/// [firstSequence, lastSequence]; it applies when it overlaps the next expected id, is ignored when
/// older than the book, and a hole before it marks the book unsynced until the next snapshot.
/// </summary>
public sealed class OrderBook
{
    private readonly BookSide _bids = new(descending: true);
    private readonly BookSide _asks = new(descending: false);

    public OrderBook(string symbol) => Symbol = symbol;

    public string Symbol { get; }

    /// <summary>The last update id applied.</summary>
    public long Sequence { get; private set; }

    /// <summary>False before the first snapshot and after a gap: the book must not be quoted from.</summary>
    public bool IsSynced { get; private set; }

    /// <summary>When the book last changed.</summary>
    public DateTimeOffset LastUpdate { get; private set; }

    /// <summary>When the feed last showed this book to be current: a change, or the stream saying it is alive with nothing to send.</summary>
    public DateTimeOffset LastConfirmed { get; private set; }

    public int BidCount => _bids.Count;
    public int AskCount => _asks.Count;

    public BookLevel? BestBid => _bids.Count > 0 ? _bids[0] : null;
    public BookLevel? BestAsk => _asks.Count > 0 ? _asks[0] : null;

    /// <summary>(best bid + best ask) / 2, or null when either side is empty or the book is not synced.</summary>
    public decimal? Mid => IsSynced && _bids.Count > 0 && _asks.Count > 0 ? (_bids[0].Price + _asks[0].Price) / 2m : null;

    public BookLevel Bid(int depth) => _bids[depth];
    public BookLevel Ask(int depth) => _asks[depth];

    public void ApplySnapshot(long sequence, IReadOnlyList<BookLevel> bids, IReadOnlyList<BookLevel> asks, DateTimeOffset time)
    {
        _bids.Clear();
        _asks.Clear();
        foreach (var level in bids) _bids.Set(level.Price, level.Quantity);
        foreach (var level in asks) _asks.Set(level.Price, level.Quantity);
        Sequence = sequence;
        IsSynced = true;
        LastUpdate = time;
        LastConfirmed = time;
    }

    /// <summary>The feed is alive and the book unchanged as of <paramref name="time"/>; an unsynced book stays unconfirmed.</summary>
    public void Confirm(DateTimeOffset time)
    {
        if (IsSynced && time > LastConfirmed) LastConfirmed = time;
    }

    public BookApplyResult ApplyDelta(long firstSequence, long lastSequence, ReadOnlySpan<BookLevel> bids, ReadOnlySpan<BookLevel> asks, DateTimeOffset time)
    {
        if (!IsSynced) return BookApplyResult.NotSynced;
        if (lastSequence <= Sequence) return BookApplyResult.Stale;
        if (firstSequence > Sequence + 1)
        {
            IsSynced = false;
            return BookApplyResult.Gap;
        }
        foreach (var level in bids) _bids.Set(level.Price, level.Quantity);
        foreach (var level in asks) _asks.Set(level.Price, level.Quantity);
        Sequence = lastSequence;
        LastUpdate = time;
        if (time > LastConfirmed) LastConfirmed = time;
        return BookApplyResult.Applied;
    }

    /// <summary>
    /// The best price of one side once our own quantity is taken out: where our quotes are the touch, the market is what
    /// stands behind them. <paramref name="ownQuantityAt"/> gives how much of a level (its price and the quantity the book
    /// shows there) is ours.
    /// </summary>
    public decimal? BestExcluding(bool bid, Func<decimal, decimal, decimal> ownQuantityAt)
    {
        if (!IsSynced) return null;
        var side = bid ? _bids : _asks;
        for (var i = 0; i < side.Count; i++)
        {
            var level = side[i];
            if (level.Quantity - ownQuantityAt(level.Price, level.Quantity) > 0) return level.Price;
        }
        return null;
    }

    /// <summary>Applies one level change without sequencing (for venues whose stream is a full diff).</summary>
    public void SetLevel(bool bid, decimal price, decimal quantity) => (bid ? _bids : _asks).Set(price, quantity);

    public decimal QuantityAt(bool bid, decimal price) => (bid ? _bids : _asks).QuantityAt(price);

    /// <summary>Cumulative quantity of the best <paramref name="levels"/> levels of one side.</summary>
    public decimal Depth(bool bid, int levels)
    {
        var side = bid ? _bids : _asks;
        var total = 0m;
        for (var i = 0; i < Math.Min(levels, side.Count); i++) total += side[i].Quantity;
        return total;
    }

    /// <summary>Quantity available on one side at prices no worse than <paramref name="limitPrice"/>.</summary>
    public decimal DepthWithin(bool bid, decimal limitPrice)
    {
        var side = bid ? _bids : _asks;
        var total = 0m;
        for (var i = 0; i < side.Count; i++)
        {
            var level = side[i];
            if (bid ? level.Price < limitPrice : level.Price > limitPrice) break;
            total += level.Quantity;
        }
        return total;
    }

    /// <summary>Copies the best levels of each side (for snapshots sent elsewhere).</summary>
    public (BookLevel[] Bids, BookLevel[] Asks) Top(int levels)
    {
        var bids = new BookLevel[Math.Min(levels, _bids.Count)];
        for (var i = 0; i < bids.Length; i++) bids[i] = _bids[i];
        var asks = new BookLevel[Math.Min(levels, _asks.Count)];
        for (var i = 0; i < asks.Length; i++) asks[i] = _asks[i];
        return (bids, asks);
    }
}
