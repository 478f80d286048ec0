using GrpcMM.Protos.V1;
using Mmd.Alerts;

namespace Mmd.Daemon.Tests.Alerts;

/// <summary>The alert rules: a condition is said when it begins, again while it lasts, and when it ends; restarts are events.</summary>
public sealed class AlertConditionsTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-12-06T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private readonly AlertConditions _rules = new(unhealthyAfter: TimeSpan.FromSeconds(60), repeatAfter: TimeSpan.FromMinutes(60));

    private static Instance Running(string name = "bot", uint restarts = 0, uint failures = 0) => new()
    {
        Name = name, DesiredState = DesiredState.Running, State = InstanceState.Running, Pid = 100, Restarts = restarts, ConsecutiveFailures = failures,
        Health = new InstanceHealth { Healthy = true }, LastExitReason = "killed by signal 9",
    };

    private IReadOnlyList<Alert> At(int seconds, params Instance[] instances) =>
        _rules.Evaluate([.. instances.Select(i => new InstanceFacts(i, false))], null, T0.AddSeconds(seconds));

    [Fact]
    public void ACrashLoop_IsSaidOnce_AgainAfterTheRepeatTime_AndWhenItEnds()
    {
        Assert.Empty(At(0, Running()));
        var looping = Running(restarts: 2, failures: 2);
        looping.State = InstanceState.Backoff;
        var begun = Assert.Single(At(1, looping));
        Assert.Equal((AlertLevel.Critical, "bot", "crash_loop", "crash loop: 2 failures in a row; the last: killed by signal 9"),
            (begun.Level, begun.Instance, begun.Condition, begun.Message));
        looping.State = InstanceState.Starting; // between two tries it is still a crash loop: nothing new
        Assert.Empty(At(2, looping));
        Assert.Empty(At(3599, looping));
        Assert.Equal("still: crash loop: 2 failures in a row; the last: killed by signal 9", Assert.Single(At(3601, looping)).Message);

        var ended = Assert.Single(At(3700, Running(restarts: 2, failures: 0)));
        Assert.Equal((AlertLevel.Resolved, "crash_loop"), (ended.Level, ended.Condition));
        Assert.StartsWith("resolved: crash loop", ended.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WhatHoldsNow_IsEachConditionSinceItBegan_AsItIsNow_CriticalFirst_UntilItEnds()
    {
        var sick = Running("b");
        sick.Health = new InstanceHealth { Healthy = false, Problem = "market data stale" };
        At(0, sick);
        At(60, sick); // unhealthy from here on (a warning)
        var looping = Running("a", restarts: 2, failures: 2);
        looping.State = InstanceState.Backoff;
        At(61, looping, sick);
        looping.ConsecutiveFailures = 3;
        At(62, looping, sick); // the crash loop goes on: no new alert, but what it is now
        Assert.Equal([
            (AlertLevel.Critical, "a", "crash_loop", "crash loop: 3 failures in a row; the last: killed by signal 9", T0.AddSeconds(61)),
            (AlertLevel.Warning, "b", "unhealthy", "unhealthy for 62 s: market data stale", T0.AddSeconds(60)),
        ], _rules.Holding().Select(h => (h.Level, h.Instance, h.Condition, h.Message, h.Since)));

        At(63, Running("a", restarts: 2), sick);
        Assert.Equal(["unhealthy"], _rules.Holding().Select(h => h.Condition));
        At(64, Running("a", restarts: 2), Running("b"));
        Assert.Empty(_rules.Holding());
    }

    [Fact]
    public void AWorkerQuotingNothing_IsSaidAfterItsGrace_NotWhenPausedOrHalted_AndResolvedOnceItQuotes()
    {
        var rules = new AlertConditions(TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(60), notQuotingAfter: TimeSpan.FromSeconds(300));
        IReadOnlyList<Alert> At(int seconds, Instance i) => rules.Evaluate([new InstanceFacts(i, false)], null, T0.AddSeconds(seconds));
        Instance With(InstanceStats stats) { var i = Running(); i.Stats = stats; return i; }
        var bare = new InstanceStats { OrdersRejected = 12 };

        Assert.Empty(At(0, With(bare)));
        Assert.Empty(At(299, With(bare)));
        var said = Assert.Single(At(300, With(bare)));
        Assert.Equal((AlertLevel.Warning, "not_quoting", "quoting nothing for 300 s: no order of its own on the book; 12 refused by the venue since its worker started"),
            (said.Level, said.Condition, said.Message));
        var resolved = Assert.Single(At(301, With(new InstanceStats { OpenBuyOrders = 1 })));
        Assert.Equal((AlertLevel.Resolved, "not_quoting"), (resolved.Level, resolved.Condition));

        // Nothing on the book for a reason it was given: paused by the operator, the kill switch, the daily loss halt.
        foreach (var meant in new[] { new InstanceStats { QuotingPaused = true }, new InstanceStats { KillSwitchTripped = true }, new InstanceStats { DailyLossHalt = "net -60 < -50 today" } })
        {
            Assert.DoesNotContain(At(400, With(meant)), a => a.Condition == "not_quoting");
            Assert.DoesNotContain(At(800, With(meant)), a => a.Condition == "not_quoting");
        }
        // A worker not running yet (no stats) is not counted either; and zero turns the rule off.
        Assert.DoesNotContain(At(900, Running()), a => a.Condition == "not_quoting");
        var off = new AlertConditions(TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(60));
        Assert.Empty(off.Evaluate([new InstanceFacts(With(bare), false)], null, T0));
        Assert.Empty(off.Evaluate([new InstanceFacts(With(bare), false)], null, T0.AddDays(1)));
    }

    [Fact]
    public void ARestart_IsSaidWhenTheCountGrows_AtMostOnceAnHour_TheNextCountingThoseBetween_AndNotInACrashLoop()
    {
        Assert.Empty(At(0, Running(restarts: 3))); // the count the daemon found: no alert for the past
        var first = Assert.Single(At(1, Running(restarts: 4)));
        Assert.Equal((AlertLevel.Warning, "restarted", "its worker was restarted (restart 4): killed by signal 9"), (first.Level, first.Condition, first.Message));
        Assert.Empty(At(60, Running(restarts: 5)));
        Assert.Empty(At(120, Running(restarts: 6)));
        Assert.Equal("its worker was restarted (restart 7): killed by signal 9; 2 more restarts since the last alert", Assert.Single(At(3700, Running(restarts: 7))).Message);
        Assert.Empty(At(3800, Running(restarts: 0))); // an operator's start begins the count again
        Assert.DoesNotContain(At(7400, Running(restarts: 1, failures: 2)), a => a.Condition == "restarted");
    }

    [Fact]
    public void AnUnhealthyWorker_IsSaidAfterItsGrace_TheKillSwitchAndDailyLossWhileAWorkerRuns()
    {
        var sick = Running();
        sick.Health = new InstanceHealth { Healthy = false, Problem = "market data stale" };
        Assert.Empty(At(0, sick));
        Assert.Empty(At(59, sick));
        var unhealthy = Assert.Single(At(60, sick));
        Assert.Equal((AlertLevel.Warning, "unhealthy", "unhealthy for 60 s: market data stale"), (unhealthy.Level, unhealthy.Condition, unhealthy.Message));
        Assert.Equal(AlertLevel.Resolved, Assert.Single(At(61, Running())).Level);

        var tripped = Running();
        tripped.Stats = new InstanceStats { KillSwitchTripped = true, KillSwitchReason = "drawdown 12.5 > 10", DailyLossHalt = "net -60 < -50 today" };
        var alerts = At(70, tripped);
        Assert.Equal([("kill_switch", "kill switch tripped: drawdown 12.5 > 10"), ("daily_loss_halt", "daily loss halt: net -60 < -50 today")],
            alerts.Select(a => (a.Condition, a.Message)));
        Assert.All(alerts, a => Assert.Equal(AlertLevel.Critical, a.Level));
        // A venue's dead-man's switch pushed back in vain twice running: the venue is about to cancel the quotes.
        tripped.Stats.DeadManSwitch = new DeadManSwitchFigures { Armed = true, ConsecutiveFailures = 1, Deadline = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(T0.AddSeconds(100)) };
        Assert.Empty(At(71, tripped));
        tripped.Stats.DeadManSwitch.ConsecutiveFailures = 2;
        var dms = Assert.Single(At(72, tripped));
        Assert.Equal((AlertLevel.Critical, "dead_man_switch",
            "the venue's dead-man's switch was not pushed back 2 times in a row: it cancels the orders at 2026-12-06 08:01:40Z unless a push gets through"),
            (dms.Level, dms.Condition, dms.Message));
        tripped.Stats.DeadManSwitch.ConsecutiveFailures = 0;
        var pushed = Assert.Single(At(73, tripped));
        Assert.Equal((AlertLevel.Resolved, "dead_man_switch"), (pushed.Level, pushed.Condition));
        tripped.Pid = 0; // stopped: the stats stay, the halt is over
        tripped.State = InstanceState.Stopped;
        Assert.All(At(80, tripped), a => Assert.Equal(AlertLevel.Resolved, a.Level));
    }

    [Fact]
    public void AFailedWorker_WithItsBookUnconfirmed_IsTwoCriticals_AndADeletedInstanceGoesSilently()
    {
        var failed = Running();
        (failed.State, failed.Pid) = (InstanceState.Failed, 0);
        var alerts = _rules.Evaluate([new InstanceFacts(failed, BookUnconfirmed: true)], null, T0);
        Assert.Equal(["failed", "orders_unconfirmed"], alerts.Select(a => a.Condition));
        Assert.Equal("its worker failed and its restart policy does not restart it: killed by signal 9", alerts[0].Message);
        Assert.Contains("no worker confirmed that none of its orders is left on the venue", alerts[1].Message, StringComparison.Ordinal);
        Assert.Empty(_rules.Evaluate([], null, T0.AddSeconds(1)));
    }

    [Fact]
    public void AFailingResourceCheck_IsTheDaemons_AndStandsWhileTheChecksAreNotRead()
    {
        ResourceCheck Disk(bool ok) => new() { Name = "disk_free_mb (state dir)", Value = ok ? "9000" : "100", Threshold = ">= 512", Ok = ok };
        var low = Assert.Single(_rules.Evaluate([], [Disk(false)], T0));
        Assert.Equal((AlertLevel.Warning, null, "resource", "disk_free_mb (state dir) is 100, wants >= 512"), (low.Level, low.Instance, low.Condition, low.Message));
        Assert.Empty(_rules.Evaluate([], null, T0.AddSeconds(1)));
        Assert.Equal(AlertLevel.Resolved, Assert.Single(_rules.Evaluate([], [Disk(true)], T0.AddSeconds(10))).Level);
    }

    private static Instance WithCapital(string name, string venue, string allotted, string traded, string account)
    {
        var i = Running(name);
        i.Spec = new InstanceSpec { Name = name, Venue = venue };
        i.Stats = new InstanceStats();
        i.Stats.Capital.Add(new CapitalFigures { Asset = "USDC", Allotted = allotted, Traded = traded, Account = account });
        return i;
    }

    [Fact]
    public void InstancesOnOneAccount_CountingOnMoreOfAnAssetThanItHolds_AreSaid_UntilTheyNoLongerDo()
    {
        var ga = WithCapital("ga", "backpack", "6000", "0", "10000");
        var gb = WithCapital("gb", "backpack", "4500", "-100", "9990");
        var alone = WithCapital("gc", "", "20000", "0", "10000"); // its own paper account: the status says it holds less
        var overlap = Assert.Single(At(0, ga, gb, alone));
        Assert.Equal((AlertLevel.Warning, (string?)null, "capital_overlap",
            "the instances on backpack given USDC count on 10400 of it together (ga 6000, gb 4400); the account holds 10000: each may use what another counts on"),
            (overlap.Level, overlap.Instance, overlap.Condition, overlap.Message));
        Assert.Empty(At(1, ga, gb, alone));

        var smaller = WithCapital("gb", "backpack", "3900", "-100", "9990");
        var resolved = Assert.Single(At(2, ga, smaller, alone));
        Assert.Equal((AlertLevel.Resolved, "capital_overlap"), (resolved.Level, resolved.Condition));
        // Two on separate paper accounts share nothing.
        Assert.Empty(At(3, WithCapital("pa", "paper", "8000", "0", "10000"), WithCapital("pb", "paper", "8000", "0", "10000")));
    }
}
