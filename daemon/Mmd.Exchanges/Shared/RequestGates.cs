namespace Mmd.Exchanges.Shared;

/// <summary>
/// Every <see cref="RequestGate"/> of one client (Paradex's reads and writes, Lighter's reads and transactions; one
/// elsewhere), shared, held and heard from as one: the venue counts the host's requests, whichever limit they went by.
/// </summary>
public sealed class RequestGates(params RequestGate[] gates)
{
    /// <summary>This process's part of every limit when <paramref name="instances"/> instances trade on the venue.</summary>
    public void Share(int instances)
    {
        foreach (var gate in gates) gate.Share(instances);
    }

    /// <summary>This process's part of every limit as the daemon split the venue's by demand (parts per million).</summary>
    public void SharePart(uint partsPerMillion)
    {
        foreach (var gate in gates) gate.SharePart(partsPerMillion);
    }

    /// <summary>
    /// What this process asked of the venue since the last call: the busiest limit's tokens as a part of the host's rate,
    /// and whether requests queued for their turn at any of them for at least <paramref name="queuedEnough"/> of the time
    /// (its part binds).
    /// </summary>
    public (double Asked, bool Queued) TakeDemand(double queuedEnough = QueuedEnough)
    {
        var (asked, queued) = (0.0, false);
        foreach (var gate in gates)
        {
            var demand = gate.TakeDemand();
            asked = Math.Max(asked, demand.Asked);
            queued |= demand.Queued > 0 && demand.Queued >= queuedEnough;
        }
        return (asked, queued);
    }

    /// <summary>The part of an interval requests must have queued for a process to count as held back by its part.</summary>
    public const double QueuedEnough = 0.2;

    /// <summary>Another instance on the venue was asked to wait: every limit here waits as long.</summary>
    public void Hold(TimeSpan wait)
    {
        foreach (var gate in gates) gate.Hold(wait);
    }

    /// <summary>Raised when the venue paused any of the gates (a 429's Retry-After, Aster's used weight).</summary>
    public event Action<TimeSpan>? VenuePaused
    {
        add { foreach (var gate in gates) gate.VenuePaused += value; }
        remove { foreach (var gate in gates) gate.VenuePaused -= value; }
    }
}
