using Mmd.Exchanges.Shared;
using Mmd.Trading.Execution;

namespace Mmd.Exchanges.Tests;

/// <summary>A snapshot fetched while the diff stream's subscription took effect, lined up with that stream.</summary>
public sealed class BookAlignmentTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-12-03T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private readonly Queue<long> _snapshotSequences = new();
    private int _fetches;

    private Task<BookSnapshotEvent> FetchAsync(CancellationToken cancellationToken)
    {
        _fetches++;
        return Task.FromResult(new BookSnapshotEvent("X", _snapshotSequences.Dequeue(), [], [], T0));
    }

    private static BookDeltaEvent Delta(long first, long last) => new("X", first, last, [], [], T0);

#pragma warning disable CS1998 // a scripted stream: nothing to await
    private static async IAsyncEnumerable<MarketDataEvent> Stream(params MarketDataEvent[] events)
#pragma warning restore CS1998
    {
        foreach (var e in events) yield return e;
    }

    private async Task<List<string>> AlignAsync(params MarketDataEvent[] stream)
    {
        var seen = new List<string>();
        using var bound = new CancellationTokenSource(Mmd.TestKit.TaskExtensions.Timeout);
        await foreach (var e in BookAlignment.AlignAsync(FetchAsync, Stream(stream), bound.Token))
        {
            seen.Add(e switch
            {
                BookSnapshotEvent s => $"snapshot {s.Sequence}",
                BookDeltaEvent d => $"delta {d.FirstSequence}-{d.LastSequence}",
                _ => "alive",
            });
        }
        return seen;
    }

    [Fact]
    public async Task ASnapshotThatMeetsTheFirstNewDelta_IsKept_AndOlderDeltasPassForTheBookToDrop()
    {
        _snapshotSequences.Enqueue(10);
        var seen = await AlignAsync(Delta(8, 9), new BookAliveEvent("X", T0), Delta(10, 12), Delta(13, 13));
        Assert.Equal(["snapshot 10", "delta 8-9", "alive", "delta 10-12", "delta 13-13"], seen);
        Assert.Equal(1, _fetches);
    }

    [Fact]
    public async Task ASnapshotOlderThanTheFirstNewDelta_IsFetchedAgain_UntilItMeetsIt()
    {
        foreach (var sequence in new long[] { 10, 13, 16 }) _snapshotSequences.Enqueue(sequence);
        var seen = await AlignAsync(Delta(15, 15), Delta(16, 17), Delta(18, 18));
        // 13 still misses 14; 16 holds 15 (so that delta is older than the book), and 16-17 meets it.
        Assert.Equal(["snapshot 10", "snapshot 13", "snapshot 16", "delta 15-15", "delta 16-17", "delta 18-18"], seen);
    }

    [Fact]
    public async Task OnceAligned_ALaterHole_IsLeftToTheBook_AsAGap()
    {
        _snapshotSequences.Enqueue(10);
        var seen = await AlignAsync(Delta(11, 11), Delta(20, 21));
        Assert.Equal(["snapshot 10", "delta 11-11", "delta 20-21"], seen);
        Assert.Equal(1, _fetches);
    }

    [Fact]
    public async Task ASnapshotThatStaysBehind_IsFetchedAtMostThreeTimesMore_ThenTheDeltaGoesOnForTheBookToCallTheGap()
    {
        foreach (var sequence in new long[] { 10, 11, 12, 13 }) _snapshotSequences.Enqueue(sequence);
        var seen = await AlignAsync(Delta(20, 20), Delta(21, 21));
        Assert.Equal(["snapshot 10", "snapshot 11", "snapshot 12", "snapshot 13", "delta 20-20", "delta 21-21"], seen);
        Assert.Equal(1 + BookAlignment.MaxRefetches, _fetches);
    }
}
