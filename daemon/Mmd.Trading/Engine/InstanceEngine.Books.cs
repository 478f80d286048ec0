using Mmd.Trading.Execution;
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

    /// <summary>
    /// The quoted market and its candles opening in [<paramref name="since"/>, <paramref name="until"/>), as its venue
    /// keeps them (read off the loop: public data, nothing of the engine's).
    /// </summary>
    public async Task<(InstrumentSpec Instrument, IReadOnlyList<Candle> Candles)> ReadCandlesAsync(TimeSpan interval, DateTimeOffset since, DateTimeOffset until,
        CancellationToken cancellationToken)
    {
        if (NotLive() is { } why) throw new InvalidOperationException(why);
        if (_primary.Connector is not ICandleHistory history) throw new InvalidOperationException($"{_primary.Connector.Venue} keeps no candle history to read");
        using var timeout = new CancellationTokenSource(CandleReadTimeout, _time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _io.Token, timeout.Token);
        try
        {
            return (_primary.Instrument, await history.GetCandlesAsync(_primary.Symbol, interval, since, until, deadline.Token));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"the venue did not give its candles within {CandleReadTimeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new InvalidOperationException($"the venue did not give its candles: {ex.Message}", ex);
        }
    }

    /// <summary>Within the daemon's wait for a worker's answer (10 s), so a slow venue is said, not timed out.</summary>
    public static readonly TimeSpan CandleReadTimeout = TimeSpan.FromSeconds(8);

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
