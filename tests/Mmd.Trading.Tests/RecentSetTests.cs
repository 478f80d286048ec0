using Mmd.Trading.Collections;

namespace Mmd.Trading.Tests;

public sealed class RecentSetTests
{
    [Fact]
    public void PastItsCapacity_TheOldestIsForgotten_AndARepeatIsRefusedOnlyWhileRemembered()
    {
        var set = new RecentSet<string>(2, StringComparer.Ordinal);
        Assert.True(set.Add("a"));
        Assert.False(set.Add("a")); // a repeat
        Assert.True(set.Add("b"));
        Assert.True(set.Add("c")); // "a" is forgotten
        Assert.Equal([false, true, true], new[] { "a", "b", "c" }.Select(set.Contains));
        Assert.False(set.Add("b"));
        Assert.True(set.Add("a")); // new again; "b" goes
        Assert.Equal([true, false, true], new[] { "a", "b", "c" }.Select(set.Contains));
    }
}
