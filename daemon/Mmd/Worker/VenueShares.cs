using GrpcMM.Protos.Worker.V1;
using Mmd.Exchanges.Shared;
using Mmd.Trading.Execution;

namespace Mmd.Worker;

/// <summary>
/// The worker's end of the daemon's request budgets (see Supervision.RequestBudgets): how many running instances share
/// each venue's request limits, from the launch and then from the daemon, handed to the run's connectors as they come.
/// </summary>
public sealed class VenueShares
{
    private readonly Lock _lock = new();
    private readonly List<(string Venue, ISharedRequestBudget Connector)> _connectors = [];
    private Dictionary<string, uint> _instances;

    public VenueShares(IReadOnlyDictionary<string, uint> instances) => _instances = new(instances, StringComparer.Ordinal);

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
    public static VenueShares FromEnvironment(string? encoded) =>
        new(string.IsNullOrEmpty(encoded) ? new Dictionary<string, uint>() : RequestShares.Parser.ParseFrom(Convert.FromBase64String(encoded)).Instances);

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
            shared.RequestGates.Share((int)instances);
            Taken?.Invoke(connector.Venue, instances);
        }
    }

    /// <summary>The daemon's new counts (every venue of the worker's, each at least 1).</summary>
    public void Apply(IReadOnlyDictionary<string, uint> instances)
    {
        lock (_lock)
        {
            var before = _instances;
            _instances = new(instances, StringComparer.Ordinal);
            foreach (var (venue, connector) in _connectors)
            {
                var now = Math.Max(1u, _instances.GetValueOrDefault(venue));
                connector.RequestGates.Share((int)now);
                if (now != Math.Max(1u, before.GetValueOrDefault(venue))) Taken?.Invoke(venue, now);
            }
        }
    }
}
