using System.Collections.Concurrent;
using Mmd.Trading.Execution;

namespace Mmd.Exchanges.Shared;

/// <summary>
/// What a venue's dead-man's switch needs from its connector. <see cref="ArmAsync"/> sets (or pushes back) the deadline
/// after which the venue cancels the scope's orders; <see cref="DisarmAsync"/> turns it off. A scope is what one switch
/// covers: a symbol on Aster, the whole account on Lighter. <see cref="IsRefusal"/> says the venue answered no (it did
/// nothing); <see cref="IsFailure"/> covers every failure a renewal may meet and try again after (a refusal, an unknown
/// outcome, a network error, a timeout).
/// </summary>
public sealed record DeadManSwitchVenue(
    Func<string, TimeSpan, CancellationToken, Task> ArmAsync,
    Func<string, CancellationToken, Task> DisarmAsync,
    Func<Exception, bool> IsRefusal,
    Func<Exception, bool> IsFailure);

/// <summary>
/// A venue's dead-man's switch, kept armed while the connector lives: once a scope is armed, the venue cancels its orders
/// unless the deadline is pushed back in time. This pushes it back every third of the countdown (a failed push is tried
/// again 10 s later), so a worker that dies, hangs or loses the network leaves nothing resting for longer than the
/// countdown; disposing the connector (a graceful stop, after its own cancels) turns it off. The switch is the account's, shared by every instance that trades the scope
/// on the account. Zero countdown: never armed.
/// </summary>
public sealed class DeadManSwitch : IAsyncDisposable
{
    /// <summary>How soon a failed renewal is tried again (a third of the countdown at most).</summary>
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(10);
    private readonly DeadManSwitchVenue _venue;
    private readonly TimeSpan _countdown;
    private readonly TimeProvider _time;
    // Lazy: GetOrAdd may run its factory twice for two first orders at once, and each run would arm the switch.
    private readonly ConcurrentDictionary<string, Lazy<Task>> _armed = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private ITimer? _renewal;
    private readonly Lock _renewingGate = new();
    private Task _renewing = Task.CompletedTask;
    private long _renewals;
    private long _failedRenewals;
    private int _consecutiveFailures;
    private long _lastConfirmedTicks; // UTC ticks of the venue's last "taken"; 0: never

    public DeadManSwitch(DeadManSwitchVenue venue, TimeSpan countdown, TimeProvider time)
    {
        _venue = venue;
        _countdown = countdown;
        _time = time;
    }

    /// <summary>Where the switch stands, for the stats; null when it is off.</summary>
    public DeadManSwitchStatus? Status
    {
        get
        {
            if (_countdown <= TimeSpan.Zero) return null;
            var confirmed = Interlocked.Read(ref _lastConfirmedTicks);
            return new DeadManSwitchStatus(_countdown, confirmed != 0, Interlocked.Read(ref _renewals), Interlocked.Read(ref _failedRenewals),
                Volatile.Read(ref _consecutiveFailures), confirmed == 0 ? null : new DateTimeOffset(confirmed, TimeSpan.Zero));
        }
    }

    private void Confirmed()
    {
        Interlocked.Exchange(ref _lastConfirmedTicks, _time.GetUtcNow().UtcTicks);
        Volatile.Write(ref _consecutiveFailures, 0);
    }

    /// <summary>
    /// Arms the switch on <paramref name="scope"/> before its first order, or when orders are found resting in it; later
    /// calls return at once. A failure propagates: no order goes out, or is adopted, unguarded.
    /// </summary>
    public Task ArmAsync(string scope, CancellationToken cancellationToken)
    {
        if (_countdown <= TimeSpan.Zero) return Task.CompletedTask;
        var arming = _armed.GetOrAdd(scope, s => new Lazy<Task>(() => ArmOnceAsync(s)));
        if (arming.IsValueCreated && arming.Value.IsFaulted)
        {
            // An earlier order's attempt failed: this order asks the venue again.
            _armed.TryRemove(new KeyValuePair<string, Lazy<Task>>(scope, arming));
            arming = _armed.GetOrAdd(scope, s => new Lazy<Task>(() => ArmOnceAsync(s)));
        }
        return arming.Value.WaitAsync(cancellationToken);
    }

    private async Task ArmOnceAsync(string scope)
    {
        await _venue.ArmAsync(scope, _countdown, _stop.Token).ConfigureAwait(false);
        Confirmed();
        if (Volatile.Read(ref _renewal) is not null) return;
        var period = _countdown / 3;
        var timer = _time.CreateTimer(_ => StartRenewal(), null, period, period);
        if (Interlocked.CompareExchange(ref _renewal, timer, null) is not null) await timer.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>One renewal at a time, kept so the stop can wait for it (a renewal the venue took after the stop's "off" would arm it again).</summary>
    private void StartRenewal()
    {
        lock (_renewingGate)
            if (_renewing.IsCompleted) _renewing = RenewAsync();
    }

    private async Task RenewAsync()
    {
        int renewed = 0, failed = 0;
        foreach (var (scope, arming) in _armed)
        {
            if (!arming.Value.IsCompletedSuccessfully) continue;
            try
            {
                await _venue.ArmAsync(scope, _countdown, _stop.Token).ConfigureAwait(false);
                renewed++;
            }
            catch (Exception ex) when (ex is OperationCanceledException || _venue.IsFailure(ex))
            {
                failed++; // if none gets through within the countdown, the venue cancels: as intended
            }
        }
        // A failure is tried again soon, not a third of the countdown later: the venue's deadline has not moved. The next
        // round is set before the counts change, so whoever reads them sees the timer already set.
        var period = _countdown / 3;
        try
        {
            Volatile.Read(ref _renewal)?.Change(failed > 0 ? TimeSpan.FromTicks(Math.Min(RetryAfterFailure.Ticks, period.Ticks)) : period, period);
        }
        catch (ObjectDisposedException)
        {
            // stopped meanwhile
        }
        Interlocked.Add(ref _renewals, renewed);
        Interlocked.Add(ref _failedRenewals, failed);
        if (failed > 0) Interlocked.Add(ref _consecutiveFailures, failed);
        else if (renewed > 0) Confirmed();
    }

    /// <summary>
    /// Stops renewing and turns the switch off in every scope it may have armed (best effort: if that fails, the
    /// countdown cancels).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_renewal is { } renewal) await renewal.DisposeAsync().ConfigureAwait(false); // no renewal starts after this
        Task renewing;
        lock (_renewingGate) renewing = _renewing;
        // A renewal or first arming in flight is answered before the "off" goes: cancelling it would not unsend it, and
        // a venue that took it last would be armed again after the stop.
        var inFlight = Task.WhenAll(_armed.Values.Select(a => a.Value).Append(renewing));
        await Task.WhenAny(inFlight, Task.Delay(TimeSpan.FromSeconds(5), _time)).ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var (scope, arming) in _armed)
        {
            if (arming.Value.Exception?.InnerException is { } refused && _venue.IsRefusal(refused)) continue; // never armed
            try
            {
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _venue.DisarmAsync(scope, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException || _venue.IsFailure(ex)) { }
        }
        _stop.Dispose();
    }
}
