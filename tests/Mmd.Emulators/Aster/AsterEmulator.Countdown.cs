using System.Collections.Concurrent;
using System.Globalization;
using System.Net;

namespace Mmd.Emulators.Aster;

// countdownCancelAll, the venue's dead-man's switch: unless renewed within countdownTime, every order of the account on
// the symbol is cancelled. countdownTime=0 turns it off.
public sealed partial class AsterEmulator
{
    private readonly ConcurrentDictionary<(string Account, string Paper), (ITimer Timer, TimeSpan Countdown)> _countdowns = new();
    private int _countdownCancels;

    /// <summary>How many times a countdown ran out and cancelled an account's orders.</summary>
    public int CountdownCancels => Volatile.Read(ref _countdownCancels);

    /// <summary>The countdown armed for an account (a V3 user address in lower case, or a V1 key) on a symbol (the venue's name), if any.</summary>
    public TimeSpan? CountdownOf(string account, string symbol) =>
        PaperSymbol(symbol) is { } paper && _countdowns.TryGetValue((account, paper), out var armed) ? armed.Countdown : null;

    private IResult CountdownCancelAll(Request r) => WithSymbol(r, paper =>
    {
        if (!r.Fields.TryGetValue("countdownTime", out var text) || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            return Error(HttpStatusCode.BadRequest, -1102, "Mandatory parameter 'countdownTime' was not sent, was empty/null, or malformed.");
        var key = (r.Account, paper);
        ITimer? replaced = null;
        if (ms > 0)
        {
            // Replaced in one step: a renewal never leaves a moment with no countdown armed.
            var countdown = TimeSpan.FromMilliseconds(ms);
            ITimer? timer = null;
            timer = _time.CreateTimer(_ => RunOut(key, timer!), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _countdowns.AddOrUpdate(key, (timer, countdown), (_, previous) => { replaced = previous.Timer; return (timer, countdown); });
            timer.Change(countdown, Timeout.InfiniteTimeSpan);
        }
        else if (_countdowns.TryRemove(key, out var previous)) replaced = previous.Timer;
        replaced?.Dispose();
        return Json(new { symbol = r.Fields["symbol"], countdownTime = text });
    });

    /// <summary>A countdown ran out; unless a renewal has replaced it meanwhile, the account's orders on the symbol are cancelled.</summary>
    private void RunOut((string Account, string Paper) key, ITimer timer)
    {
        if (!_countdowns.TryGetValue(key, out var armed) || armed.Timer != timer || !_countdowns.TryRemove(new KeyValuePair<(string, string), (ITimer, TimeSpan)>(key, armed))) return;
        armed.Timer.Dispose();
        Exchange.CancelAll(key.Account, key.Paper, null);
        Interlocked.Increment(ref _countdownCancels);
    }

    private async Task DisposeCountdownsAsync()
    {
        foreach (var (_, (timer, _)) in _countdowns) await timer.DisposeAsync().ConfigureAwait(false);
        _countdowns.Clear();
    }
}
