using GrpcMM.Protos.V1;

namespace Mmd.Supervision;

/// <summary>
/// Which instances have a worker on which live venue. Venues limit requests per host (an IP, an account), so the
/// instances trading on one share its limits: each worker is told how many they are and takes that part of every
/// limit (daemon.json's requestsPerSecond, or the venue's default, is the whole host's). The paper venue has no limit.
/// </summary>
public sealed class RequestBudgets
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string[]> _live = new(StringComparer.Ordinal);
    private long _version;

    /// <summary>Moves on with every change, so an actor re-reads its shares only when something changed.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>The venues of <paramref name="spec"/> whose limits are shared: its own and its hedge market's, paper left out.</summary>
    public static string[] VenuesOf(InstanceSpec spec)
    {
        var own = spec.Venue.Length == 0 ? "paper" : spec.Venue;
        var hedge = spec.MakerTakerHedge?.HedgeVenue is { Length: > 0 } h ? h : own;
        return new[] { own, hedge }.Distinct(StringComparer.Ordinal).Where(v => v != "paper").ToArray();
    }

    /// <summary>A worker of <paramref name="instance"/> runs (started, or adopted) on these venues.</summary>
    public void Claim(string instance, string[] venues)
    {
        lock (_lock)
        {
            if (_live.TryGetValue(instance, out var held) && held.SequenceEqual(venues)) return;
            if (venues.Length == 0) { if (!_live.Remove(instance)) return; }
            else _live[instance] = venues;
            _version++;
        }
    }

    /// <summary>The worker of <paramref name="instance"/> is gone.</summary>
    public void Release(string instance)
    {
        lock (_lock)
        {
            if (_live.Remove(instance)) _version++;
        }
    }

    /// <summary>The other instances with a worker on <paramref name="venue"/>.</summary>
    public string[] OthersOn(string venue, string instance)
    {
        lock (_lock) return _live.Where(e => e.Key != instance && e.Value.Contains(venue, StringComparer.Ordinal)).Select(e => e.Key).ToArray();
    }

    /// <summary>For each venue <paramref name="instance"/> claimed, how many instances share it (itself among them).</summary>
    public Dictionary<string, uint> SharesOf(string instance)
    {
        lock (_lock)
        {
            if (!_live.TryGetValue(instance, out var venues)) return [];
            return venues.ToDictionary(v => v, v => (uint)_live.Values.Count(held => held.Contains(v, StringComparer.Ordinal)), StringComparer.Ordinal);
        }
    }
}
