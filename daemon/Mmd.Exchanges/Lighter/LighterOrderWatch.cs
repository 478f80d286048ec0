using System.Collections.Concurrent;
using System.Text.Json;
using Mmd.Exchanges.Shared;

namespace Mmd.Exchanges.Lighter;

/// <summary>
/// The account's orders on one market as the venue pushes them (<c>account_orders/{market}/{account}</c>), kept by client
/// order index and by order index, so a write learns how the venue executed it without a REST read: Lighter weighs a
/// read fifty times a transaction, and its budget would not carry a read-back of every order. The connector opens one
/// per market on its first write there; when it fails, the next write opens another, and meanwhile writes read back
/// over REST.
/// </summary>
internal sealed class LighterOrderWatch : IAsyncDisposable
{
    private readonly VenueWebSocket<LighterStreamMessage> _socket;
    private readonly TimeProvider _time;
    private readonly string _market;
    private readonly ConcurrentDictionary<long, LighterOrder> _byClientIndex = new();
    private readonly ConcurrentDictionary<long, LighterOrder> _byOrderIndex = new();
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;

    private LighterOrderWatch(VenueWebSocket<LighterStreamMessage> socket, int marketId, TimeProvider time)
    {
        _socket = socket;
        _time = time;
        _market = marketId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>Whether it still follows the venue (its socket has not failed).</summary>
    public bool IsLive => !_reader.IsCompleted;

    /// <summary>A watch whose subscription the venue has confirmed; null when it could not be opened in time.</summary>
    public static async Task<LighterOrderWatch?> OpenAsync(LighterOptions options, int marketId, long account, string token, TimeProvider time, CancellationToken ct)
    {
        VenueWebSocket<LighterStreamMessage> socket;
        try
        {
            socket = await LighterStreams.ConnectAsync(options,
                [JsonSerializer.Serialize(new { type = "subscribe", channel = $"account_orders/{marketId}/{account}", auth = token })], time, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or OperationCanceledException or HttpRequestException && !ct.IsCancellationRequested)
        {
            return null;
        }
        var watch = new LighterOrderWatch(socket, marketId, time);
        try
        {
            await watch._subscribed.Task.WaitAsync(options.RequestTimeout, time, ct).ConfigureAwait(false);
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
    public async Task<LighterOrder?> WaitAsync(Func<LighterOrderWatch, LighterOrder?> find, Func<LighterOrder, bool> settled, TimeSpan timeout, CancellationToken ct)
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

    public LighterOrder? ByClientIndex(long index) => _byClientIndex.GetValueOrDefault(index);

    public LighterOrder? ByOrderIndex(long index) => _byOrderIndex.GetValueOrDefault(index);

    private async Task ReadAsync()
    {
        try
        {
            await foreach (var message in _socket.Messages.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                if (message.Orders?.GetValueOrDefault(_market) is { } orders)
                {
                    if (_byOrderIndex.Count > MaxKept) ForgetEnded();
                    foreach (var order in orders)
                    {
                        if (order.ClientOrderIndex > 0) _byClientIndex[order.ClientOrderIndex] = order;
                        _byOrderIndex[order.OrderIndex] = order;
                    }
                }
                if (message.Type?.StartsWith("subscribed/", StringComparison.Ordinal) == true) _subscribed.TrySetResult();
                Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or System.Net.WebSockets.WebSocketException or InvalidOperationException or JsonException)
        {
            // The socket failed or closed: the watch is no longer live, and the connector opens another on its next write.
        }
        _subscribed.TrySetException(new InvalidOperationException("the order watch ended before its subscription"));
    }

    /// <summary>A long run ends many orders: past this many, the ended ones are forgotten (no write waits on them any more).</summary>
    private const int MaxKept = 20_000;

    private void ForgetEnded()
    {
        foreach (var (index, order) in _byOrderIndex)
        {
            if (order.Status == LighterMapping.Open) continue;
            _byOrderIndex.TryRemove(index, out _);
            _byClientIndex.TryRemove(order.ClientOrderIndex, out _);
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
