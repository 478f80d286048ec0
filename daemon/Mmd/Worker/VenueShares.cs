using GrpcMM.Protos.Worker.V1;
using Mmd.Exchanges.Shared;
using Mmd.Trading.Execution;

namespace Mmd.Worker;

/// <summary>
/// The worker's end of the daemon's request budgets (see Supervision.RequestBudgets): how many running instances share
/// each venue's request limits and this worker's part of each, from the launch and then from the daemon, handed to the
/// run's connectors as they come; and what the run asked of each venue, for the daemon to split the limits by.
/// </summary>
public sealed class VenueShares
{
    private readonly Lock _lock = new();
    private readonly List<(string Venue, ISharedRequestBudget Connector)> _connectors = [];
    private Dictionary<string, uint> _instances;
    private Dictionary<string, uint> _parts;
    private readonly TimeProvider _time;
    private long _demandTakenAt;

    public VenueShares(IReadOnlyDictionary<string, uint> instances, IReadOnlyDictionary<string, uint>? partsPerMillion = null, TimeProvider? time = null)
    {
        _instances = new(instances, StringComparer.Ordinal);
        _parts = new(partsPerMillion ?? new Dictionary<string, uint>(), StringComparer.Ordinal);
        _time = time ?? TimeProvider.System;
        _demandTakenAt = _time.GetTimestamp();
    }

    /// <summary>Reports closer together than this say too little of a demand: the daemon keeps the last one.</summary>
    private static readonly TimeSpan DemandWindow = TimeSpan.FromMilliseconds(500);

    /// <summary>A connector's venue asked it to wait: the venue, and for how long (the daemon tells the others).</summary>
    public event Action<string, TimeSpan>? VenuePaused;

    /// <summary>Another instance on <paramref name="venue"/> was asked to wait: this worker's connectors there wait as long.</summary>
    public void Hold(string venue, TimeSpan wait)
    {
        lock (_lock)
            foreach (var (v, connector) in _connectors)
                if (v == venue) connector.RequestGates.Hold(wait);
        Held?.Invoke(venue, wait);
    }

    /// <summary>Told of each hold (the run's log).</summary>
    public Action<string, TimeSpan>? Held { get; set; }

    /// <summary>Told each venue's share as a connector takes it and whenever it changes (the run's log).</summary>
    public Action<string, uint>? Taken { get; set; }

    /// <summary>"its own", or "shared by N running instances, 1/N each".</summary>
    public static string Describe(uint instances) => instances <= 1 ? "its own" : $"shared by {instances} running instances, 1/{instances} each";

    /// <summary>From the launch's MMD_WORKER_REQUEST_SHARES; alone on every venue when it is unset (a worker run by hand).</summary>
    public static VenueShares FromEnvironment(string? encoded)
    {
        if (string.IsNullOrEmpty(encoded)) return new(new Dictionary<string, uint>());
        var shares = RequestShares.Parser.ParseFrom(Convert.FromBase64String(encoded));
        return new(shares.Instances, shares.PartPpm);
    }

    /// <summary>How many instances share <paramref name="venue"/>; 1: this one alone.</summary>
    public uint Of(string venue)
    {
        lock (_lock) return Math.Max(1u, _instances.GetValueOrDefault(venue));
    }

    /// <summary>A connector of the run: it takes its venue's share now and at every change.</summary>
    public void Register(IExchangeConnector connector)
    {
        if (connector is not ISharedRequestBudget shared) return; // paper: no limit
        lock (_lock)
        {
            _connectors.Add((connector.Venue, shared));
            var venue = connector.Venue;
            shared.RequestGates.VenuePaused += wait => VenuePaused?.Invoke(venue, wait);
            var instances = Math.Max(1u, _instances.GetValueOrDefault(connector.Venue));
            Take(connector.Venue, shared);
            Taken?.Invoke(connector.Venue, instances);
        }
    }

    // Under the lock: the connector takes its venue's part, the daemon's split by demand or an even one.
    private void Take(string venue, ISharedRequestBudget connector)
    {
        if (_parts.TryGetValue(venue, out var part) && part > 0) connector.RequestGates.SharePart(Math.Min(part, 1_000_000u));
        else connector.RequestGates.Share((int)Math.Max(1u, _instances.GetValueOrDefault(venue)));
    }

    /// <summary>The daemon's new counts (every venue of the worker's, each at least 1), and the parts it split by demand.</summary>
    public void Apply(IReadOnlyDictionary<string, uint> instances, IReadOnlyDictionary<string, uint>? partsPerMillion = null)
    {
        lock (_lock)
        {
            var before = _instances;
            _instances = new(instances, StringComparer.Ordinal);
            _parts = new(partsPerMillion ?? new Dictionary<string, uint>(), StringComparer.Ordinal);
            foreach (var (venue, connector) in _connectors)
            {
                Take(venue, connector);
                // Logged as the count changes; a part moved with demand shows in the status, not in every log line.
                var now = Math.Max(1u, _instances.GetValueOrDefault(venue));
                if (now != Math.Max(1u, before.GetValueOrDefault(venue))) Taken?.Invoke(venue, now);
            }
        }
    }

    /// <summary>
    /// What the run asked of each venue since the last report, for the daemon's split; empty when the last report was
    /// too recent to say (under half a second: the daemon keeps that one).
    /// </summary>
    public Dictionary<string, RequestDemand> TakeDemand()
    {
        lock (_lock)
        {
            var demand = new Dictionary<string, RequestDemand>(StringComparer.Ordinal);
            if (_time.GetElapsedTime(_demandTakenAt) < DemandWindow) return demand;
            _demandTakenAt = _time.GetTimestamp();
            foreach (var (venue, connector) in _connectors)
            {
                // Given less than an even part for asking little, any wait says so at once: a quiet grid whose levels fill
                // gets its part back within a report, not after a fifth of one spent queueing.
                var cut = _parts.TryGetValue(venue, out var part) && part * Math.Max(1u, _instances.GetValueOrDefault(venue)) < 1_000_000u;
                var (asked, queued) = connector.RequestGates.TakeDemand(cut ? 0 : RequestGates.QueuedEnough);
                demand[venue] = new RequestDemand { AskedPpm = (uint)Math.Min(uint.MaxValue, Math.Round(asked * 1_000_000)), Queued = queued };
            }
            return demand;
        }
    }
}
