using Microsoft.Extensions.Time.Testing;
using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Risk;

namespace Mmd.Trading.Tests;

public class RiskEngineTests
{
    private static PlaceOrderRequest Order(Side side, decimal price, decimal qty, bool reduceOnly = false) =>
        new("SOL_USDC", "mm_1", side, OrderType.Limit, TimeInForce.Gtc, price, qty, PostOnly: true, ReduceOnly: reduceOnly);

    private static RiskContext Context(decimal position = 0, decimal openBuys = 0, decimal openSells = 0) => new(100m, position, openBuys, openSells);

    [Fact]
    public void MaxPosition_CountsOpenOrders_AndDenies()
    {
        var risk = new RiskEngine(new RiskLimits { MaxPosition = 5m }, new FakeTimeProvider());
        Assert.True(risk.Check(Order(Side.Buy, 100m, 2m), Context(position: 2m)).Allowed);
        var denied = risk.Check(Order(Side.Buy, 100m, 2m), Context(position: 2m, openBuys: 2m));
        Assert.Equal(DenyReason.MaxPosition, denied.Reason);
        Assert.Equal(1, risk.DeniedCount(DenyReason.MaxPosition));
    }

    [Fact]
    public void MaxPosition_AllowsReducingOrders()
    {
        var risk = new RiskEngine(new RiskLimits { MaxPosition = 5m }, new FakeTimeProvider());
        Assert.True(risk.Check(Order(Side.Sell, 100m, 2m), Context(position: 8m)).Allowed);
    }

    [Fact]
    public void MaxOrderNotional_Denies()
    {
        var risk = new RiskEngine(new RiskLimits { MaxOrderNotional = 1000m }, new FakeTimeProvider());
        Assert.Equal(DenyReason.MaxOrderNotional, risk.Check(Order(Side.Buy, 100m, 11m), Context()).Reason);
    }

    [Fact]
    public void PriceBand_DeniesFarFromMid()
    {
        var risk = new RiskEngine(new RiskLimits { PriceBandPct = 5m }, new FakeTimeProvider());
        Assert.True(risk.Check(Order(Side.Buy, 95.5m, 1m), Context()).Allowed);
        Assert.Equal(DenyReason.PriceBand, risk.Check(Order(Side.Buy, 94m, 1m), Context()).Reason);
    }

    [Fact]
    public void OrderRate_SlidingWindow_KeepsAQuarterForProtectiveOrders()
    {
        var time = new FakeTimeProvider();
        var risk = new RiskEngine(new RiskLimits { MaxOrdersPerSecond = 4 }, time);
        for (var i = 0; i < 3; i++) Assert.True(risk.Check(Order(Side.Buy, 100m, 1m), Context()).Allowed);
        var quote = risk.Check(Order(Side.Buy, 100m, 1m), Context());
        Assert.Equal((DenyReason.OrderRate, "more than 3 orders in one second (1 of the 4 kept for hedges and closes)"), (quote.Reason, quote.Detail));
        // The hedge of a fill takes the place the quotes left; it counts, so the next one finds the window full.
        Assert.True(risk.Check(Order(Side.Sell, 100m, 1m), Context(), OrderPurpose.Hedge).Allowed);
        Assert.Equal(DenyReason.OrderRate, risk.Check(Order(Side.Sell, 100m, 1m), Context(), OrderPurpose.Hedge).Reason);
        Assert.Equal(DenyReason.OrderRate, risk.Check(Order(Side.Sell, 100m, 1m, reduceOnly: true), Context(position: 5m)).Reason);
        Assert.Equal(3, risk.DeniedCount(DenyReason.OrderRate));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(risk.Check(Order(Side.Buy, 100m, 1m), Context()).Allowed);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 1)]
    [InlineData(20, 5)]
    [InlineData(100, 25)]
    public void ProtectiveReserve_IsAQuarterOfTheRate_AtLeastOne_FromTwoASecond(int perSecond, int reserve) =>
        Assert.Equal(reserve, new RiskEngine(new RiskLimits { MaxOrdersPerSecond = perSecond }, new FakeTimeProvider()).ProtectiveReserve);

    [Fact]
    public void OrderRate_OfOne_LeavesQuotesTheWholeRate()
    {
        var risk = new RiskEngine(new RiskLimits { MaxOrdersPerSecond = 1 }, new FakeTimeProvider());
        Assert.True(risk.Check(Order(Side.Buy, 100m, 1m), Context()).Allowed);
        Assert.Equal(DenyReason.OrderRate, risk.Check(Order(Side.Sell, 100m, 1m), Context(), OrderPurpose.Hedge).Reason);
    }

    [Fact]
    public void DailyLoss_CountsFromTheDaysFirstObservation_HaltsForTheRestOfTheUtcDay_AndTheNextDayStartsAfresh()
    {
        var noon = DateTimeOffset.Parse("2026-11-23T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var risk = new RiskEngine(new RiskLimits { MaxDailyLoss = 50m }, new FakeTimeProvider(noon));
        risk.ObserveCumulativeNetPnl(noon, 200m); // the day's start: the instance is 200 up since it began
        risk.ObserveCumulativeNetPnl(noon.AddHours(1), 151m);
        Assert.Equal((-49m, null), (risk.TodayNetPnl, risk.DailyLossHalt));
        risk.ObserveCumulativeNetPnl(noon.AddHours(2), 150m);
        Assert.Equal("today's net PnL -50 reached the daily loss limit of 50; quoting resumes at 00:00 UTC", risk.DailyLossHalt);
        Assert.Equal(DenyReason.DailyLoss, risk.Check(Order(Side.Buy, 100m, 1m), Context()).Reason);
        Assert.True(risk.Check(Order(Side.Sell, 100m, 1m, reduceOnly: true), Context(position: 1m)).Allowed);
        Assert.True(risk.Check(Order(Side.Sell, 100m, 1m), Context(position: 1m), OrderPurpose.Hedge).Allowed);
        // A bounce within the day does not lift it: a circuit breaker, not a line to hover around.
        risk.ObserveCumulativeNetPnl(noon.AddHours(3), 199m);
        Assert.NotNull(risk.DailyLossHalt);

        risk.ObserveCumulativeNetPnl(noon.AddHours(12), 190m); // 00:00 UTC: a new day, counted from here
        Assert.Equal((new DayStart(new DateOnly(2026, 11, 24), 190m), 0m, null), (risk.DayStart, risk.TodayNetPnl, risk.DailyLossHalt));
        Assert.True(risk.Check(Order(Side.Buy, 100m, 1m), Context()).Allowed);

        // A restart within the day counts on from the start the last run saved, not from its own first look.
        var restarted = new RiskEngine(new RiskLimits { MaxDailyLoss = 50m }, new FakeTimeProvider(noon));
        restarted.RestoreDayStart(new DayStart(new DateOnly(2026, 11, 24), 190m));
        restarted.ObserveCumulativeNetPnl(noon.AddHours(13), 140m);
        Assert.Equal(-50m, restarted.TodayNetPnl);
        Assert.NotNull(restarted.DailyLossHalt);
        // Without a limit, today's figure is still kept (mmctl status shows it).
        var unlimited = new RiskEngine(new RiskLimits(), new FakeTimeProvider(noon));
        unlimited.ObserveCumulativeNetPnl(noon, 10m);
        unlimited.ObserveCumulativeNetPnl(noon.AddHours(1), -500m);
        Assert.Equal((-510m, null), (unlimited.TodayNetPnl, unlimited.DailyLossHalt));
    }

    [Fact]
    public void DailyLoss_TheOperatorLiftsAHalt_TheLimitCountsAfreshFromThen_TodayStillFromMidnight_AndARestartKeepsIt()
    {
        var noon = DateTimeOffset.Parse("2026-11-23T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var risk = new RiskEngine(new RiskLimits { MaxDailyLoss = 50m }, new FakeTimeProvider(noon));
        Assert.Equal("no daily loss halt to lift", risk.LiftDailyLossHalt());
        risk.ObserveCumulativeNetPnl(noon, 200m);
        Assert.Equal("no daily loss halt to lift", risk.LiftDailyLossHalt());
        risk.ObserveCumulativeNetPnl(noon.AddHours(1), 140m);
        Assert.NotNull(risk.DailyLossHalt);

        Assert.Null(risk.LiftDailyLossHalt());
        Assert.Equal((new DayStart(new DateOnly(2026, 11, 23), 200m, 140m), null, 0m), (risk.DayStart, risk.DailyLossHalt, risk.SinceHaltLifted));
        Assert.True(risk.Check(Order(Side.Buy, 100m, 1m), Context()).Allowed);
        risk.ObserveCumulativeNetPnl(noon.AddHours(2), 91m); // 49 more lost since the lift: today -109, under the limit since
        Assert.Equal((-109m, -49m, null), (risk.TodayNetPnl, risk.SinceHaltLifted, risk.DailyLossHalt));
        risk.ObserveCumulativeNetPnl(noon.AddHours(3), 90m);
        Assert.Equal("net PnL since the operator lifted the halt (-50) reached the daily loss limit of 50 again; quoting resumes at 00:00 UTC", risk.DailyLossHalt);

        // A restart the same day carries the lift with the day's start, so it is not halted again by the loss before it.
        var restarted = new RiskEngine(new RiskLimits { MaxDailyLoss = 50m }, new FakeTimeProvider(noon));
        restarted.RestoreDayStart(new DayStart(new DateOnly(2026, 11, 23), 200m, 140m));
        restarted.ObserveCumulativeNetPnl(noon.AddHours(2), 120m);
        Assert.Equal((-80m, -20m, null), (restarted.TodayNetPnl, restarted.SinceHaltLifted, restarted.DailyLossHalt));
        // The next day counts from its own start, with no lift.
        restarted.ObserveCumulativeNetPnl(noon.AddHours(12), 120m);
        Assert.Equal((new DayStart(new DateOnly(2026, 11, 24), 120m), null), (restarted.DayStart, restarted.SinceHaltLifted));
    }

    [Fact]
    public void KillSwitch_TripsOnDrawdownFromPeak_AndLatches()
    {
        var risk = new RiskEngine(new RiskLimits { MaxDrawdown = 50m }, new FakeTimeProvider());
        risk.ObserveNetPnl(100m);
        risk.ObserveNetPnl(60m);
        Assert.False(risk.KillSwitchTripped);
        risk.ObserveNetPnl(50m);
        Assert.True(risk.KillSwitchTripped);
        risk.ObserveNetPnl(200m);
        Assert.True(risk.KillSwitchTripped);
        Assert.Equal(DenyReason.KillSwitch, risk.Check(Order(Side.Buy, 100m, 1m), Context()).Reason);
        Assert.True(risk.Check(Order(Side.Sell, 100m, 1m, reduceOnly: true), Context(position: 1m)).Allowed);
        // A hedge of a fill already taken, and the stop's flattening, lower exposure too: they still go out.
        Assert.True(risk.Check(Order(Side.Sell, 100m, 1m), Context(position: 1m), OrderPurpose.Hedge).Allowed);
        Assert.True(risk.Check(Order(Side.Sell, 100m, 1m), Context(position: 1m), OrderPurpose.Flatten).Allowed);
        Assert.Equal(DenyReason.KillSwitch, risk.Check(Order(Side.Buy, 100m, 1m), Context(), OrderPurpose.Rebalance).Reason);
    }

    [Fact]
    public void NoPriceAndNoMid_Denied()
    {
        var risk = new RiskEngine(new RiskLimits(), new FakeTimeProvider());
        var market = new PlaceOrderRequest("SOL_USDC", "mm_1", Side.Buy, OrderType.Market, TimeInForce.Ioc, null, 1m);
        Assert.Equal(DenyReason.NoMarketData, risk.Check(market, new RiskContext(null, 0, 0, 0)).Reason);
    }
}
