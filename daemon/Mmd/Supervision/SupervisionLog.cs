using Microsoft.Extensions.Logging;

namespace Mmd.Supervision;

internal static partial class SupervisionLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Instance}: {Kind}: {Text}")]
    public static partial void Event(ILogger logger, string instance, string kind, string text);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Instance}: killing worker pid {Pid}: {Reason}")]
    public static partial void Killing(ILogger logger, string instance, int pid, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Instance}: restart in {Seconds:0.#}s (consecutive failures {Failures}): {Reason}")]
    public static partial void BackingOff(ILogger logger, string instance, double seconds, int failures, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Instance}: refused a worker attach from pid {Pid} (supervised pid {Expected})")]
    public static partial void AttachRefused(ILogger logger, string instance, int pid, int expected);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Instance}: worker pid {Pid} detached")]
    public static partial void Detached(ILogger logger, string instance, int pid);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Instance}: supervision step failed")]
    public static partial void ActorStepFailed(ILogger logger, string instance, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Instance}: re-adopting live worker pid {Pid} started {StartedAt:u}")]
    public static partial void Adopting(ILogger logger, string instance, int pid, DateTimeOffset startedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Clash}. Both were started before this daemon, and it runs them as they are: stop one, give it its key, start it again")]
    public static partial void LighterKeyShared(ILogger logger, string clash);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Instance}: worker pid {Pid} recorded but not running any more")]
    public static partial void WorkerVanished(ILogger logger, string instance, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "history older than {Before:u} pruned: {Runs} runs, {Events} events")]
    public static partial void HistoryPruned(ILogger logger, DateTimeOffset before, int runs, int events);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Instance}: {Venue} asked it to wait {Seconds:0.###} s; the {Others} other instance(s) there wait as long")]
    public static partial void VenuePaused(ILogger logger, string instance, string venue, double seconds, int others);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Instance}: could not record {What} in the daemon's database ({Error}); supervising on")]
    public static partial void NotRecorded(ILogger logger, string instance, string what, string error);
}
