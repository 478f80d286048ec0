using System.Runtime.CompilerServices;
using Mmd.Trading.Execution;

namespace Mmd.Exchanges.Shared;

/// <summary>
/// Lines a REST snapshot up with a diff stream that was opened before it. A subscription takes effect on the venue's
/// own time, not when the subscribe left: the snapshot can be older than the first delta the stream delivers, and the
/// updates in between were never sent. Such a snapshot is fetched again (Binance's rule, which Backpack and Aster
/// follow: "if the snapshot's lastUpdateId is below the first event's U, get a new snapshot"), so a fresh stream does
/// not open with a gap, which the engine would answer by pulling its quotes and subscribing again.
/// </summary>
internal static class BookAlignment
{
    /// <summary>Snapshots fetched again for one stream at most; past that, the delta is passed on and the book calls the gap.</summary>
    public const int MaxRefetches = 3;

    /// <summary>
    /// The snapshot, then <paramref name="stream"/>'s events; until a delta newer than the snapshot arrives, one that
    /// starts past it makes the snapshot be fetched (and yielded) again.
    /// </summary>
    public static async IAsyncEnumerable<MarketDataEvent> AlignAsync(Func<CancellationToken, Task<BookSnapshotEvent>> fetchSnapshot,
        IAsyncEnumerable<MarketDataEvent> stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var snapshot = await fetchSnapshot(cancellationToken).ConfigureAwait(false);
        yield return snapshot;
        var aligned = false;
        var refetches = 0;
        await foreach (var e in stream.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (!aligned && e is BookDeltaEvent delta && delta.LastSequence > snapshot.Sequence)
            {
                while (delta.FirstSequence > snapshot.Sequence + 1 && refetches < MaxRefetches)
                {
                    refetches++;
                    snapshot = await fetchSnapshot(cancellationToken).ConfigureAwait(false);
                    yield return snapshot;
                }
                aligned = delta.LastSequence > snapshot.Sequence; // else the new snapshot holds it: the next delta decides
            }
            yield return e;
        }
    }
}
