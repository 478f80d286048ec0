using GrpcMM.Protos.V1;
using GrpcMM.Protos.Worker.V1;

namespace Mmd.Supervision;

/// <summary>
/// Which instances have a worker on which live venue. Venues limit requests per host (an IP, an account), so the
/// instances trading on one share its limits (daemon.json's requestsPerSecond, or the venue's default, is the whole
/// host's): each worker is told how many they are, and its part of every limit, split by what each asked
/// (<see cref="RequestSplit"/>) from the demand its worker reports with its health. The paper venue has no limit.
/// </summary>
public sealed class RequestBudgets
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string[]> _live = new(StringComparer.Ordinal);
    // The last demand each worker reported per venue; an instance not running (starting, reconciling, stopping) asks all it can get.
    private readonly Dictionary<string, Dictionary<string, RequestDemand>> _demand = new(StringComparer.Ordinal);
    private readonly HashSet<string> _running = new(StringComparer.Ordinal);
    // The parts per million as last split (instance → venue → part); a venue with an even split is left out.
    private Dictionary<string, Dictionary<string, uint>> _parts = new(StringComparer.Ordinal);
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
            // A new worker has said nothing yet: it asks all it can get until it has.
            _demand.Remove(instance);
            _running.Remove(instance);
            _version++;
            Resplit();
        }
    }

    /// <summary>The worker of <paramref name="instance"/> is gone.</summary>
    public void Release(string instance)
    {
        lock (_lock)
        {
            _demand.Remove(instance);
            _running.Remove(instance);
            if (!_live.Remove(instance)) return;
            _version++;
            Resplit();
        }
    }

    /// <summary>
    /// What the worker of <paramref name="instance"/> asked of its venues since its last report (a venue it did not
    /// name keeps its last), and whether it runs: one starting or stopping asks all it can get.
    /// </summary>
    public void Report(string instance, IReadOnlyDictionary<string, RequestDemand> demand, bool running)
    {
        lock (_lock)
        {
            if (!_live.ContainsKey(instance)) return;
            if (!_demand.TryGetValue(instance, out var held)) _demand[instance] = held = new(StringComparer.Ordinal);
            foreach (var (venue, d) in demand) held[venue] = d;
            if (running) _running.Add(instance);
            else _running.Remove(instance);
            if (Resplit()) _version++;
        }
    }

    /// <summary>This instance's part of each shared venue's limit split by demand, in parts per million; a venue split evenly is left out.</summary>
    public Dictionary<string, uint> PartsOf(string instance)
    {
        lock (_lock) return _parts.TryGetValue(instance, out var parts) ? new(parts, StringComparer.Ordinal) : [];
    }

    /// <summary>Parts are sent in steps of 1/256 of the limit: a demand that wobbles does not move them at every report.</summary>
    private const uint PartStep = 1_000_000 / 256;

    // Under the lock: splits every shared venue's limit again; true when a part changed.
    private bool Resplit()
    {
        var parts = new Dictionary<string, Dictionary<string, uint>>(StringComparer.Ordinal);
        foreach (var venue in _live.Values.SelectMany(v => v).Distinct(StringComparer.Ordinal))
        {
            var on = _live.Where(e => e.Value.Contains(venue, StringComparer.Ordinal)).Select(e => e.Key).Order(StringComparer.Ordinal).ToArray();
            if (on.Length < 2) continue;
            var split = RequestSplit.Split(on.Select(i => Asked(i, venue)).ToArray());
            // An even split goes unsaid (each takes 1/N, as told by the count); any other in steps, rounded down.
            if (split.All(p => Math.Abs(p - 1.0 / on.Length) < 1.0 / 256)) continue;
            for (var k = 0; k < on.Length; k++)
            {
                if (!parts.TryGetValue(on[k], out var mine)) parts[on[k]] = mine = new(StringComparer.Ordinal);
                mine[venue] = Math.Max(1, (uint)Math.Floor(split[k] * 256) * PartStep);
            }
        }
        var changed = parts.Count != _parts.Count || parts.Any(e => !_parts.TryGetValue(e.Key, out var before)
            || before.Count != e.Value.Count || e.Value.Any(p => before.GetValueOrDefault(p.Key) != p.Value));
        _parts = parts;
        return changed;
    }

    // Under the lock: what the instance asked of the venue, as a part of its limit; null: all it can get.
    private double? Asked(string instance, string venue) =>
        _running.Contains(instance) && _demand.TryGetValue(instance, out var held) && held.TryGetValue(venue, out var d) && !d.Queued
            ? d.AskedPpm / 1_000_000.0
            : null;

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
