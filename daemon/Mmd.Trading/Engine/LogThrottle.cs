namespace Mmd.Trading.Engine;

/// <summary>
/// A message that repeats while its cause lasts: the first is logged, then at most one every <see cref="Every"/>, with
/// how many were left out since the line before.
/// </summary>
internal sealed class LogThrottle
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(10);

    private DateTimeOffset? _loggedAt;
    private long _leftOut;

    /// <summary>True when this one is to be logged; <paramref name="leftOut"/> is then how many were not since the last line, <paramref name="since"/> how long ago that was.</summary>
    public bool ShouldLog(DateTimeOffset now, out long leftOut, out TimeSpan since)
    {
        since = _loggedAt is { } at ? now - at : TimeSpan.Zero;
        if (_loggedAt is not null && since < Every)
        {
            _leftOut++;
            leftOut = 0;
            return false;
        }
        leftOut = _leftOut;
        (_leftOut, _loggedAt) = (0, now);
        return true;
    }

    /// <summary>
    /// Those left out that have waited a whole period for a next line (any, at the <paramref name="end"/> of the run): true
    /// with their count (reset) and the time since the line they follow.
    /// </summary>
    public bool TakeOverdue(DateTimeOffset now, bool end, out long leftOut, out TimeSpan since)
    {
        leftOut = _leftOut;
        since = _loggedAt is { } at ? now - at : TimeSpan.Zero;
        if (_leftOut == 0 || _loggedAt is null || (since < Every && !end)) return false;
        (_leftOut, _loggedAt) = (0, now);
        return true;
    }
}
