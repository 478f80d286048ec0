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
