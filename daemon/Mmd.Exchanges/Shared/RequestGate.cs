using System.Threading.RateLimiting;

namespace Mmd.Exchanges.Shared;

/// <summary>
/// Paces every request of one connector: a token bucket (System.Threading.RateLimiting) refilled on the
/// <see cref="TimeProvider"/>'s clock, and a pause that a 429's Retry-After imposes on all requests alike,
/// so a rate limit is ridden out by waiting, never by a burst of retries. A request costs one token, or its weight
/// where the venue counts weights (Aster).
/// </summary>
public sealed class RequestGate : IDisposable
{
    private readonly TokenBucketRateLimiter _bucket;
    private readonly ITimer _refill;
    private readonly TimeProvider _time;
    private long _resumeAtTicks;

    /// <param name="requestsPerSecond">Tokens added per second (requests, or weight units).</param>
    /// <param name="burst">Most tokens held at once.</param>
    public RequestGate(int requestsPerSecond, int burst, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(requestsPerSecond, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        _time = time;
        var period = TimeSpan.FromSeconds(1.0 / requestsPerSecond);
        _bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = period,
            AutoReplenishment = false, // refilled below, on the injected clock
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _refill = time.CreateTimer(_ => _bucket.TryReplenish(), null, period, period);
    }

    /// <summary>Waits for a pause to end and for <paramref name="cost"/> tokens; requests leave in arrival order.</summary>
    public async ValueTask WaitAsync(CancellationToken cancellationToken, int cost = 1)
    {
        var wait = PauseLeft();
        if (wait > TimeSpan.Zero) await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        using var lease = await _bucket.AcquireAsync(cost, cancellationToken).ConfigureAwait(false);
        if (!lease.IsAcquired) throw new InvalidOperationException("the request queue is closed");
    }

    /// <summary>The venue said "too many requests" (or "slow down"): nobody sends until <paramref name="retryAfter"/> has passed.</summary>
    public void Pause(TimeSpan retryAfter)
    {
        var until = (_time.GetUtcNow() + retryAfter).UtcTicks;
        long seen;
        do
        {
            seen = Interlocked.Read(ref _resumeAtTicks);
            if (seen >= until) return;
        }
        while (Interlocked.CompareExchange(ref _resumeAtTicks, until, seen) != seen);
    }

    public TimeSpan PauseLeft()
    {
        var left = Interlocked.Read(ref _resumeAtTicks) - _time.GetUtcNow().UtcTicks;
        return left > 0 ? TimeSpan.FromTicks(left) : TimeSpan.Zero;
    }

    public void Dispose()
    {
        _refill.Dispose();
        _bucket.Dispose();
    }
}
