namespace Mmd.Exchanges.Shared;

/// <summary>
/// A connector whose requests count against limits the venue sets per host (an IP, or an account), not per process:
/// the daemon tells each worker how many running instances trade on the venue, and each takes that part of every limit.
/// </summary>
public interface ISharedRequestBudget
{
    /// <summary><paramref name="instances"/> running instances, this one among them, share the venue's request budget.</summary>
    void ShareRequestBudget(int instances);

    /// <summary>The venue asked this process to wait (a 429's Retry-After, Aster's used weight): for how long.</summary>
    event Action<TimeSpan>? VenuePaused;

    /// <summary>The venue asked another instance to wait: this one waits as long, for it counts against the same limit.</summary>
    void HoldRequests(TimeSpan wait);
}
