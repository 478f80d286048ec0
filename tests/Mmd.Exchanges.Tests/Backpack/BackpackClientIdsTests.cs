using Mmd.Exchanges.Backpack;
using Mmd.Trading.Orders;

namespace Mmd.Exchanges.Tests.Backpack;

public class BackpackClientIdsTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_790_000_000);

    [Fact]
    public void Ids_CarryTheTag_RoundTrip_AndAreOwnedByTheInstanceOnly()
    {
        var a = new BackpackClientIds("mm-a", 5, Start);
        var ids = ClientOrderIds.FromNumbers("mm-a", a.Next, a.ContinueAfter);
        var id = ids.Next();
        Assert.True(ClientOrderIds.IsOwnedBy(id, "mm-a"));
        var wire = a.ToWire(id)!.Value;
        Assert.Equal(5u, wire >> BackpackClientIds.CounterBits);
        Assert.Equal(id, a.FromWire(wire));
    }

    [Fact]
    public void AnotherInstancesNumber_IsNeverOurs_NorAnyInstancesByPrefix()
    {
        var a = new BackpackClientIds("mm-a", 5, Start);
        var b = new BackpackClientIds("mm-b", 6, Start);
        var theirs = (uint)b.Next();
        Assert.False(a.IsOurs(theirs));
        var seenByA = a.FromWire(theirs)!;
        Assert.False(ClientOrderIds.IsOwnedBy(seenByA, "mm-a"));
        Assert.False(ClientOrderIds.IsOwnedBy(seenByA, "mm-b"));
        Assert.Null(a.ToWire("mm-b_" + theirs)); // b's string id can never be sent by a
        Assert.Null(a.FromWire(0));
        Assert.Null(a.FromWire(null));
        Assert.False(a.IsOurs(5u << BackpackClientIds.CounterBits)); // counter 0 is never used
    }

    [Fact]
    public void Next_SkipsNumbersStillOpen_AndWrapsWithinTheTag()
    {
        var a = new BackpackClientIds("mm-a", BackpackClientIds.MaxTag, Start);
        var first = (uint)a.Next();
        var probe = new BackpackClientIds("mm-a", BackpackClientIds.MaxTag, Start);
        probe.NoteOpen([first, first + 1]);
        Assert.Equal(first + 2, (uint)probe.Next());
        var seen = new HashSet<long>();
        for (var i = 0; i < (1 << BackpackClientIds.CounterBits) + 10; i++)
        {
            var id = a.Next();
            Assert.Equal(BackpackClientIds.MaxTag, (uint)id >> BackpackClientIds.CounterBits);
            if (i < (1 << BackpackClientIds.CounterBits) - 1) Assert.True(seen.Add(id));
        }
    }

    [Fact]
    public void ConsecutiveRuns_StartApart()
    {
        var first = new BackpackClientIds("mm-a", 5, Start).Next();
        var next = new BackpackClientIds("mm-a", 5, Start.AddMinutes(10)).Next();
        Assert.Equal(10 * 60 * 16, next - first);
    }

    [Fact]
    public void ARun_NumbersOnFromTheLastNumberAnEarlierRunUsed_NotFromItsStartTime()
    {
        // The earlier run ordered faster than 16 a second: its last number is ahead of where the clock puts the next run.
        var earlier = new BackpackClientIds("mm-a", 5, Start);
        var ids = ClientOrderIds.FromNumbers("mm-a", earlier.Next, earlier.ContinueAfter);
        string last = "";
        for (var i = 0; i < 100; i++) last = ids.Next();
        var next = new BackpackClientIds("mm-a", 5, Start.AddSeconds(2));
        var nextIds = ClientOrderIds.FromNumbers("mm-a", next.Next, next.ContinueAfter);
        nextIds.ContinueAfter(last);
        Assert.Equal(earlier.ToWire(last)!.Value + 1L, next.ToWire(nextIds.Next())!.Value);

        // Without it, the clock's start would have handed out the earlier run's numbers again.
        var byClock = new BackpackClientIds("mm-a", 5, Start.AddSeconds(2));
        Assert.True(byClock.Next() <= earlier.ToWire(last)!.Value);
    }

    [Fact]
    public void ContinueAfter_GoesRound_IgnoresAnotherTagsNumber_AndCannotMoveARunThatHasNumbered()
    {
        var top = (5L << BackpackClientIds.CounterBits) | ((1L << BackpackClientIds.CounterBits) - 1);
        var a = new BackpackClientIds("mm-a", 5, Start);
        a.ContinueAfter("mm-a_" + top);
        Assert.Equal((5L << BackpackClientIds.CounterBits) | 1, a.Next()); // round to 1: counter 0 is never used

        var b = new BackpackClientIds("mm-a", 5, Start);
        var byClock = new BackpackClientIds("mm-a", 5, Start).Next();
        b.ContinueAfter("mm-a_" + ((6L << BackpackClientIds.CounterBits) | 42)); // the tag was changed since: not ours
        Assert.Equal(byClock, b.Next());
        b.ContinueAfter("mm-a_" + ((5L << BackpackClientIds.CounterBits) | 42)); // too late: this run numbers on from its own
        Assert.Equal(byClock + 1, b.Next());

        // A string id that is not a number of ours changes nothing either.
        var c = new BackpackClientIds("mm-a", 5, Start);
        var ids = ClientOrderIds.FromNumbers("mm-a", c.Next, c.ContinueAfter);
        ids.ContinueAfter("mm-b_" + ((5L << BackpackClientIds.CounterBits) | 42));
        ids.ContinueAfter("mm-a_lqz3k1");
        ids.ContinueAfter(null);
        Assert.Equal("mm-a_" + byClock, ids.Next());
    }

    [Fact]
    public void DefaultTag_IsStable_AndInRange()
    {
        Assert.Equal(BackpackClientIds.DefaultTag("mm"), BackpackClientIds.DefaultTag("mm"));
        Assert.All(Enumerable.Range(0, 2000).Select(i => BackpackClientIds.DefaultTag($"i{i}")), t => Assert.InRange(t, 1u, BackpackClientIds.MaxTag));
    }
}
