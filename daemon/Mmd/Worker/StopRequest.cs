using System.Runtime.InteropServices;

namespace Mmd.Worker;

/// <summary>
/// Tells a run to stop, and keeps why: a signal, or the daemon's stop with its reason (the first cause wins). The
/// run's report, its journal and the daemon's status then say "stopped by operator" or "received SIGTERM".
/// </summary>
public sealed class StopRequest : IDisposable
{
    private readonly CancellationTokenSource _requested = new();
    private string? _reason;

    public CancellationToken Token => _requested.Token;

    /// <summary>Why the stop was asked for; null while it was not.</summary>
    public string? Reason => Volatile.Read(ref _reason);

    private long _withinTicks = -1;

    /// <summary>The timeout the daemon's stop named (after it, the daemon kills the worker); null: none named.</summary>
    public TimeSpan? Within => Interlocked.Read(ref _withinTicks) is >= 0 and var ticks ? TimeSpan.FromTicks(ticks) : null;

    /// <param name="within">The stop's timeout, when it names one (the daemon's stop always does); the first named wins.</param>
    public void Request(string reason, TimeSpan? within = null)
    {
        Interlocked.CompareExchange(ref _reason, reason, null);
        if (within is { } w) Interlocked.CompareExchange(ref _withinTicks, w.Ticks, -1);
        _requested.Cancel();
    }

    /// <summary>SIGINT and SIGTERM ask for the stop instead of ending the process: the run exits once the book is flat.</summary>
    public IDisposable OnSignals()
    {
        var registrations = new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM }.Select(signal => PosixSignalRegistration.Create(signal, context =>
        {
            context.Cancel = true;
            Request($"received {context.Signal}");
        })).ToArray();
        return new Registrations(registrations);
    }

    public void Dispose() => _requested.Dispose();

    private sealed class Registrations(PosixSignalRegistration[] registrations) : IDisposable
    {
        public void Dispose()
        {
            foreach (var registration in registrations) registration.Dispose();
        }
    }
}
