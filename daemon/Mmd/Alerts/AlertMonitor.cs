using Microsoft.Extensions.Logging;
using Mmd.Configuration;
using Mmd.Supervision;

namespace Mmd.Alerts;

/// <summary>
/// Reads every instance's state each second (and the resource checks every ten) and posts what the rules say is due,
/// and the daily digest after midnight. Runs whether or not alerts have somewhere to go: without a destination they are
/// logged and listed by mmctl alerts.
/// </summary>
public sealed partial class AlertMonitor : IAsyncDisposable
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);
    private const int ResourcesEvery = 10;

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private AlertMonitor(Func<CancellationToken, Task> loop) => _loop = loop(_stop.Token);

    public static AlertMonitor Start(DaemonConfig config, Supervisor supervisor, AlertDispatcher dispatcher, TimeProvider time, ILogger logger)
    {
        var rules = new AlertConditions(TimeSpan.FromSeconds(config.Alerts.UnhealthyAfterSeconds), TimeSpan.FromMinutes(config.Alerts.RepeatAfterMinutes),
            TimeSpan.FromSeconds(config.Alerts.NotQuotingAfterSeconds));
        return new AlertMonitor(stop => RunAsync(config, supervisor, dispatcher, rules, time, logger, stop));
    }

    private static async Task RunAsync(DaemonConfig config, Supervisor supervisor, AlertDispatcher dispatcher, AlertConditions rules, TimeProvider time,
        ILogger logger, CancellationToken cancellationToken)
    {
        await Task.Yield();
        using var timer = new PeriodicTimer(Every, time);
        var tick = 0;
        var digest = config.Alerts.DailySummary ? new DailyDigest(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)) : null;
        try
        {
            do
            {
                try
                {
                    var facts = supervisor.Actors().Select(a => new InstanceFacts(a.Snapshot, a.BookUnconfirmed)).ToList();
                    var resources = tick++ % ResourcesEvery == 0 ? Daemon.ResourceHealth.Read(config) : null;
                    var now = time.GetUtcNow();
                    foreach (var alert in rules.Evaluate(facts, resources, now)) dispatcher.Post(alert);
                    dispatcher.Holding = rules.Holding();
                    if (digest?.Due(now) is { } day)
                        foreach (var alert in await DailyDigest.ForAsync(facts.Select(f => (f.Instance.Name, JournalOf(f.Instance.Name))).ToList(), day, now, cancellationToken))
                            dispatcher.Post(alert);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    MonitorFailed(logger, ex.Message); // a reading that failed once is read again next second
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }

        string? JournalOf(string name)
        {
            try { return supervisor.JournalOf(name); }
            catch (InstanceNotFoundException) { return null; } // deleted since its state was read
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    [LoggerMessage(EventId = 302, Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "alert monitor: {Error}")]
    private static partial void MonitorFailed(ILogger logger, string error);
}
