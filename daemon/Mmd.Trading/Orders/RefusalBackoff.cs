namespace Mmd.Trading.Orders;

/// <summary>
/// How long orders of one kind wait after the venue refused one (no funds, a limit of its own, its rate limit):
/// <see cref="First"/>, doubling with each refusal in a row up to <see cref="Longest"/>, and none again once the venue
/// takes one. An order the venue kept refusing was sent again at every decision: 150 refusals in 10 s of a paper market,
/// and on a live venue a storm of 4xx answers of the kind that gets a key banned.
/// </summary>
public sealed class RefusalBackoff
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(30);

    private TimeSpan _delay;
    private DateTimeOffset _until;

    /// <summary>The venue refused one: how long the next one now waits.</summary>
    public TimeSpan Refused(DateTimeOffset now)
    {
        _delay = _delay == TimeSpan.Zero ? First : TimeSpan.FromTicks(Math.Min(_delay.Ticks * 2, Longest.Ticks));
        _until = now + _delay;
        return _delay;
    }

    /// <summary>The venue took one: the next goes at once.</summary>
    public void Accepted()
    {
        _delay = TimeSpan.Zero;
        _until = default;
    }

    public bool Holds(DateTimeOffset now) => now < _until;
}
