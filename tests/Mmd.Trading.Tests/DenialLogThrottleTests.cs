using Mmd.Trading.Engine;
using Mmd.Trading.Risk;

namespace Mmd.Trading.Tests;

public class DenialLogThrottleTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-23T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void TheFirstDenialOfAReason_IsLogged_ThenOneEveryTenSeconds_WithHowManyWereLeftOut()
    {
        var throttle = new DenialLogThrottle();
        Assert.True(throttle.ShouldLog(DenyReason.OrderRate, T0, out var leftOut));
        Assert.Equal(0, leftOut);
        for (var i = 1; i <= 5; i++) Assert.False(throttle.ShouldLog(DenyReason.OrderRate, T0.AddSeconds(i), out _));
        // Another reason is not held back by the first.
        Assert.True(throttle.ShouldLog(DenyReason.MaxPosition, T0.AddSeconds(5), out leftOut));
        Assert.Equal(0, leftOut);
        Assert.False(throttle.ShouldLog(DenyReason.OrderRate, T0.AddSeconds(9.999), out _));
        Assert.True(throttle.ShouldLog(DenyReason.OrderRate, T0.AddSeconds(10), out leftOut));
        Assert.Equal(6, leftOut);
        Assert.True(throttle.ShouldLog(DenyReason.OrderRate, T0.AddSeconds(25), out leftOut));
        Assert.Equal(0, leftOut);
    }

    [Fact]
    public void DenialsLeftOutOfABurstThatStopped_AreReportedOnceThePeriodIsOver()
    {
        var throttle = new DenialLogThrottle();
        Assert.True(throttle.ShouldLog(DenyReason.OrderRate, T0, out _));
        for (var i = 0; i < 51; i++) Assert.False(throttle.ShouldLog(DenyReason.OrderRate, T0.AddMilliseconds(i), out _));
        Assert.Empty(throttle.TakeOverdue(T0.AddSeconds(9)));
        Assert.Equal([(DenyReason.OrderRate, 51L, TimeSpan.FromSeconds(10))], throttle.TakeOverdue(T0.AddSeconds(10)));
        Assert.Empty(throttle.TakeOverdue(T0.AddSeconds(30))); // told once
        Assert.False(throttle.ShouldLog(DenyReason.OrderRate, T0.AddSeconds(15), out _)); // and still one line a period
        Assert.True(throttle.ShouldLog(DenyReason.OrderRate, T0.AddSeconds(20), out var leftOut));
        Assert.Equal(1, leftOut);
    }

    [Fact]
    public void AtTheEndOfARun_EveryDenialLeftOut_IsReported_WithinThePeriodToo()
    {
        // A stop 3 s into a burst: its denials were counted in the final stats and told nowhere.
        var throttle = new DenialLogThrottle();
        Assert.True(throttle.ShouldLog(DenyReason.OrderRate, T0, out _));
        for (var i = 0; i < 132; i++) Assert.False(throttle.ShouldLog(DenyReason.OrderRate, T0.AddMilliseconds(20 * i), out _));
        Assert.True(throttle.ShouldLog(DenyReason.MaxPosition, T0.AddSeconds(1), out _)); // logged, none left out
        Assert.Empty(throttle.TakeOverdue(T0.AddSeconds(3)));
        Assert.Equal([(DenyReason.OrderRate, 132L, TimeSpan.FromSeconds(3))], throttle.TakeOverdue(T0.AddSeconds(3), end: true));
    }
}
