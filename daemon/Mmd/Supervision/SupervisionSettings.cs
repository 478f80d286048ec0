using GrpcMM.Protos.V1;
using Mmd.Configuration;
using Mmd.Specs;

namespace Mmd.Supervision;

/// <summary>One instance's supervision: its spec's choices over the daemon's defaults.</summary>
public sealed record SupervisionSettings(
    RestartPolicy Policy,
    TimeSpan InitialBackoff,
    TimeSpan MaxBackoff,
    TimeSpan ResetAfter,
    long MemoryLimitBytes,
    TimeSpan StopTimeout,
    TimeSpan HealthInterval,
    int HealthFailureThreshold,
    TimeSpan StartupGrace)
{
    public static SupervisionSettings Resolve(SupervisionOverrides spec, SupervisionDefaults defaults) => new(
        spec.RestartPolicy ?? defaults.RestartPolicy switch
        {
            "always" => RestartPolicy.Always,
            "never" => RestartPolicy.Never,
            _ => RestartPolicy.OnFailure,
        },
        spec.InitialBackoff ?? TimeSpan.FromSeconds(defaults.InitialBackoffSeconds),
        spec.MaxBackoff ?? TimeSpan.FromSeconds(defaults.MaxBackoffSeconds),
        spec.ResetAfter ?? TimeSpan.FromSeconds(defaults.ResetAfterSeconds),
        (spec.MemoryLimitMb ?? defaults.MemoryLimitMb) * 1024L * 1024L,
        spec.StopTimeout ?? TimeSpan.FromSeconds(defaults.StopTimeoutSeconds),
        TimeSpan.FromSeconds(defaults.HealthIntervalSeconds),
        defaults.HealthFailureThreshold,
        TimeSpan.FromSeconds(defaults.StartupGraceSeconds));

    /// <summary>
    /// Restart delay after the n-th consecutive failure (1-based): initial x 2^(n-1), capped. The first failure of a
    /// worker that was running is restarted at once: a killed or crashed worker must not keep the instance off the
    /// book for a whole backoff step; a worker that fails again, or never got running, backs off.
    /// </summary>
    public TimeSpan BackoffAfter(int consecutiveFailures, bool wasRunning)
    {
        if (consecutiveFailures <= 1 && wasRunning) return TimeSpan.Zero;
        var exponent = Math.Clamp(consecutiveFailures - 1, 0, 30);
        var delay = InitialBackoff.TotalMilliseconds * Math.Pow(2, exponent);
        return TimeSpan.FromMilliseconds(Math.Min(delay, MaxBackoff.TotalMilliseconds));
    }

    /// <summary>Whether an exit (clean or not) brings the worker back.</summary>
    public bool Restarts(bool failed) => Policy switch
    {
        RestartPolicy.Always => true,
        RestartPolicy.Never => false,
        _ => failed,
    };
}
