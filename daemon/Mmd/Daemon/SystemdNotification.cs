using System.Globalization;
using GrpcMM.Protos.V1;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Mmd.Supervision;

namespace Mmd.Daemon;

/// <summary>
/// mmd as a systemd <c>Type=notify</c> service (daemon/deploy/mmd.service): READY=1 once it serves (its instances loaded,
/// health SERVING), STATUS= its instances' states, WATCHDOG=1 at half of the unit's WatchdogSec while every instance's
/// supervisor keeps stepping, STOPPING=1 when it stops. Without NOTIFY_SOCKET (not started by systemd) it does nothing.
/// </summary>
/// <remarks>
/// The watchdog proves progress, not a live pid: each instance's actor handles the supervisor's tick every 250 ms, so one
/// that has handled nothing for a whole ping period is wedged (or the thread pool is), and the ping is withheld; a daemon
/// stuck for WatchdogSec is then killed and restarted by systemd, and re-adopts its workers, which kept trading.
/// </remarks>
public sealed class SystemdNotification : IDisposable
{
    private readonly ISystemdNotifier _notifier;
    private readonly Func<IReadOnlyCollection<Instance>> _instances;
    private readonly Func<IEnumerable<(string Name, DateTimeOffset LastStepAt)>> _steps;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _period;
    private readonly bool _watchdog;
    private readonly ITimer _timer;
    private bool _withheld;
    private int _stopping;

    /// <param name="instances">The instances, for STATUS=.</param>
    /// <param name="steps">When each instance's actor last stepped, for the watchdog.</param>
    internal SystemdNotification(ISystemdNotifier notifier, Func<IReadOnlyCollection<Instance>> instances,
        Func<IEnumerable<(string Name, DateTimeOffset LastStepAt)>> steps, TimeProvider time, ILogger logger, TimeSpan? watchdogTimeout)
    {
        (_notifier, _instances, _steps, _time, _logger) = (notifier, instances, steps, time, logger);
        _watchdog = watchdogTimeout is not null;
        _period = watchdogTimeout is { } timeout ? timeout / 2 : StatusPeriod;
        Send($"READY=1\nSTATUS={Status()}");
        _timer = time.CreateTimer(_ => Beat(), null, _period, _period);
    }

    /// <summary>How often STATUS= is renewed when the unit has no watchdog.</summary>
    private static readonly TimeSpan StatusPeriod = TimeSpan.FromSeconds(10);

    /// <summary>Says READY=1 and starts the watchdog and status beats; null when systemd is not listening.</summary>
    /// <param name="environment">The daemon's environment: NOTIFY_SOCKET is the notifier's; WATCHDOG_USEC and WATCHDOG_PID the watchdog's.</param>
    public static SystemdNotification? Start(ISystemdNotifier notifier, Supervisor supervisor, TimeProvider time, ILogger logger,
        Func<string, string?> environment) =>
        notifier.IsEnabled
            ? new SystemdNotification(notifier, () => supervisor.List(), () => supervisor.Actors().Select(a => (a.Name, a.LastStepAt)), time, logger,
                WatchdogTimeout(environment, Environment.ProcessId))
            : null;

    /// <summary>
    /// The unit's WatchdogSec, as systemd passes it (WATCHDOG_USEC), when it is for this process: WATCHDOG_PID, when set,
    /// names the process systemd watches (a child that inherited the variables is not it).
    /// </summary>
    public static TimeSpan? WatchdogTimeout(Func<string, string?> environment, int pid)
    {
        if (!long.TryParse(environment("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var usec) || usec <= 0) return null;
        if (environment("WATCHDOG_PID") is { Length: > 0 } watched && watched != pid.ToString(CultureInfo.InvariantCulture)) return null;
        return TimeSpan.FromMicroseconds(usec);
    }

    /// <summary>
    /// Why the daemon is not making progress, or null when every instance's actor stepped within <paramref name="stall"/>.
    /// </summary>
    public static string? Stalled(DateTimeOffset now, IEnumerable<(string Name, DateTimeOffset LastStepAt)> actors, TimeSpan stall)
    {
        foreach (var (name, lastStep) in actors)
            if (now - lastStep > stall)
                return $"the supervisor of '{name}' has handled nothing for {(now - lastStep).TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s";
        return null;
    }

    /// <summary>The instances' states, for systemctl status: "3 instances: 2 running, 1 stopped".</summary>
    public static string Status(IReadOnlyCollection<Instance> instances)
    {
        if (instances.Count == 0) return "serving; no instances";
        var states = instances.GroupBy(i => i.State).OrderByDescending(g => g.Count()).ThenBy(g => g.Key)
            .Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}");
        return $"serving; {instances.Count} instance{(instances.Count == 1 ? "" : "s")}: {string.Join(", ", states)}";
    }

    private string Status() => Status(_instances());

    private void Beat()
    {
        if (!_watchdog)
        {
            Send("STATUS=" + Status());
            return;
        }
        // A period at least: ticks come every 250 ms, so that is many missed ones, not a slow one.
        var stall = _period > MinimumStall ? _period : MinimumStall;
        var problem = Stalled(_time.GetUtcNow(), _steps(), stall);
        if (problem is null)
        {
            if (_withheld) DaemonLog.WatchdogResumed(_logger);
            _withheld = false;
            Send($"WATCHDOG=1\nSTATUS={Status()}");
            return;
        }
        if (!_withheld) DaemonLog.WatchdogWithheld(_logger, problem);
        _withheld = true;
        Send("STATUS=not progressing: " + problem);
    }

    // A notify socket that is gone or refuses (the unit torn down, a NOTIFY_SOCKET left over from elsewhere) is logged;
    // the daemon serves on regardless.
    private void Send(string state)
    {
        try { _notifier.Notify(new ServiceState(state)); }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or ObjectDisposedException) { DaemonLog.NotifyFailed(_logger, ex.Message); }
    }

    private static readonly TimeSpan MinimumStall = TimeSpan.FromSeconds(2);

    /// <summary>STOPPING=1: the daemon stops (its workers keep trading, unless the shutdown stops them).</summary>
    public void Stopping()
    {
        _timer.Dispose();
        if (Interlocked.Exchange(ref _stopping, 1) == 1) return; // the host's stopping and the dispose both say it
        Send("STOPPING=1\nSTATUS=stopping");
    }

    public void Dispose() => _timer.Dispose();
}
