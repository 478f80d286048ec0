using System.Collections.Concurrent;
using Mmd.Exchanges.Lighter;

namespace Mmd.Emulators.Lighter;

// CancelAllOrders scheduled (time in force 1): the venue's dead-man's switch. At the scheduled time every order of the
// account, on every market, is cancelled. The venue keeps one scheduled at a time: another is refused (21712) until the
// queued one is aborted (time in force 2) or has fired. The time must be 5 minutes to 15 days ahead.
public sealed partial class LighterEmulator
{
    public const int ScheduledCancelAlreadyQueued = 21712;
    public static readonly TimeSpan MinScheduledCancelAhead = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxScheduledCancelAhead = TimeSpan.FromDays(15);
    private readonly ConcurrentDictionary<long, DateTimeOffset> _scheduledCancels = new();
    private ITimer? _scheduledCancelCheck;
    private int _scheduledCancelsFired;

    /// <summary>When the account's scheduled cancel-all is due, if one is queued.</summary>
    public DateTimeOffset? ScheduledCancelOf(long accountIndex) => _scheduledCancels.TryGetValue(accountIndex, out var at) ? at : null;

    /// <summary>How many scheduled cancel-alls came due and cancelled an account's orders.</summary>
    public int ScheduledCancelsFired => Volatile.Read(ref _scheduledCancelsFired);

    private (int Code, string Message)? ValidateCancelAll(LighterCancelAllOrdersTx tx)
    {
        switch (tx.TimeInForce)
        {
            case LighterCancelAllOrdersTx.Immediate or LighterCancelAllOrdersTx.AbortScheduled:
                return tx.Time == 0 ? null : (21001, "cancel-all time must be 0 unless scheduled");
            case LighterCancelAllOrdersTx.Scheduled:
                var ahead = DateTimeOffset.FromUnixTimeMilliseconds(tx.Time) - Now;
                if (ahead < MinScheduledCancelAhead || ahead > MaxScheduledCancelAhead) return (21001, "scheduled cancel-all time must be 5 minutes to 15 days ahead");
                return _scheduledCancels.ContainsKey(tx.AccountIndex) ? (ScheduledCancelAlreadyQueued, "a scheduled cancel-all is already queued") : null;
            default:
                return (21001, "invalid cancel-all time in force");
        }
    }

    private void ExecuteCancelAll(LighterCancelAllOrdersTx tx)
    {
        switch (tx.TimeInForce)
        {
            case LighterCancelAllOrdersTx.Immediate:
                CancelEverything(tx.AccountIndex);
                return;
            case LighterCancelAllOrdersTx.Scheduled:
                _scheduledCancels[tx.AccountIndex] = DateTimeOffset.FromUnixTimeMilliseconds(tx.Time);
                // One check a second on the emulator's clock: a fake clock a test advances brings it due too.
                if (Volatile.Read(ref _scheduledCancelCheck) is null)
                {
                    var timer = _time.CreateTimer(_ => FireDueScheduledCancels(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
                    if (Interlocked.CompareExchange(ref _scheduledCancelCheck, timer, null) is not null) timer.Dispose();
                }
                return;
            case LighterCancelAllOrdersTx.AbortScheduled:
                _scheduledCancels.TryRemove(tx.AccountIndex, out _); // nothing queued: taken, and does nothing
                return;
        }
    }

    private void FireDueScheduledCancels()
    {
        var now = Now;
        foreach (var (account, at) in _scheduledCancels)
        {
            if (at > now || !_scheduledCancels.TryRemove(new KeyValuePair<long, DateTimeOffset>(account, at))) continue;
            CancelEverything(account);
            Interlocked.Increment(ref _scheduledCancelsFired);
        }
    }

    private void CancelEverything(long accountIndex)
    {
        foreach (var m in Perpetuals) Exchange.CancelAll(PaperAccount(accountIndex), m.Symbol, null);
    }

    private void MapScheduledCancels(WebApplication app)
    {
        // The scheduled cancel-alls queued now, and how many fired: a test in another process checks them here.
        app.MapGet("/_emulator/scheduled-cancels", () => Results.Json(new
        {
            scheduled = _scheduledCancels.Select(s => new { account = s.Key, atMs = s.Value.ToUnixTimeMilliseconds() }).ToArray(),
            fired = ScheduledCancelsFired,
        }));
        Clock.Map(app);
    }

    private async Task DisposeScheduledCancelsAsync()
    {
        if (Volatile.Read(ref _scheduledCancelCheck) is { } timer) await timer.DisposeAsync().ConfigureAwait(false);
    }
}
