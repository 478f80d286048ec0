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
        Task<bool>? waiting = null; // outlives a quiet spell: a wait is never abandoned, only taken up again
        Task? quietSpell = null; // one timer per quiet interval, not one per item
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
            waiting ??= reader.WaitToReadAsync(cancellationToken).AsTask(); // a cached task when it completes at once
            if (!waiting.IsCompleted)
            {
                // A spell timed from an item since heard just ends early: the next turn measures the silence again.
                quietSpell ??= Task.Delay(remaining, time, cancellationToken);
                if (await Task.WhenAny(waiting, quietSpell).ConfigureAwait(false) == quietSpell)
                {
                    quietSpell = null;
                    cancellationToken.ThrowIfCancellationRequested();
                    continue;
                }
            }
            var more = await waiting.ConfigureAwait(false);
            waiting = null;
            if (!more) yield break;
        }
    }
}
