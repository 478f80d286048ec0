using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using GrpcMM.Protos.V1;

namespace Mmd.Watching;

/// <summary>
/// The latest stats and lifecycle events of every instance, numbered per instance, with a bounded history for
/// watchers that resume, and a bounded drop-oldest channel per watcher: a slow watcher loses its own oldest
/// messages (and is told how many), and never slows a worker or another watcher.
/// </summary>
public sealed class StatsHub(TimeProvider time, int historyPerInstance = 1024, int watcherCapacity = 1024)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Stream> _streams = new(StringComparer.Ordinal);
    private readonly List<Watcher> _watchers = [];

    private sealed class Stream(long nextSequence)
    {
        public long NextSequence = nextSequence;
        public readonly Queue<WatchEvent> History = new();
        public WatchEvent? LatestStats;
        public WatchEvent? LatestLifecycle;
    }

    /// <summary>Registers an instance whose numbering continues above <paramref name="lastSequence"/> (from the database).</summary>
    public void Register(string instance, long lastSequence)
    {
        lock (_gate) _streams.TryAdd(instance, new Stream(lastSequence + 1));
    }

    /// <summary>The highest sequence handed out per instance, to persist.</summary>
    public IReadOnlyDictionary<string, long> Sequences()
    {
        lock (_gate) return _streams.ToDictionary(s => s.Key, s => s.Value.NextSequence - 1, StringComparer.Ordinal);
    }

    public void PublishStats(string instance, InstanceStats stats) => Publish(instance, e => e.Stats = stats);

    public void PublishLifecycle(string instance, LifecycleEvent lifecycle) => Publish(instance, e => e.Lifecycle = lifecycle);

    public void PublishDeleted(string instance)
    {
        Publish(instance, e => e.Deleted = true);
        lock (_gate) _streams.Remove(instance);
    }

    private void Publish(string instance, Action<WatchEvent> fill)
    {
        lock (_gate)
        {
            if (!_streams.TryGetValue(instance, out var stream)) _streams[instance] = stream = new Stream(1);
            var e = new WatchEvent { Instance = instance, Sequence = (ulong)stream.NextSequence++, Time = Timestamp.FromDateTimeOffset(time.GetUtcNow()) };
            fill(e);
            stream.History.Enqueue(e);
            while (stream.History.Count > historyPerInstance) stream.History.Dequeue();
            if (e.KindCase == WatchEvent.KindOneofCase.Stats) stream.LatestStats = e;
            else if (e.KindCase == WatchEvent.KindOneofCase.Lifecycle) stream.LatestLifecycle = e;
            foreach (var w in _watchers) if (w.Wants(instance)) w.Offer(e);
        }
    }

    /// <summary>
    /// Subscribes; the reader first yields, per instance, either the history after the resume point, a HistoryGone
    /// followed by the latest state, or (without a resume point) the latest lifecycle and stats, then live messages.
    /// </summary>
    public Watcher Subscribe(IReadOnlyCollection<string> names, IReadOnlyDictionary<string, ulong> after)
    {
        var watcher = new Watcher(names.Count == 0 ? null : names.ToHashSet(StringComparer.Ordinal), watcherCapacity);
        lock (_gate)
        {
            foreach (var (name, stream) in _streams.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                if (!watcher.Wants(name)) continue;
                if (after.TryGetValue(name, out var last))
                {
                    var oldest = stream.History.Count > 0 ? stream.History.Peek().Sequence : (ulong)stream.NextSequence;
                    if (last + 1 < oldest)
                    {
                        watcher.Offer(new WatchEvent
                        {
                            Instance = name, Sequence = oldest - 1, Time = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
                            HistoryGone = new HistoryGone { RequestedAfter = last, OldestKept = oldest },
                        });
                        Latest(stream, watcher);
                    }
                    else foreach (var e in stream.History) if (e.Sequence > last) watcher.Offer(e);
                }
                else Latest(stream, watcher);
            }
            _watchers.Add(watcher);
        }
        return watcher;
    }

    private static void Latest(Stream stream, Watcher watcher)
    {
        foreach (var e in new[] { stream.LatestLifecycle, stream.LatestStats }.Where(e => e is not null).OrderBy(e => e!.Sequence))
            watcher.Offer(e!);
    }

    /// <summary>How many watchers are subscribed.</summary>
    internal int WatcherCount
    {
        get { lock (_gate) return _watchers.Count; }
    }

    public void Unsubscribe(Watcher watcher)
    {
        lock (_gate) _watchers.Remove(watcher);
        watcher.Complete();
    }

    /// <summary>One watcher's queue. Offer never blocks: a full queue drops its oldest message and counts it.</summary>
    public sealed class Watcher
    {
        private readonly HashSet<string>? _names;
        private readonly Channel<WatchEvent> _queue;
        private long _dropped;

        internal Watcher(HashSet<string>? names, int capacity)
        {
            _names = names;
            _queue = Channel.CreateBounded<WatchEvent>(new BoundedChannelOptions(capacity)
            {
                SingleReader = true, SingleWriter = false, FullMode = BoundedChannelFullMode.DropOldest,
            }, _ => Interlocked.Increment(ref _dropped));
        }

        public ChannelReader<WatchEvent> Reader => _queue.Reader;

        /// <summary>Messages dropped since the last call (the next message sent carries this count).</summary>
        public long TakeDropped() => Interlocked.Exchange(ref _dropped, 0);

        internal bool Wants(string instance) => _names is null || _names.Contains(instance);

        internal void Offer(WatchEvent e)
        {
            _queue.Writer.TryWrite(e);
        }

        internal void Complete() => _queue.Writer.TryComplete();
    }
}
