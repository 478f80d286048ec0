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
        var ids = ClientOrderIds.FromNumbers("mm-a", a.Next);
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
    public void DefaultTag_IsStable_AndInRange()
    {
        Assert.Equal(BackpackClientIds.DefaultTag("mm"), BackpackClientIds.DefaultTag("mm"));
        Assert.All(Enumerable.Range(0, 2000).Select(i => BackpackClientIds.DefaultTag($"i{i}")), t => Assert.InRange(t, 1u, BackpackClientIds.MaxTag));
    }
}
