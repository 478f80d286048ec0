using Mmd.Trading.MarketData;

namespace Mmd.Trading.Tests;

public class OrderBookTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    private static OrderBook Book()
    {
        var book = new OrderBook("SOL_USDC");
        book.ApplySnapshot(10, [new(99m, 1m), new(100m, 2m), new(98m, 3m)], [new(101m, 1m), new(103m, 2m), new(102m, 5m)], T0);
        return book;
    }

    [Fact]
    public void Confirm_KeepsTheBookCurrent_WithoutChangingIt_AndAnUnsyncedBookStaysUnconfirmed()
    {
        var book = Book();
        book.Confirm(T0.AddSeconds(10));
        Assert.Equal(T0.AddSeconds(10), book.LastConfirmed);
        Assert.Equal(T0, book.LastUpdate); // nothing changed: the book did not move
        Assert.Equal(new BookLevel(100m, 2m), book.BestBid);
        book.Confirm(T0.AddSeconds(5)); // an older mark does not take the confirmation back
        Assert.Equal(T0.AddSeconds(10), book.LastConfirmed);
        book.ApplyDelta(11, 11, [new(100m, 3m)], [], T0.AddSeconds(12));
        Assert.Equal(T0.AddSeconds(12), book.LastConfirmed);
        Assert.Equal(BookApplyResult.Gap, book.ApplyDelta(20, 20, [new(100m, 1m)], [], T0.AddSeconds(13)));
        book.Confirm(T0.AddSeconds(14)); // a book with a hole in it is not vouched for by a live feed
        Assert.Equal(T0.AddSeconds(12), book.LastConfirmed);
    }

    [Fact]
    public void Snapshot_SortsLevels_BestFirst()
    {
        var book = Book();
        Assert.Equal(new BookLevel(100m, 2m), book.BestBid);
        Assert.Equal(new BookLevel(101m, 1m), book.BestAsk);
        Assert.Equal(100.5m, book.Mid);
        Assert.Equal(new BookLevel(98m, 3m), book.Bid(2));
        Assert.Equal(new BookLevel(103m, 2m), book.Ask(2));
    }

    [Fact]
    public void Delta_UpdatesInsertsAndRemovesLevels()
    {
        var book = Book();
        var result = book.ApplyDelta(11, 11, [new(100m, 0m), new(99.5m, 4m)], [new(101m, 7m)], T0);
        Assert.Equal(BookApplyResult.Applied, result);
        Assert.Equal(new BookLevel(99.5m, 4m), book.BestBid);
        Assert.Equal(7m, book.QuantityAt(false, 101m));
        Assert.Equal(3, book.BidCount);
        Assert.Equal(11, book.Sequence);
    }

    [Fact]
    public void Delta_OlderThanBook_IsStaleAndIgnored()
    {
        var book = Book();
        Assert.Equal(BookApplyResult.Stale, book.ApplyDelta(5, 10, [new(100m, 9m)], [], T0));
        Assert.Equal(2m, book.BestBid!.Value.Quantity);
    }

    [Fact]
    public void Delta_OverlappingTheNextId_Applies()
    {
        var book = Book();
        Assert.Equal(BookApplyResult.Applied, book.ApplyDelta(8, 12, [new(100m, 9m)], [], T0));
        Assert.Equal(12, book.Sequence);
    }

    [Fact]
    public void Delta_WithAHole_IsAGap_AndBookNeedsResync()
    {
        var book = Book();
        Assert.Equal(BookApplyResult.Gap, book.ApplyDelta(12, 12, [new(100m, 9m)], [], T0));
        Assert.False(book.IsSynced);
        Assert.Null(book.Mid);
        Assert.Equal(BookApplyResult.NotSynced, book.ApplyDelta(13, 13, [], [], T0));
        book.ApplySnapshot(20, [new(100m, 1m)], [new(101m, 1m)], T0);
        Assert.True(book.IsSynced);
    }

    [Fact]
    public void Depth_SumsLevels()
    {
        var book = Book();
        Assert.Equal(3m, book.Depth(bid: true, levels: 2));
        Assert.Equal(6m, book.DepthWithin(bid: false, limitPrice: 102m));
    }

    [Fact]
    public void ManyLevels_StaySorted()
    {
        var book = new OrderBook("X");
        book.ApplySnapshot(1, [], [], T0);
        var rng = new Random(7);
        for (var i = 0; i < 5000; i++) book.SetLevel(true, rng.Next(1, 500), rng.Next(0, 3));
        for (var i = 1; i < book.BidCount; i++) Assert.True(book.Bid(i - 1).Price > book.Bid(i).Price);
    }
}
