using Mmd.Trading.Execution;

namespace Mmd.Exchanges.Shared;

/// <summary>
/// Paces every request of one connector: a token bucket on the <see cref="TimeProvider"/>'s clock, and a pause that a
/// 429's Retry-After imposes on all requests alike, so a rate limit is ridden out by waiting, never by a burst of
/// retries. A request costs one token, or its weight where the venue counts weights (Aster); requests leave in arrival
/// order, except that an urgent one (what settles an order of ours: its state, the nonce its transaction needs) goes
/// before the routine ones waiting (balances, history), which would otherwise hold it for seconds where the venue paces
/// reads. Venues limit a host (an IP) rather than a process: when several instances trade on one venue,
/// <see cref="Share"/> gives this one its part of the rate and of the burst.
/// </summary>
/// <remarks>
/// Not System.Threading.RateLimiting's TokenBucketRateLimiter, which this was: replenished by hand it measures the time
/// since its last refill on the Stopwatch, whatever clock the timer runs on, and its rate and size are fixed at
/// construction, where a share changes them while requests wait.
/// </remarks>
public sealed class RequestGate : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Queue<Waiter> _waiting = new();
    private readonly Queue<Waiter> _urgent = new();
    private readonly ITimer _wake;
    private readonly TimeProvider _time;
    private readonly int _requestsPerSecond;
    private readonly int _burst;
    // The bucket in time rather than tokens: a token is worth TokenTicks of waiting, and credit is what has accrued (capped
    // at the burst), so the sums are exact on a fake clock as on the real one.
    private long _credit;
    private long _refilledAt;
    // This gate's part of the host's limit, as a fraction: 1/instances, or the daemon's split by demand.
    private long _partNumerator = 1, _partDenominator = 1;
    // What was asked of it since the last TakeDemand: tokens, and how long requests queued for their turn.
    private long _askedTokens;
    private long _queuedTicks;
    private long _queuedSince; // when the queue last became non-empty; 0 while it is empty
    private long _demandSince;
    private long _resumeAtTicks;
    private bool _disposed;

    /// <param name="requestsPerSecond">Tokens added per second (requests, or weight units), for this process alone.</param>
    /// <param name="burst">Most tokens held at once.</param>
    public RequestGate(int requestsPerSecond, int burst, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(requestsPerSecond, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        _time = time;
        _requestsPerSecond = requestsPerSecond;
        _burst = burst;
        _credit = burst * TokenTicks;
        _refilledAt = _demandSince = time.GetTimestamp();
        _wake = time.CreateTimer(_ => { lock (_lock) Drain(); }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>This gate's part of the venue's rate and burst (1: all of it).</summary>
    public double Part
    {
        get { lock (_lock) return (double)_partNumerator / _partDenominator; }
    }

    // How long one token takes to accrue at this gate's part of the rate (rounded up: never faster than the part).
    private long TokenTicks =>
        (TimeSpan.TicksPerSecond * _partDenominator + _requestsPerSecond * _partNumerator - 1) / (_requestsPerSecond * _partNumerator);
    private int Limit => (int)Math.Max(1, _burst * _partNumerator / _partDenominator);

    /// <summary>
    /// This gate's part when <paramref name="sharers"/> instances (this one among them) trade on the venue: the rate and
    /// the burst divided by them (a burst of one at least). Requests already waiting keep their place.
    /// </summary>
    public void Share(int sharers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sharers, 1);
        SetPart(1, sharers);
    }

    /// <summary>This gate's part as the daemon split the venue's limit by demand: <paramref name="partsPerMillion"/> of the rate and the burst.</summary>
    public void SharePart(uint partsPerMillion)
    {
        ArgumentOutOfRangeException.ThrowIfZero(partsPerMillion);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(partsPerMillion, 1_000_000u);
        SetPart(partsPerMillion, 1_000_000);
    }

    private void SetPart(long numerator, long denominator)
    {
        lock (_lock)
        {
            if (_disposed || numerator * _partDenominator == _partNumerator * denominator) return;
            Refill(); // what accrued so far, at the old rate
            var tokens = (double)_credit / TokenTicks;
            (_partNumerator, _partDenominator) = (numerator, denominator);
            _credit = (long)(Math.Min(tokens, Limit) * TokenTicks);
            Drain();
        }
    }

    /// <summary>
    /// What was asked of this gate since the last call: tokens as a part of the whole venue's rate over that time (0.25: a
    /// quarter of the host's limit), and the part of that time requests queued for their turn.
    /// </summary>
    public (double Asked, double Queued) TakeDemand()
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            var window = _time.GetElapsedTime(_demandSince, now);
            var queued = _queuedTicks + (_queuedSince != 0 ? _time.GetElapsedTime(_queuedSince, now).Ticks : 0);
            var asked = _askedTokens;
            (_askedTokens, _queuedTicks, _demandSince) = (0, 0, now);
            if (_queuedSince != 0) _queuedSince = now;
            if (window <= TimeSpan.Zero) return (0, 0);
            return (asked / (_requestsPerSecond * window.TotalSeconds), Math.Min(1, (double)queued / window.Ticks));
        }
    }

    /// <summary>
    /// Waits for a pause to end and for <paramref name="cost"/> tokens; requests leave in arrival order, the
    /// <paramref name="urgent"/> ones before the others. With a <paramref name="withdrawal"/> (an order's place), the
    /// wait may be cut short by the engine taking the request back: it then ends cancelled, its tokens unspent, and the
    /// caller must not send; once granted, the request can no longer be taken back.
    /// </summary>
    public async ValueTask WaitAsync(CancellationToken cancellationToken, int cost = 1, bool urgent = false, PlaceWithdrawal? withdrawal = null)
    {
        using var either = withdrawal?.ArmedWith(cancellationToken);
        var token = either?.Token ?? cancellationToken;
        var wait = PauseLeft();
        if (wait > TimeSpan.Zero) await Task.Delay(wait, _time, token).ConfigureAwait(false);
        Waiter waiter;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Refill();
            // A weight above a shared burst could never be granted: it takes the whole bucket instead.
            var tokens = Math.Min(Math.Max(1, cost), Limit);
            _askedTokens += Math.Max(1, cost);
            if (_urgent.Count == 0 && (urgent || _waiting.Count == 0) && _credit >= tokens * TokenTicks)
            {
                if (withdrawal?.TryLeave() == false) throw new OperationCanceledException(withdrawal.Token);
                _credit -= tokens * TokenTicks;
                return;
            }
            waiter = new Waiter(tokens, withdrawal);
            (urgent ? _urgent : _waiting).Enqueue(waiter);
            ScheduleWake();
        }
        await using var registration = token.Register(() =>
        {
            if (!waiter.Done.TrySetCanceled(token)) return;
            lock (_lock) Drain(); // the head may have been this one
        });
        await waiter.Done.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// The venue said "too many requests" (or "slow down"): nobody sends until <paramref name="retryAfter"/> has passed.
    /// <see cref="VenuePaused"/> tells of it when it lengthens the pause, so the other instances on the venue, which
    /// count against the same limit, can wait too.
    /// </summary>
    public void Pause(TimeSpan retryAfter)
    {
        if (Extend(retryAfter)) VenuePaused?.Invoke(retryAfter);
    }

    /// <summary>Another instance on the venue was told to wait: so does this one, without telling anyone.</summary>
    public void Hold(TimeSpan retryAfter) => Extend(retryAfter);

    /// <summary>Raised when the venue's answer paused this gate (not when another instance's did, through <see cref="Hold"/>).</summary>
    public event Action<TimeSpan>? VenuePaused;

    private bool Extend(TimeSpan retryAfter)
    {
        var until = (_time.GetUtcNow() + retryAfter).UtcTicks;
        long seen;
        do
        {
            seen = Interlocked.Read(ref _resumeAtTicks);
            if (seen >= until) return false;
        }
        while (Interlocked.CompareExchange(ref _resumeAtTicks, until, seen) != seen);
        return true;
    }

    public TimeSpan PauseLeft()
    {
        var left = Interlocked.Read(ref _resumeAtTicks) - _time.GetUtcNow().UtcTicks;
        return left > 0 ? TimeSpan.FromTicks(left) : TimeSpan.Zero;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var queue in new[] { _urgent, _waiting })
                while (queue.TryDequeue(out var waiter)) waiter.Done.TrySetException(new ObjectDisposedException(nameof(RequestGate)));
        }
        _wake.Dispose();
    }

    // Under the lock: the tokens accrued since the last refill.
    private void Refill()
    {
        var now = _time.GetTimestamp();
        _credit = Math.Min(Limit * TokenTicks, _credit + _time.GetElapsedTime(_refilledAt, now).Ticks);
        _refilledAt = now;
    }

    // Under the lock: grants the waiters at the head that the bucket can pay for, the urgent first, and sets the timer
    // for the next.
    private void Drain()
    {
        if (_disposed) return;
        Refill();
        while (Head() is { } queue && queue.Peek() is var head)
        {
            if (head.Done.Task.IsCompleted) { queue.Dequeue(); continue; } // cancelled
            var cost = Math.Min(head.Tokens, Limit) * TokenTicks;
            if (_credit < cost) break;
            queue.Dequeue();
            // Taken back just now, before its turn came: it goes nowhere and costs nothing.
            if (head.Withdrawal?.TryLeave() == false) { head.Done.TrySetCanceled(head.Withdrawal.Token); continue; }
            if (head.Done.TrySetResult()) _credit -= cost;
        }
        ScheduleWake();
    }

    // Under the lock: the queue whose head goes next; null when nobody waits.
    private Queue<Waiter>? Head() => _urgent.Count > 0 ? _urgent : _waiting.Count > 0 ? _waiting : null;

    private void ScheduleWake()
    {
        if (Head()?.Peek() is not { } head)
        {
            if (_queuedSince != 0) _queuedTicks += _time.GetElapsedTime(_queuedSince).Ticks;
            _queuedSince = 0;
            _wake.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }
        if (_queuedSince == 0) _queuedSince = _time.GetTimestamp();
        var missing = Math.Max(1, Math.Min(head.Tokens, Limit) * TokenTicks - _credit);
        _wake.Change(TimeSpan.FromTicks(missing), Timeout.InfiniteTimeSpan);
    }

    private sealed class Waiter(int tokens, PlaceWithdrawal? withdrawal)
    {
        public int Tokens { get; } = tokens;
        public PlaceWithdrawal? Withdrawal { get; } = withdrawal;
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
