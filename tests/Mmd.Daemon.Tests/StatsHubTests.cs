using GrpcMM.Protos.V1;
using Microsoft.Extensions.Time.Testing;
using Mmd.Watching;

namespace Mmd.Daemon.Tests;

public sealed class StatsHubTests
{
    private static readonly Dictionary<string, ulong> FromLatest = [];

    private static List<WatchEvent> Drain(StatsHub.Watcher watcher)
    {
        var events = new List<WatchEvent>();
        while (watcher.Reader.TryRead(out var e)) events.Add(e);
        return events;
    }

    private static InstanceStats Stats(string mid) => new() { Mid = mid };

    [Fact]
    public void NewWatcher_GetsTheLatestLifecycleAndStats_ThenLiveMessages_NumberedPerInstance()
    {
        var hub = new StatsHub(new FakeTimeProvider());
        hub.Register("a", lastSequence: 41);
        hub.PublishLifecycle("a", new LifecycleEvent { State = InstanceState.Running });
        hub.PublishStats("a", Stats("1"));
        hub.PublishStats("a", Stats("2"));
        var watcher = hub.Subscribe([], FromLatest);
        var initial = Drain(watcher);
        Assert.Equal([42ul, 44], initial.Select(e => e.Sequence));
        Assert.Equal("2", initial[1].Stats.Mid);

        hub.PublishStats("a", Stats("3"));
        hub.PublishStats("b", Stats("x"));
        var live = Drain(watcher);
        Assert.Equal([("a", 45ul), ("b", 1ul)], live.Select(e => (e.Instance, e.Sequence)));
    }

    [Fact]
    public void ResumedWatcher_GetsEverythingAfterItsSequence_WithNoGap()
    {
        var hub = new StatsHub(new FakeTimeProvider());
        for (var i = 1; i <= 10; i++) hub.PublishStats("a", Stats(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var watcher = hub.Subscribe(["a"], new Dictionary<string, ulong> { ["a"] = 6 });
        Assert.Equal([7ul, 8, 9, 10], Drain(watcher).Select(e => e.Sequence));
    }

    [Fact]
    public void ResumeBeyondTheKeptHistory_IsToldExplicitly_ThenGetsTheLatestState()
    {
        var hub = new StatsHub(new FakeTimeProvider(), historyPerInstance: 4);
        for (var i = 1; i <= 10; i++) hub.PublishStats("a", Stats(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var events = Drain(hub.Subscribe(["a"], new Dictionary<string, ulong> { ["a"] = 2 }));
        var gone = events[0];
        Assert.Equal(WatchEvent.KindOneofCase.HistoryGone, gone.KindCase);
        Assert.Equal(2ul, gone.HistoryGone.RequestedAfter);
        Assert.Equal(7ul, gone.HistoryGone.OldestKept);
        Assert.Equal("10", events[^1].Stats.Mid);
    }

    [Fact]
    public void SlowWatcher_LosesItsOwnOldestMessages_AndIsToldHowMany_OthersLoseNothing()
    {
        var hub = new StatsHub(new FakeTimeProvider(), watcherCapacity: 8);
        var slow = hub.Subscribe([], FromLatest);
        var fast = hub.Subscribe([], FromLatest);
        var fastSeen = new List<ulong>();
        for (var i = 1; i <= 20; i++)
        {
            hub.PublishStats("a", Stats("1")); // never blocks, whatever the watchers do
            fastSeen.AddRange(Drain(fast).Select(e => e.Sequence));
        }
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (ulong)i), fastSeen);
        Assert.Equal(12, slow.TakeDropped());
        Assert.Equal(Enumerable.Range(13, 8).Select(i => (ulong)i), Drain(slow).Select(e => e.Sequence));
        Assert.Equal(0, fast.TakeDropped());
    }

    [Fact]
    public void WatcherOfNamedInstances_SeesOnlyThose_AndDeletionEndsAnInstancesStream()
    {
        var hub = new StatsHub(new FakeTimeProvider());
        var watcher = hub.Subscribe(["a"], FromLatest);
        hub.PublishStats("b", Stats("1"));
        hub.PublishStats("a", Stats("1"));
        hub.PublishDeleted("a");
        var events = Drain(watcher);
        Assert.All(events, e => Assert.Equal("a", e.Instance));
        Assert.True(events[^1].Deleted);
        Assert.DoesNotContain("a", hub.Sequences().Keys);
        hub.Unsubscribe(watcher);
        Assert.True(watcher.Reader.Completion.IsCompleted);
    }
}
