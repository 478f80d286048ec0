namespace Mmd.Trading.Execution;

/// <summary>
/// Where a venue's dead-man's switch stands: armed or not yet (it arms before the first order), how often it was pushed
/// back, and when the venue last took it. Unless a push gets through by <see cref="Deadline"/>, the venue cancels.
/// </summary>
/// <param name="Countdown">How far ahead each push sets the venue's deadline.</param>
/// <param name="Armed">The venue took at least one arming in this run.</param>
/// <param name="Renewals">Pushes the venue took after the arming.</param>
/// <param name="FailedRenewals">Pushes that failed (refused, unanswered, or the network); the next one tries again.</param>
/// <param name="ConsecutiveFailures">Failed pushes since the last one the venue took.</param>
/// <param name="LastConfirmed">When the venue last took an arming or a push.</param>
public sealed record DeadManSwitchStatus(TimeSpan Countdown, bool Armed, long Renewals, long FailedRenewals, int ConsecutiveFailures, DateTimeOffset? LastConfirmed)
{
    /// <summary>When the venue cancels unless a push gets through first (at most this, since the push was sent before it was taken).</summary>
    public DateTimeOffset? Deadline => LastConfirmed + Countdown;
}
