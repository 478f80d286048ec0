using Mmd.Trading.MarketData;
using Mmd.Trading.Primitives;

namespace Mmd.Trading.Engine;

/// <summary>One market's order book as the engine holds it, each level with the instance's own resting size there.</summary>
/// <param name="Market">"quoted" (where the instance quotes) or "hedge" (a cross-market hedge's other market).</param>
/// <param name="UpdatedAt">When the venue's book last changed; null before the engine has a synced book.</param>
public sealed record BookView(string Market, string Venue, string Symbol, DateTimeOffset? UpdatedAt, IReadOnlyList<BookViewLevel> Bids,
    IReadOnlyList<BookViewLevel> Asks);

/// <param name="Own">The instance's live orders' remaining size at this price and side.</param>
public sealed record BookViewLevel(decimal Price, decimal Quantity, decimal Own);

// The operator's look at the books (mmctl book): read on the engine's loop, between two events, so the levels and the
// own orders are of one moment.
public sealed partial class InstanceEngine
{
    /// <summary>The books now, the quoted market's first, <paramref name="depth"/> levels a side.</summary>
    public async Task<IReadOnlyList<BookView>> ReadBooksAsync(int depth, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(depth);
        if (NotLive() is { } why) throw new InvalidOperationException(why);
        var done = new TaskCompletionSource<IReadOnlyList<BookView>>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _events.Writer.WriteAsync(new BooksRequested(depth, done), cancellationToken);
        return await done.Task.WaitAsync(cancellationToken);
    }

    private List<BookView> BookViews(int depth) => [.. Legs.Select(leg => BookViewOf(leg, depth))];

    private static BookView BookViewOf(MarketLeg leg, int depth)
    {
        var market = leg.IsHedge ? "hedge" : "quoted";
        if (leg.Book is not { IsSynced: true } book) return new BookView(market, leg.Connector.Venue, leg.Symbol, null, [], []);
        var own = new Dictionary<(Side, decimal), decimal>();
        foreach (var order in leg.Tracker.Live)
            if (order.Price is { } price) own[(order.Side, price)] = own.GetValueOrDefault((order.Side, price)) + order.RemainingQuantity;
        var (bids, asks) = book.Top(depth);
        BookViewLevel Level(BookLevel level, Side side) => new(level.Price, level.Quantity, own.GetValueOrDefault((side, level.Price)));
        return new BookView(market, leg.Connector.Venue, leg.Symbol, book.LastUpdate, [.. bids.Select(l => Level(l, Side.Buy))],
            [.. asks.Select(l => Level(l, Side.Sell))]);
    }
}
