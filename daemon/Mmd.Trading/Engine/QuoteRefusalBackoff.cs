using Mmd.Trading.Primitives;

namespace Mmd.Trading.Engine;

/// <summary>
/// Per side of the quoted market: after the venue refuses a quote (for anything but post-only, which has its own rule, or
/// a client id already used), the side places no new quote for a while: <see cref="First"/>, doubling with each refusal
/// in a row up to <see cref="Longest"/>, and back to none with the first quote the venue takes. A quote the venue kept
/// refusing (no funds, a limit of its own, its rate limit) was sent again at every decision: 141 refusals in 10 s of a
/// paper market, and on a live venue a storm of 4xx answers of the kind that gets a key banned.
/// </summary>
internal sealed class QuoteRefusalBackoff
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(30);

    private readonly TimeSpan[] _delay = new TimeSpan[2];
    private readonly DateTimeOffset[] _until = new DateTimeOffset[2];

    /// <summary>The venue refused a quote on this side: how long the side now waits.</summary>
    public TimeSpan Refused(Side side, DateTimeOffset now)
    {
        var s = Index(side);
        _delay[s] = _delay[s] == TimeSpan.Zero ? First : TimeSpan.FromTicks(Math.Min(_delay[s].Ticks * 2, Longest.Ticks));
        _until[s] = now + _delay[s];
        return _delay[s];
    }

    /// <summary>The venue took a quote on this side: the side quotes freely again.</summary>
    public void Accepted(Side side)
    {
        var s = Index(side);
        _delay[s] = TimeSpan.Zero;
        _until[s] = default;
    }

    public bool Holds(Side side, DateTimeOffset now) => now < _until[Index(side)];

    private static int Index(Side side) => side == Side.Buy ? 0 : 1;
}
