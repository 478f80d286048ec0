namespace Mmd.Trading.Engine;

/// <summary>
/// A read of the venue asked one at a time per market: asked again while one is out, it goes once more when that one
/// answers, so the last answer is newer than the last ask.
/// </summary>
internal sealed class OneAskAtATime
{
    public bool InFlight { get; private set; }

    /// <summary>Asked again while one was out, or failed and to be asked again later.</summary>
    public bool Again { get; private set; }

    /// <summary>True when the read is to go now; false when one is out, which is then to be followed by another.</summary>
    public bool TryStart()
    {
        if (InFlight)
        {
            Again = true;
            return false;
        }
        (InFlight, Again) = (true, false);
        return true;
    }

    /// <summary>The read answered: true when it was asked again meanwhile.</summary>
    public bool Answered()
    {
        var again = Again;
        (InFlight, Again) = (false, false);
        return again;
    }

    /// <summary>The read failed: asked again later when <paramref name="retry"/>, else by the next one who needs it.</summary>
    public void Failed(bool retry) => (InFlight, Again) = (false, retry);
}
