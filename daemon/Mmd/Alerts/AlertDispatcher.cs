using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using GrpcMM.Protos.V1;
using Microsoft.Extensions.Logging;

namespace Mmd.Alerts;

/// <summary>
/// Sends alerts to every destination, off the caller's path: <see cref="Post"/> never waits; a bounded queue feeds one
/// sender, which tries each destination up to three times (1 s, then 5 s apart). Keeps the last 100 alerts with how
/// their delivery went, for mmctl alerts; with no destination configured they are still logged and kept, so an operator
/// who reads mmctl alerts (or the daemon's log) sees them.
/// </summary>
public sealed partial class AlertDispatcher : IAsyncDisposable
{
    public const int Kept = 100;
    private const int Tries = 3;
    private static readonly TimeSpan[] Waits = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)];

    private readonly IReadOnlyList<IAlertSink> _sinks;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<SentAlert> _queue;
    private readonly LinkedList<SentAlert> _recent = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, long> _raisedByLevel = new(StringComparer.Ordinal), _failedByDestination = new(StringComparer.Ordinal);
    private readonly Task _sender;
    private volatile IReadOnlyList<ActiveCondition> _holding = [];
    private readonly List<AlertFollower> _followers = [];

    public AlertDispatcher(IReadOnlyList<IAlertSink> sinks, TimeProvider time, ILogger logger)
    {
        _sinks = sinks;
        _time = time;
        _logger = logger;
        // A burst beyond the queue (a hundred instances failing at once) drops the oldest unsent, marked as such.
        _queue = Channel.CreateBounded<SentAlert>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped => dropped.Fail("dropped: too many alerts at once"));
        _sender = sinks.Count == 0 ? Task.CompletedTask : SendLoopAsync(_stop.Token);
    }

    /// <summary>Whether any destination is configured; without one alerts are logged and kept, and sent nowhere.</summary>
    public bool Enabled => _sinks.Count > 0;

    public IReadOnlyList<string> Destinations => [.. _sinks.Select(s => s.Description)];

    /// <summary>The conditions that hold now, as the monitor last read them (for mmctl alerts and daemon status).</summary>
    public IReadOnlyList<ActiveCondition> Holding { get => _holding; set => _holding = value; }

    /// <summary>Logs and keeps the alert, and queues it for every destination; returns at once.</summary>
    public void Post(Alert alert)
    {
        AlertLog.Raised(_logger, alert.LevelName, alert.Instance ?? "mmd", alert.Condition, alert.Message);
        var sent = Keep(alert);
        if (Enabled) _queue.Writer.TryWrite(sent);
    }

    /// <summary>Sends the alert to every destination now and returns once each has succeeded or failed its last try.</summary>
    public async Task<AlertRecord> SendNowAsync(Alert alert, CancellationToken cancellationToken)
    {
        var sent = Keep(alert);
        await DeliverAsync(sent, cancellationToken);
        return sent.ToRecord();
    }

    /// <summary>A new follower of the alerts raised from now on; <see cref="Unfollow"/> it when done.</summary>
    public AlertFollower Follow()
    {
        var follower = new AlertFollower();
        lock (_followers) _followers.Add(follower);
        return follower;
    }

    public void Unfollow(AlertFollower follower)
    {
        lock (_followers) _followers.Remove(follower);
        follower.Queue.Writer.TryComplete();
    }

    /// <summary>The latest alerts, newest first.</summary>
    public IReadOnlyList<AlertRecord> Recent(int limit)
    {
        lock (_recent) return [.. _recent.Take(limit).Select(a => a.ToRecord())];
    }

    /// <summary>Alerts raised since the start by level, and deliveries that failed their last try by destination (for /metrics).</summary>
    public (IReadOnlyDictionary<string, long> RaisedByLevel, IReadOnlyDictionary<string, long> FailedByDestination) Totals()
    {
        lock (_recent) return (new Dictionary<string, long>(_raisedByLevel), new Dictionary<string, long>(_failedByDestination));
    }

    private SentAlert Keep(Alert alert)
    {
        var sent = new SentAlert(alert, _sinks.Select(s => s.Name));
        lock (_recent)
        {
            _recent.AddFirst(sent);
            if (_recent.Count > Kept) _recent.RemoveLast();
            _raisedByLevel[alert.LevelName] = _raisedByLevel.GetValueOrDefault(alert.LevelName) + 1;
        }
        lock (_followers)
            if (_followers.Count > 0)
            {
                var record = sent.ToRecord();
                foreach (var follower in _followers) follower.Queue.Writer.TryWrite(record);
            }
        return sent;
    }

    private void Failed(IAlertSink sink)
    {
        lock (_recent) _failedByDestination[sink.Name] = _failedByDestination.GetValueOrDefault(sink.Name) + 1;
    }

    private async Task SendLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var sent in _queue.Reader.ReadAllAsync(cancellationToken)) await DeliverAsync(sent, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
    }

    private Task DeliverAsync(SentAlert sent, CancellationToken cancellationToken) =>
        Task.WhenAll(_sinks.Select((sink, index) => DeliverAsync(sink, sent, index, cancellationToken)));

    private async Task DeliverAsync(IAlertSink sink, SentAlert sent, int index, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await sink.SendAsync(sent.Alert, cancellationToken);
                sent.Delivered(index, attempt);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                sent.Tried(index, attempt, "the daemon stopped", last: true);
                return;
            }
            catch (Exception ex)
            {
                // Anything else is a failed try too, said by its kind only: its message might hold the address.
                var error = ex is AlertDeliveryException ? ex.Message : ex.GetType().Name;
                sent.Tried(index, attempt, error, last: attempt == Tries);
                if (attempt == Tries)
                {
                    AlertLog.NotDelivered(_logger, sink.Description, Tries, error);
                    Failed(sink);
                    return;
                }
            }
            await Task.Delay(Waits[attempt - 1], _time, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_followers)
            foreach (var follower in _followers) follower.Queue.Writer.TryComplete();
        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        try { await _sender; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }

    /// <summary>An alert and its delivery to each destination, as it goes; read and written under its own lock.</summary>
    private sealed class SentAlert(Alert alert, IEnumerable<string> destinations)
    {
        private readonly AlertDelivery[] _deliveries = [.. destinations.Select(d => new AlertDelivery { Destination = d, Status = "sending" })];

        public Alert Alert { get; } = alert;

        public void Delivered(int index, int attempts)
        {
            lock (_deliveries) (_deliveries[index].Status, _deliveries[index].Attempts, _deliveries[index].Error) = ("delivered", (uint)attempts, "");
        }

        public void Tried(int index, int attempts, string error, bool last)
        {
            lock (_deliveries) (_deliveries[index].Status, _deliveries[index].Attempts, _deliveries[index].Error) = (last ? "failed" : "sending", (uint)attempts, error);
        }

        public void Fail(string error)
        {
            lock (_deliveries)
                foreach (var d in _deliveries) (d.Status, d.Error) = ("failed", error);
        }

        public AlertRecord ToRecord()
        {
            var record = new AlertRecord
            {
                Time = Timestamp.FromDateTimeOffset(Alert.Time), Level = Alert.LevelName, Instance = Alert.Instance ?? "",
                Condition = Alert.Condition, Message = Alert.Message,
            };
            lock (_deliveries) record.Deliveries.AddRange(_deliveries.Select(d => d.Clone()));
            return record;
        }
    }
}

internal static partial class AlertLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "alert {Level} {Instance} {Condition}: {Text}")]
    public static partial void Raised(ILogger logger, string level, string instance, string condition, string text);

    [LoggerMessage(EventId = 301, Level = LogLevel.Error, Message = "alert not delivered to {Destination} after {Tries} tries: {Error}")]
    public static partial void NotDelivered(ILogger logger, string destination, int tries, string error);
}
