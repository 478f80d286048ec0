using Microsoft.Extensions.Time.Testing;
using Mmd.Exchanges.Shared;
using Mmd.TestKit;
using Mmd.Trading.Execution;

namespace Mmd.Exchanges.Tests;

/// <summary>The client-side rate limit, on a fake clock: alone, and shared by the instances trading on one venue.</summary>
public class RequestGateTests
{
    private static readonly FakeTimeProvider Time = new();

    /// <summary>Queues <paramref name="count"/> requests and returns them, in order.</summary>
    private static List<Task> Queue(RequestGate gate, int count) =>
        Enumerable.Range(0, count).Select(_ => gate.WaitAsync(CancellationToken.None).AsTask()).ToList();

    /// <summary>
    /// Moves the clock on, then checks that exactly the first <paramref name="granted"/> requests were let through. The
    /// gate decides on the clock's thread; a waiter resumes on the thread pool, so the grants are awaited (a signal, not a
    /// pause), and the next request, refused at that moment or not, is given a moment to show an extra grant.
    /// </summary>
    private static async Task AssertGrantedAsync(FakeTimeProvider time, List<Task> requests, TimeSpan advance, int granted)
    {
        for (var t = TimeSpan.Zero; t < advance; t += TimeSpan.FromMilliseconds(10)) time.Advance(TimeSpan.FromMilliseconds(10));
        await Task.WhenAll(requests.Take(granted)).WaitAsync(TimeSpan.FromSeconds(10));
        if (granted < requests.Count) Assert.NotSame(requests[granted], await Task.WhenAny(requests[granted], Task.Delay(50)));
    }

    [Fact]
    public async Task Alone_TheBurstGoesAtOnce_ThenTheRate()
    {
        var time = new FakeTimeProvider();
        using var gate = new RequestGate(10, 10, time);
        var requests = Queue(gate, 40);
        await AssertGrantedAsync(time, requests, TimeSpan.Zero, 10);
        await AssertGrantedAsync(time, requests, TimeSpan.FromSeconds(1), 20);
    }

    [Fact]
    public async Task AnUrgentRequest_GoesBeforeTheRoutineOnesWaiting_ThenTheyCarryOnInTheirOrder()
    {
        // Lighter's reads, about one a second: a read that settles an order of ours (its state, a nonce) is not held behind
        // balance and history reads queued before it.
        var time = new FakeTimeProvider();
        using var gate = new RequestGate(1, 1, time);
        await gate.WaitAsync(CancellationToken.None); // the burst spent
        var routine = Queue(gate, 3);
        var urgent = new List<Task> { gate.WaitAsync(CancellationToken.None, urgent: true).AsTask(), gate.WaitAsync(CancellationToken.None, urgent: true).AsTask() };

        await AssertGrantedAsync(time, urgent, TimeSpan.FromSeconds(1), 1);
        Assert.DoesNotContain(routine, r => r.IsCompleted);
        await AssertGrantedAsync(time, urgent, TimeSpan.FromSeconds(1), 2);
        await AssertGrantedAsync(time, routine, TimeSpan.Zero, 0);
        await AssertGrantedAsync(time, routine, TimeSpan.FromSeconds(1), 1);
        await AssertGrantedAsync(time, routine, TimeSpan.FromSeconds(2), 3);
    }

    [Fact]
    public async Task AnUrgentRequest_TakesTheNextToken_ThoughARoutineOneWaitedForItFirst()
    {
        var time = new FakeTimeProvider();
        using var gate = new RequestGate(1, 2, time);
        await gate.WaitAsync(CancellationToken.None);
        await gate.WaitAsync(CancellationToken.None);
        var routine = Queue(gate, 1);
        time.Advance(TimeSpan.FromMilliseconds(999)); // not yet a token: the routine one waits
        Assert.False(routine[0].IsCompleted);
        var urgent = gate.WaitAsync(CancellationToken.None, urgent: true).AsTask();
        await AssertGrantedAsync(time, [urgent], TimeSpan.FromMilliseconds(1), 1); // the token goes to the urgent one
        Assert.False(routine[0].IsCompleted);
        await AssertGrantedAsync(time, routine, TimeSpan.FromSeconds(1), 1);
    }

    [Fact]
    public async Task SharedByTwo_HalfTheBurst_HalfTheRate_AndWaitersCarryOnInTheirOrder()
    {
        var time = new FakeTimeProvider();
        using var gate = new RequestGate(10, 10, time);
        var first = Queue(gate, 10);
        await AssertGrantedAsync(time, first, TimeSpan.Zero, 10); // the burst, alone

        var waiting = Queue(gate, 30);
        gate.Share(2);
        Assert.Equal(0.5, gate.Part);
        // The bucket is empty and stays so: no fresh burst with the change; then 5 a second. Nobody waiting was failed.
        await AssertGrantedAsync(time, waiting, TimeSpan.Zero, 0);
        await AssertGrantedAsync(time, waiting, TimeSpan.FromSeconds(1), 5);
        await AssertGrantedAsync(time, waiting, TimeSpan.FromSeconds(1), 10);
        Assert.DoesNotContain(waiting, r => r.IsFaulted);
        Assert.True(waiting.TakeWhile(r => r.IsCompleted).Count() == 10, "granted in the order they came");

        gate.Share(1); // the other instance stopped: the whole rate again
        await AssertGrantedAsync(time, waiting, TimeSpan.FromSeconds(1), 20);
    }

    [Fact]
    public async Task AWaiterCancelled_LeavesTheQueue_AndTheNextOneGoesInItsPlace()
    {
        var time = new FakeTimeProvider();
        using var gate = new RequestGate(1, 1, time);
        await gate.WaitAsync(CancellationToken.None); // the burst
        using var cancel = new CancellationTokenSource();
        var cancelled = gate.WaitAsync(cancel.Token).AsTask();
        var next = gate.WaitAsync(CancellationToken.None).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await AssertGrantedAsync(time, [next], TimeSpan.FromSeconds(1), 1);
    }

    [Fact]
    public async Task ARateBelowTheSharers_RefillsSlowerThanOneASecond_AndAWeightAboveTheSharedBurst_TakesTheWholeBucket()
    {
        var time = new FakeTimeProvider();
        using var gate = new RequestGate(1, 4, time); // Lighter's reads: one a second
        gate.Share(4);
        var first = gate.WaitAsync(CancellationToken.None, cost: 3).AsTask(); // the shared burst is 1: granted as 1
        await AssertGrantedAsync(time, [first], TimeSpan.Zero, 1);
        var next = Queue(gate, 2);
        await AssertGrantedAsync(time, next, TimeSpan.FromSeconds(3.9), 0);
        await AssertGrantedAsync(time, next, TimeSpan.FromSeconds(0.2), 1); // one every 4 s
    }

    [Fact]
    public async Task TheVenuesPause_IsTold_WhenItLengthensTheWait_AndAHoldForAnotherInstance_WaitsAsLong_WithoutTellingAgain()
    {
        var time = new FakeTimeProvider();
        using var gate = new RequestGate(10, 10, time);
        var told = new List<TimeSpan>();
        gate.VenuePaused += told.Add;
        gate.Pause(TimeSpan.FromSeconds(3));
        gate.Pause(TimeSpan.FromSeconds(1)); // within the pause already kept: nothing new to tell
        gate.Hold(TimeSpan.FromSeconds(5));  // another instance's: waited, not told
        Assert.Equal([TimeSpan.FromSeconds(3)], told);
        Assert.Equal(TimeSpan.FromSeconds(5), gate.PauseLeft());

        var request = gate.WaitAsync(CancellationToken.None).AsTask();
        await AssertGrantedAsync(time, [request], TimeSpan.FromSeconds(4.9), 0);
        await AssertGrantedAsync(time, [request], TimeSpan.FromSeconds(0.2), 1);
    }

    [Fact]
    public async Task AWaitingPlace_Withdrawn_EndsCancelledUnsent_AndTheRequestBehindItTakesItsToken()
    {
        var time = new FakeTimeProvider();
        using var gate = new RequestGate(1, 1, time);
        await gate.WaitAsync(CancellationToken.None); // the burst spent
        using var withdrawal = new PlaceWithdrawal();
        var place = gate.WaitAsync(CancellationToken.None, withdrawal: withdrawal).AsTask();
        var behind = Queue(gate, 1);

        Assert.True(withdrawal.TryWithdraw());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => place.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(withdrawal.Withdrawn);
        await AssertGrantedAsync(time, behind, TimeSpan.FromSeconds(1), 1); // the token the place would have had
    }

    [Fact]
    public async Task APlaceLetGo_CannotBeWithdrawn_NorOneNeverArmed()
    {
        var time = new FakeTimeProvider();
        using var gate = new RequestGate(1, 1, time);
        using var atOnce = new PlaceWithdrawal();
        await gate.WaitAsync(CancellationToken.None, withdrawal: atOnce); // the burst: it leaves at once
        Assert.False(atOnce.TryWithdraw());

        using var queued = new PlaceWithdrawal();
        var place = gate.WaitAsync(CancellationToken.None, withdrawal: queued).AsTask();
        await AssertGrantedAsync(time, [place], TimeSpan.FromSeconds(1), 1);
        Assert.False(queued.TryWithdraw());
        Assert.False(queued.Withdrawn);

        using var neverArmed = new PlaceWithdrawal(); // a connector that never hands it to its pacing
        Assert.False(neverArmed.TryWithdraw());
    }

    [Fact]
    public async Task APlaceWaitingOutTheVenuesPause_IsWithdrawnThere()
    {
        var time = new FakeTimeProvider();
        using var gate = new RequestGate(10, 10, time);
        gate.Pause(TimeSpan.FromSeconds(5));
        using var withdrawal = new PlaceWithdrawal();
        var place = gate.WaitAsync(CancellationToken.None, withdrawal: withdrawal).AsTask();
        Assert.True(withdrawal.TryWithdraw());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => place.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task APartSplitByDemand_TakesThatPartOfTheRateAndTheBurst()
    {
        var time = new FakeTimeProvider();
        using var gate = new RequestGate(8, 8, time);
        gate.SharePart(250_000); // a quarter: 2 a second, a burst of 2
        Assert.Equal(0.25, gate.Part);
        var requests = Queue(gate, 9);
        await AssertGrantedAsync(time, requests, TimeSpan.Zero, 2);
        await AssertGrantedAsync(time, requests, TimeSpan.FromSeconds(1), 4);
        gate.SharePart(500_000); // the quiet ones left more: 4 a second
        await AssertGrantedAsync(time, requests, TimeSpan.FromSeconds(1), 8);
    }

    [Fact]
    public async Task TheDemandTaken_IsWhatWasAskedAsAPartOfTheWholeRate_AndHowLongRequestsQueued()
    {
        var time = new FakeTimeProvider();
        using var gate = new RequestGate(10, 10, time);
        gate.Share(4); // 2.5 a second, a burst of 2
        var requests = Queue(gate, 5); // 2 at once, 3 queue for 1.2 s
        await AssertGrantedAsync(time, requests, TimeSpan.FromSeconds(2), 5);
        var (asked, queued) = gate.TakeDemand();
        Assert.Equal(5 / (10 * 2.0), asked, 6); // 5 tokens in 2 s of a 10-a-second limit
        Assert.Equal(0.6, queued, 2);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((0.0, 0.0), gate.TakeDemand()); // nothing asked since
    }

    [Fact]
    public async Task AShortWait_CountsAsQueued_OnlyForAProcessWhosePartWasCutBelowEven()
    {
        // A request waits 0.1 s in a second: held back by its part only when that part was cut for asking little (a grid
        // whose levels fill says so at its next report); otherwise it takes a fifth of the time.
        async Task<RequestGates> OneShortWaitAsync(FakeTimeProvider time)
        {
            var gate = new RequestGate(10, 1, time);
            await gate.WaitAsync(CancellationToken.None);
            var waiting = Queue(gate, 1);
            await AssertGrantedAsync(time, waiting, TimeSpan.FromMilliseconds(100), 1);
            time.Advance(TimeSpan.FromMilliseconds(900));
            return new RequestGates(gate);
        }
        Assert.False((await OneShortWaitAsync(new FakeTimeProvider())).TakeDemand().Queued);
        Assert.True((await OneShortWaitAsync(new FakeTimeProvider())).TakeDemand(queuedEnough: 0).Queued);
        var quiet = new RequestGates(new RequestGate(10, 1, new FakeTimeProvider()));
        Assert.False(quiet.TakeDemand(queuedEnough: 0).Queued); // no wait at all: not queued
    }

    [Fact]
    public void AShareOfNone_IsRefused()
    {
        using var gate = new RequestGate(10, 10, Time);
        Assert.Throws<ArgumentOutOfRangeException>(() => gate.Share(0));
    }
}
