using System.Collections.Concurrent;
using System.Text.Json;

namespace Mmd.Exchanges.Shared;

/// <summary>How one venue's order pushes read, for an <see cref="OrderWatch{TMessage,TOrder,TKey}"/>.</summary>
/// <param name="OrdersOf">The orders of the watched market a message carries; null or empty for none.</param>
/// <param name="ConfirmsSubscription">Whether the message is the venue's yes to the subscription.</param>
/// <param name="VenueIdOf">The venue's id of an order.</param>
/// <param name="ClientIdOf">Our client id of an order; the key type's default when it has none.</param>
/// <param name="IsOpen">Whether an order may still change (a watch forgets ended orders first).</param>
internal sealed record OrderPushes<TMessage, TOrder, TKey>(
    Func<TMessage, IReadOnlyList<TOrder>?> OrdersOf,
    Func<TMessage, bool> ConfirmsSubscription,
    Func<TOrder, TKey> VenueIdOf,
    Func<TOrder, TKey?> ClientIdOf,
    Func<TOrder, bool> IsOpen) where TKey : notnull;

/// <summary>
/// The account's orders on one market as the venue pushes them, kept by venue id and by client id, so a write learns how
/// the venue executed it without a REST read: venues weigh reads far heavier than writes (Lighter fifty times, Paradex
/// allows 10 reads a second against 280 writes), and a read-back of every write would spend the read budget on requotes.
/// A connector opens one per market on its first write there; when it fails, the next write opens another, and
/// meanwhile writes read back over REST.
/// </summary>
internal sealed class OrderWatch<TMessage, TOrder, TKey> : IAsyncDisposable where TMessage : class where TOrder : class where TKey : notnull
{
    /// <summary>A long run ends many orders: past this many, the ended ones are forgotten (no write waits on them any more).</summary>
    private const int MaxKept = 20_000;
    private readonly VenueWebSocket<TMessage> _socket;
    private readonly OrderPushes<TMessage, TOrder, TKey> _pushes;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<TKey, TOrder> _byClientId = new();
    private readonly ConcurrentDictionary<TKey, TOrder> _byVenueId = new();
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;

    private OrderWatch(VenueWebSocket<TMessage> socket, OrderPushes<TMessage, TOrder, TKey> pushes, TimeProvider time)
    {
        _socket = socket;
        _pushes = pushes;
        _time = time;
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>Whether it still follows the venue (its socket has not failed).</summary>
    public bool IsLive => !_reader.IsCompleted;

    /// <summary>A watch whose subscription the venue has confirmed within <paramref name="timeout"/>; null when it could not be opened.</summary>
    public static async Task<OrderWatch<TMessage, TOrder, TKey>?> OpenAsync(Func<CancellationToken, Task<VenueWebSocket<TMessage>>> connect,
        OrderPushes<TMessage, TOrder, TKey> pushes, TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        VenueWebSocket<TMessage> socket;
        try
        {
            socket = await connect(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or OperationCanceledException or HttpRequestException or InvalidOperationException
                                  && !ct.IsCancellationRequested)
        {
            return null;
        }
        var watch = new OrderWatch<TMessage, TOrder, TKey>(socket, pushes, time);
        try
        {
            await watch._subscribed.Task.WaitAsync(timeout, time, ct).ConfigureAwait(false);
            return watch;
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            await watch.DisposeAsync().ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>
    /// The order <paramref name="find"/> picks from what the venue pushed, once <paramref name="settled"/> holds, or whatever
    /// is known of it when <paramref name="timeout"/> runs out or the watch fails.
    /// </summary>
    public async Task<TOrder?> WaitAsync(Func<OrderWatch<TMessage, TOrder, TKey>, TOrder?> find, Func<TOrder, bool> settled, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = _time.GetUtcNow() + timeout;
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task;
            if (find(this) is { } order && settled(order)) return order;
            var left = deadline - _time.GetUtcNow();
            if (left <= TimeSpan.Zero || !IsLive) return find(this);
            try
            {
                await Task.WhenAny(changed, _reader).WaitAsync(left, _time, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return find(this);
            }
        }
    }

    public TOrder? ByClientId(TKey id) => _byClientId.GetValueOrDefault(id);

    public TOrder? ByVenueId(TKey id) => _byVenueId.GetValueOrDefault(id);

    private async Task ReadAsync()
    {
        try
        {
            await foreach (var message in _socket.Messages.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                if (_pushes.OrdersOf(message) is { Count: > 0 } orders)
                {
                    if (_byVenueId.Count > MaxKept) ForgetEnded();
                    foreach (var order in orders)
                    {
                        if (_pushes.ClientIdOf(order) is { } clientId && !EqualityComparer<TKey>.Default.Equals(clientId, default)) _byClientId[clientId] = order;
                        _byVenueId[_pushes.VenueIdOf(order)] = order;
                    }
                }
                if (_pushes.ConfirmsSubscription(message)) _subscribed.TrySetResult();
                Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or System.Net.WebSockets.WebSocketException or InvalidOperationException or JsonException)
        {
            // The socket failed or closed: the watch is no longer live, and the connector opens another on its next write.
        }
        _subscribed.TrySetException(new InvalidOperationException("the order watch ended before its subscription"));
    }

    private void ForgetEnded()
    {
        foreach (var (id, order) in _byVenueId)
        {
            if (_pushes.IsOpen(order)) continue;
            _byVenueId.TryRemove(id, out _);
            if (_pushes.ClientIdOf(order) is { } clientId) _byClientId.TryRemove(clientId, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _socket.DisposeAsync().ConfigureAwait(false);
        await _reader.ConfigureAwait(false);
        _stop.Dispose();
    }
}
