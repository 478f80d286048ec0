using Mmd.Trading.Risk;

namespace Mmd.Trading.Engine;

/// <summary>
/// A risk denial repeats at every evaluation while its cause lasts (a full rate window, a position at its cap): a
/// paper cross-market hedge logged 386 in 90 s. The first of a reason is logged, then at most one every
/// <see cref="LogThrottle.Every"/>, with how many were left out meanwhile. Every denial is still counted in the stats. Those left
/// out of a burst that then stopped are reported once the period is over (<see cref="TakeOverdue"/>): a burst of 52
/// read in the log as one.
/// </summary>
internal sealed class DenialLogThrottle
{
    private readonly LogThrottle[] _byReason = Enum.GetValues<DenyReason>().Select(_ => new LogThrottle()).ToArray();

    /// <summary>True when this denial is to be logged; <paramref name="leftOut"/> is then how many of its reason were not since the last one.</summary>
    public bool ShouldLog(DenyReason reason, DateTimeOffset now, out long leftOut) => _byReason[(int)reason].ShouldLog(now, out leftOut, out _);

    /// <summary>
    /// Reasons whose left-out denials have waited a whole period for a next line (all that have any, at the
    /// <paramref name="end"/> of the run: a stop within the period left them untold), with their counts (reset) and the
    /// time since the line they follow.
    /// </summary>
    public IReadOnlyList<(DenyReason Reason, long LeftOut, TimeSpan Since)> TakeOverdue(DateTimeOffset now, bool end = false)
    {
        List<(DenyReason, long, TimeSpan)>? overdue = null; // none on almost every tick: nothing allocated
        for (var i = 0; i < _byReason.Length; i++)
            if (_byReason[i].TakeOverdue(now, end, out var leftOut, out var since)) (overdue ??= []).Add(((DenyReason)i, leftOut, since));
        return overdue ?? [];
    }
}
