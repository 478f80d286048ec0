using Mmd.Configuration;
using Mmd.Persistence;

namespace Mmd.Supervision;

/// <summary>
/// What the daemon reads in its instances' journals: whether a worker that ended without confirming its book had sent
/// any order. Each order is journaled before it is sent, so a run that journaled none left the book as it found it.
/// </summary>
public sealed class WorkerJournals(DaemonConfig config)
{
    /// <summary>False when the worker's run journaled no order; null when its journal cannot say (then assume it did).</summary>
    public Task<bool?> SentOrdersAsync(string instance, int pid, CancellationToken cancellationToken) =>
        RunStore.JournaledOrdersAsync(config.JournalPath(instance), instance, pid, cancellationToken);

    /// <summary>An exit reason, saying so when the run sent no order (its end left the book as it found it).</summary>
    public static string Reason(string reason, bool? sentOrders) => sentOrders == false ? reason + " (before it sent any order)" : reason;
}
