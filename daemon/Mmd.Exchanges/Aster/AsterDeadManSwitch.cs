using System.Collections.Concurrent;

namespace Mmd.Exchanges.Aster;

/// <summary>
/// The venue's dead-man's switch (<c>countdownCancelAll</c>): once a symbol is armed, the venue cancels all of the
/// account's orders on it unless the countdown is renewed in time. This renews it every third of the countdown while the
/// connector lives, so a worker that dies, hangs or loses the network leaves nothing resting for longer than the
/// countdown; disposing the connector (a graceful stop, after its own cancels) turns it off. The switch is the account's
/// per symbol, shared by every instance that trades the symbol on the account. Zero countdown: never armed.
/// </summary>
public sealed class AsterDeadManSwitch : IAsyncDisposable
{
    private readonly AsterRestClient _rest;
    private readonly TimeSpan _countdown;
    private readonly TimeProvider _time;
    // Lazy: GetOrAdd may run its factory twice for two first orders at once, and each run would post the countdown.
    private readonly ConcurrentDictionary<string, Lazy<Task>> _armed = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private ITimer? _renewal;
    private readonly Lock _renewingGate = new();
    private Task _renewing = Task.CompletedTask;
    private long _renewals;
    private long _failedRenewals;

    public AsterDeadManSwitch(AsterRestClient rest, TimeSpan countdown, TimeProvider time)
    {
        _rest = rest;
        _countdown = countdown;
        _time = time;
    }

    public TimeSpan Countdown => _countdown;

    public IReadOnlyCollection<string> ArmedSymbols => _armed.Keys.ToList();

    /// <summary>Renewals the venue accepted, and those that failed (the next one tries again).</summary>
    public (long Accepted, long Failed) Renewals => (Interlocked.Read(ref _renewals), Interlocked.Read(ref _failedRenewals));

    /// <summary>
    /// Arms the switch on <paramref name="symbol"/> before its first order, or when orders are found resting on it; later
    /// calls return at once. A refusal propagates: no order goes out, or is adopted, unguarded.
    /// </summary>
    public Task ArmAsync(string symbol, CancellationToken cancellationToken)
    {
        if (_countdown <= TimeSpan.Zero) return Task.CompletedTask;
        var arming = _armed.GetOrAdd(symbol, s => new Lazy<Task>(() => ArmOnceAsync(s)));
        if (arming.Value.IsFaulted) _armed.TryRemove(new KeyValuePair<string, Lazy<Task>>(symbol, arming)); // the next order tries again
        return arming.Value.WaitAsync(cancellationToken);
    }

    private async Task ArmOnceAsync(string symbol)
    {
        await _rest.CountdownCancelAllAsync(symbol, _countdown, _stop.Token).ConfigureAwait(false);
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
        foreach (var (symbol, arming) in _armed)
        {
            if (!arming.Value.IsCompletedSuccessfully) continue;
            try
            {
                await _rest.CountdownCancelAllAsync(symbol, _countdown, _stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _renewals);
            }
            catch (Exception ex) when (ex is AsterApiException or AsterOutcomeUnknownException or OperationCanceledException or HttpRequestException)
            {
                Interlocked.Increment(ref _failedRenewals); // if none gets through within the countdown, the venue cancels: as intended
            }
        }
    }

    /// <summary>
    /// Stops renewing and turns the switch off on every symbol it may have armed (best effort: if that fails, the
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
        foreach (var (symbol, arming) in _armed)
        {
            if (arming.Value.Exception?.InnerException is AsterApiException) continue; // refused: never armed
            try
            {
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _rest.CountdownCancelAllAsync(symbol, TimeSpan.Zero, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AsterApiException or AsterOutcomeUnknownException or OperationCanceledException or HttpRequestException) { }
        }
        _stop.Dispose();
    }
}
