using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Mmd.Exchanges.Shared;

/// <summary>Reads a stream's channel and marks its silences: what a book stream needs to tell a quiet market from a dead feed.</summary>
internal static class QuietMarks
{
    /// <summary>
    /// The channel's items as they come, and a null each time nothing has come for <paramref name="quiet"/> while
    /// <paramref name="alive"/> holds. The channel's completion (and its error) ends the sequence as usual.
    /// </summary>
    public static async IAsyncEnumerable<T?> ReadAsync<T>(ChannelReader<T> reader, TimeSpan quiet, TimeProvider time, Func<bool> alive,
        [EnumeratorCancellation] CancellationToken cancellationToken) where T : class
    {
        var lastHeard = time.GetTimestamp();
        while (true)
        {
            while (reader.TryRead(out var item))
            {
                lastHeard = time.GetTimestamp();
                yield return item;
            }
            var remaining = quiet - time.GetElapsedTime(lastHeard);
            if (remaining <= TimeSpan.Zero)
            {
                lastHeard = time.GetTimestamp();
                if (alive()) yield return null;
                continue;
            }
            // One turn: the next item, or the rest of the quiet interval, whichever comes first; the loser is cancelled.
            using var turn = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var waited = reader.WaitToReadAsync(turn.Token).AsTask(); // a cached task when it completes at once
            if (!waited.IsCompleted)
            {
                var quietSpell = Task.Delay(remaining, time, turn.Token);
                var first = await Task.WhenAny(waited, quietSpell).ConfigureAwait(false);
                turn.Cancel(); // inline: the loser's registration is all it runs
                cancellationToken.ThrowIfCancellationRequested();
                if (first == quietSpell && !waited.IsCompletedSuccessfully && !waited.IsFaulted) continue; // marked on the next turn
            }
            var more = await waited.ConfigureAwait(false);
            if (!more) yield break;
        }
    }
}
