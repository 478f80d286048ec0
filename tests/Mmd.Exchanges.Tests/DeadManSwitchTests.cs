using Microsoft.Extensions.Time.Testing;
using Mmd.Exchanges.Shared;
using Mmd.TestKit;
using Mmd.Trading.Execution;

namespace Mmd.Exchanges.Tests;

/// <summary>The switch's own rules on a clock only the test moves; the venues' switches are tested on their emulators.</summary>
public sealed class DeadManSwitchTests
{
    private static readonly TimeSpan Countdown = TimeSpan.FromMinutes(6);

    /// <summary>A venue that records what it is asked, and refuses or fails while told to.</summary>
    private sealed class Venue
    {
        public List<(string Call, string Scope, DateTimeOffset At)> Calls { get; } = [];
        public Exception? Next { get; set; }
        public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 4, 22, 0, 0, TimeSpan.Zero));

        public DeadManSwitchVenue Port => new(
            (scope, countdown, _) => Answer("arm", scope),
            (scope, _) => Answer("disarm", scope),
            e => e is InvalidOperationException,
            e => e is InvalidOperationException or HttpRequestException);

        private async Task Answer(string call, string scope)
        {
            lock (Calls) Calls.Add((call, scope, Time.GetUtcNow()));
            var failure = Next;
            await Task.Yield(); // answered later, as over the network
            if (failure is not null) throw failure;
        }

        public int Count(string call) { lock (Calls) return Calls.Count(c => c.Call == call); }
    }

    [Fact]
    public async Task ZeroCountdown_NeverAsksTheVenue()
    {
        var venue = new Venue();
        await using (var off = new DeadManSwitch(venue.Port, TimeSpan.Zero, venue.Time))
        {
            await off.ArmAsync("SOL", default).DefaultTimeout();
            venue.Time.Advance(TimeSpan.FromHours(1));
            Assert.Null(off.Status); // off: nothing to show
        }
        Assert.Empty(venue.Calls);
    }

    [Fact]
    public async Task ArmedOncePerScope_RenewedEveryThirdOfTheCountdown_AndTurnedOffInEveryScopeByTheStop()
    {
        var venue = new Venue();
        var armed = new DeadManSwitch(venue.Port, Countdown, venue.Time);
        await Task.WhenAll(armed.ArmAsync("SOL", default), armed.ArmAsync("SOL", default), armed.ArmAsync("ETH", default)).DefaultTimeout();
        Assert.Equal(2, venue.Count("arm")); // one a scope, however many orders ask at once
        await armed.ArmAsync("SOL", default).DefaultTimeout();
        Assert.Equal(2, venue.Count("arm"));

        venue.Time.Advance(Countdown / 3 - TimeSpan.FromSeconds(1));
        Assert.Equal(2, venue.Count("arm"));
        venue.Time.Advance(TimeSpan.FromSeconds(1));
        await Until.TrueAsync(() => armed.Status!.Renewals == 2, "both scopes renewed a third of the countdown on");
        venue.Time.Advance(Countdown / 3);
        await Until.TrueAsync(() => armed.Status!.Renewals == 4, "and again");
        Assert.Equal(6, venue.Count("arm"));

        await armed.DisposeAsync();
        Assert.Equal(["ETH", "SOL"], venue.Calls.Where(c => c.Call == "disarm").Select(c => c.Scope).Order());
        venue.Time.Advance(Countdown * 2);
        Assert.Equal(6, venue.Count("arm")); // nothing renews after the stop
    }

    [Fact]
    public async Task AFailedRenewal_IsCounted_KeepsTheDeadlineOfTheLastTaken_AndIsTriedAgain10sLater()
    {
        var venue = new Venue();
        await using var armed = new DeadManSwitch(venue.Port, Countdown, venue.Time);
        Assert.Equal(new DeadManSwitchStatus(Countdown, false, 0, 0, 0, null), armed.Status); // on, not armed before the first order
        var armedAt = venue.Time.GetUtcNow();
        await armed.ArmAsync("account", default).DefaultTimeout();
        Assert.Equal(new DeadManSwitchStatus(Countdown, true, 0, 0, 0, armedAt), armed.Status);
        Assert.Equal(armedAt + Countdown, armed.Status!.Deadline);

        venue.Next = new HttpRequestException("cut off");
        venue.Time.Advance(Countdown / 3);
        await Until.TrueAsync(() => armed.Status!.FailedRenewals == 1, "the renewal fails");
        venue.Time.Advance(DeadManSwitch.RetryAfterFailure);
        await Until.TrueAsync(() => armed.Status!.FailedRenewals == 2, "and is tried again 10 s later, not a third of the countdown");
        // Two in a row failed: the deadline is still the arming's.
        Assert.Equal(new DeadManSwitchStatus(Countdown, true, 0, 2, 2, armedAt), armed.Status);
        venue.Next = null;
        venue.Time.Advance(DeadManSwitch.RetryAfterFailure);
        await Until.TrueAsync(() => armed.Status!.Renewals == 1, "the third gets through");
        Assert.Equal(new DeadManSwitchStatus(Countdown, true, 1, 2, 0, venue.Time.GetUtcNow()), armed.Status);
        // Back to a third of the countdown.
        venue.Time.Advance(Countdown / 3 - TimeSpan.FromSeconds(1));
        Assert.Equal(1, armed.Status!.Renewals);
        venue.Time.Advance(TimeSpan.FromSeconds(1));
        await Until.TrueAsync(() => armed.Status!.Renewals == 2, "the next renewal, a third of the countdown on");
    }

    [Fact]
    public async Task ARefusedArming_FailsTheOrderThatAsked_IsTriedAgainByTheNext_AndIsNotTurnedOff()
    {
        var venue = new Venue { Next = new InvalidOperationException("refused") };
        var armed = new DeadManSwitch(venue.Port, Countdown, venue.Time);
        await Assert.ThrowsAsync<InvalidOperationException>(() => armed.ArmAsync("account", default).DefaultTimeout());
        await Assert.ThrowsAsync<InvalidOperationException>(() => armed.ArmAsync("account", default).DefaultTimeout());
        Assert.Equal(2, venue.Count("arm")); // a refusal is not remembered: each order asks the venue again
        venue.Time.Advance(Countdown);
        Assert.Equal(2, venue.Count("arm")); // and nothing was armed, so nothing renews
        await armed.DisposeAsync();
        Assert.Equal(0, venue.Count("disarm"));
    }
}
