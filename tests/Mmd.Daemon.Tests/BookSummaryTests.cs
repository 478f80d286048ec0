using Mmd.Hosting;
using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;

namespace Mmd.Daemon.Tests;

/// <summary><c>mmd book</c>'s reading of a snapshot: the ladder in order, the spread, the liquidity within 1 % of the mid, and its imbalance.</summary>
public sealed class BookSummaryTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ASnapshot_IsLaidOutBestFirst_WithTheSpread_AndTheLiquidityNearTheMid()
    {
        // Out of order, with an empty level; mid 100: within 1 % is 99 to 101.
        var book = new BookSummary(new BookSnapshotEvent("SOL_USDC", 7,
            [new(98m, 50m), new(99.9m, 3m), new(99.5m, 0m), new(99m, 5m)],
            [new(101.5m, 40m), new(100.1m, 1m), new(100.8m, 1m)], At));

        Assert.Equal([99.9m, 99m, 98m], book.Bids.Select(l => l.Price));
        Assert.Equal([100.1m, 100.8m, 101.5m], book.Asks.Select(l => l.Price));
        Assert.Equal(100m, book.Mid);
        Assert.Equal(0.2m, book.Spread);
        Assert.Equal(8m, book.BidsNearMid);
        Assert.Equal(2m, book.AsksNearMid);
        Assert.Equal(0.6m, book.Imbalance);

        var text = BookCommand.Text("backpack", book, depth: 2);
        Assert.Equal("""
            SOL_USDC on backpack, as of 2026-12-06 12:00:00Z
              SIDE  PRICE  SIZE
              ask   100.8  1
              ask   100.1  1
              bid   99.9   3
              bid   99     5
              spread 0.2 (20 bp) at mid 100; within 1 % of it: bids 8, asks 2 (imbalance +0.60: buy pressure)

            """.Replace("\r\n", "\n", StringComparison.Ordinal), text);
        Assert.Contains("\"imbalance\":\"0.6\"", BookCommand.JsonLine("backpack", book, 2), StringComparison.Ordinal);
    }

    [Fact]
    public void AOneSidedOrEmptyBook_SaysSo()
    {
        var oneSided = new BookSummary(new BookSnapshotEvent("X", 1, [new(10m, 1m)], [], At));
        Assert.Null(oneSided.Mid);
        Assert.EndsWith("  one-sided: no asks\n", BookCommand.Text("aster", oneSided, 10), StringComparison.Ordinal);
        Assert.EndsWith("  the book is empty\n", BookCommand.Text("aster", new BookSummary(new BookSnapshotEvent("X", 1, [], [], At)), 10), StringComparison.Ordinal);
    }
}
