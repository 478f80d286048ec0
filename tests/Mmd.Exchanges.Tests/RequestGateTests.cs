using Microsoft.Extensions.Time.Testing;
using Mmd.Exchanges.Shared;
using Mmd.TestKit;

namespace Mmd.Exchanges.Tests;

/// <summary>The client-side rate limit, on a fake clock: alone, and shared by the instances trading on one venue.</summary>
public class RequestGateTests
{
    private static readonly FakeTimeProvider Time = new();

    /// <summary>Queues <paramref name="count"/> requests and returns them, in order.</summary>
    private static List<Task> Queue(RequestGate gate, int count) =>
        Enumerable.Range(0, count).Select(_ => gate.WaitAsync(CancellationToken.None).AsTask()).ToList();

    private static async Task<int> GrantedAfterAsync(FakeTimeProvider time, List<Task> requests, TimeSpan advance)
    {
        for (var t = TimeSpan.Zero; t < advance; t += TimeSpan.FromMilliseconds(10)) time.Advance(TimeSpan.FromMilliseconds(10));
        // A grant completes its waiter on the thread pool: count once the count has held for 50 ms.
        int seen = -1, now;
        while ((now = requests.Count(r => r.IsCompletedSuccessfully)) != seen)
        {
            seen = now;
            await Task.Delay(50);
        }
        return now;
    }

    [Fact]
    public async Task Alone_TheBurstGoesAtOnce_ThenTheRate()
    {
        var time = new FakeTimeProvider();
        using var gate = new RequestGate(10, 10, time);
        var requests = Queue(gate, 40);
        Assert.Equal(10, await GrantedAfterAsync(time, requests, TimeSpan.Zero));
        Assert.Equal(20, await GrantedAfterAsync(time, requests, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task SharedByTwo_HalfTheBurst_HalfTheRate_AndWaitersCarryOnInTheirOrder()
    {
        var time = new FakeTimeProvider();
        using var gate = new RequestGate(10, 10, time);
        var first = Queue(gate, 10);
        Assert.Equal(10, await GrantedAfterAsync(time, first, TimeSpan.Zero)); // the burst, alone

        var waiting = Queue(gate, 30);
        gate.Share(2);
        Assert.Equal(2, gate.Sharers);
        // The bucket is empty and stays so: no fresh burst with the change; then 5 a second. Nobody waiting was failed.
        Assert.Equal(0, await GrantedAfterAsync(time, waiting, TimeSpan.Zero));
        Assert.Equal(5, await GrantedAfterAsync(time, waiting, TimeSpan.FromSeconds(1)));
        Assert.Equal(10, await GrantedAfterAsync(time, waiting, TimeSpan.FromSeconds(1)));
        Assert.DoesNotContain(waiting, r => r.IsFaulted);
        Assert.True(waiting.TakeWhile(r => r.IsCompleted).Count() == 10, "granted in the order they came");

        gate.Share(1); // the other instance stopped: the whole rate again
        Assert.Equal(20, await GrantedAfterAsync(time, waiting, TimeSpan.FromSeconds(1)));
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
        Assert.Equal(1, await GrantedAfterAsync(time, [next], TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task ARateBelowTheSharers_RefillsSlowerThanOneASecond_AndAWeightAboveTheSharedBurst_TakesTheWholeBucket()
    {
        var time = new FakeTimeProvider();
        using var gate = new RequestGate(1, 4, time); // Lighter's reads: one a second
        gate.Share(4);
        var first = gate.WaitAsync(CancellationToken.None, cost: 3).AsTask(); // the shared burst is 1: granted as 1
        Assert.Equal(1, await GrantedAfterAsync(time, [first], TimeSpan.Zero));
        var next = Queue(gate, 2);
        Assert.Equal(0, await GrantedAfterAsync(time, next, TimeSpan.FromSeconds(3.9)));
        Assert.Equal(1, await GrantedAfterAsync(time, next, TimeSpan.FromSeconds(0.2))); // one every 4 s
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
        Assert.Equal(0, await GrantedAfterAsync(time, [request], TimeSpan.FromSeconds(4.9)));
        Assert.Equal(1, await GrantedAfterAsync(time, [request], TimeSpan.FromSeconds(0.2)));
    }

    [Fact]
    public void AShareOfNone_IsRefused()
    {
        using var gate = new RequestGate(10, 10, Time);
        Assert.Throws<ArgumentOutOfRangeException>(() => gate.Share(0));
    }
}
