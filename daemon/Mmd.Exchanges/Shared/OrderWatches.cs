using System.Collections.Concurrent;

namespace Mmd.Exchanges.Shared;

/// <summary>
/// A connector's order watches, one per market, and how a write settles with them. A market's watch is opened on the
/// first write there and again after it failed; one that missed a push (the venue shows the order settled where the
/// watch does not) is dropped too, so a silent socket costs one slow write, not every write after it.
/// </summary>
internal sealed class OrderWatches<TMessage, TOrder, TKey>(TimeProvider time) : IAsyncDisposable
    where TMessage : class where TOrder : class where TKey : notnull
{
    /// <summary>How long a write waits to learn how the venue executed it; then the last state seen stands.</summary>
    private static readonly TimeSpan SettleWait = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SettlePoll = TimeSpan.FromMilliseconds(25);
    private readonly ConcurrentDictionary<string, OrderWatch<TMessage, TOrder, TKey>> _watches = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>The market's live watch, opened with <paramref name="open"/> when there is none; null when it cannot be opened (writes then read back).</summary>
    public async Task<OrderWatch<TMessage, TOrder, TKey>?> ForAsync(string market, Func<CancellationToken, Task<OrderWatch<TMessage, TOrder, TKey>?>> open,
        CancellationToken cancellationToken)
    {
        if (_watches.TryGetValue(market, out var watch) && watch.IsLive) return watch;
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_watches.TryGetValue(market, out watch))
            {
                if (watch.IsLive) return watch;
                _watches.TryRemove(market, out _);
                await watch.DisposeAsync().ConfigureAwait(false);
            }
            watch = await open(cancellationToken).ConfigureAwait(false);
            if (watch is not null) _watches[market] = watch;
            return watch;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// How the venue executed a write: from <paramref name="watch"/>'s pushes when it is live, else (or when it saw nothing
    /// settled in time) read back with <paramref name="readBack"/> until <paramref name="settled"/> holds, for at most the
    /// settle wait. The last state seen otherwise, starting from <paramref name="known"/> (the write's own answer). A read
    /// the venue refuses (<paramref name="isVenueError"/>) ends the wait: the write stands, and its end arrives on the
    /// account stream.
    /// </summary>
    public async Task<TOrder?> SettleAsync(string market, OrderWatch<TMessage, TOrder, TKey>? watch, Func<OrderWatch<TMessage, TOrder, TKey>, TOrder?> pushed,
        Func<CancellationToken, Task<TOrder?>> readBack, Func<TOrder, bool> settled, TOrder? known, Func<Exception, bool> isVenueError,
        CancellationToken cancellationToken)
    {
        var watched = watch is { IsLive: true };
        if (watched && await watch!.WaitAsync(pushed, settled, SettleWait, cancellationToken).ConfigureAwait(false) is { } seen)
        {
            if (settled(seen)) return seen;
            known = seen;
        }
        var deadline = time.GetUtcNow() + SettleWait;
        var order = known;
        while (true)
        {
            if (order is not null) await Task.Delay(SettlePoll, time, cancellationToken).ConfigureAwait(false);
            try
            {
                order = await readBack(cancellationToken).ConfigureAwait(false) ?? order;
            }
            catch (Exception e) when (isVenueError(e))
            {
                return order;
            }
            if (order is not null && settled(order))
            {
                if (watched && watch!.IsLive) await RetireAsync(market, watch).ConfigureAwait(false);
                return order;
            }
            if (time.GetUtcNow() >= deadline) return order;
        }
    }

    /// <summary>Drops a watch that missed a push; writes waiting on it fall back to reading, and the next write opens another.</summary>
    private async Task RetireAsync(string market, OrderWatch<TMessage, TOrder, TKey> watch)
    {
        if (!_watches.TryRemove(new KeyValuePair<string, OrderWatch<TMessage, TOrder, TKey>>(market, watch))) return;
        await watch.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var watch in _watches.Values) await watch.DisposeAsync().ConfigureAwait(false);
        _watches.Clear();
        _lock.Dispose();
    }
}
