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

    public void Request(string reason)
    {
        Interlocked.CompareExchange(ref _reason, reason, null);
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
