using Microsoft.Extensions.Time.Testing;
using Mmd.Configuration;
using Mmd.TestKit;
using Mmd.Worker;
using static Mmd.Daemon.Tests.SpecFiles;

namespace Mmd.Daemon.Tests;

/// <summary>A worker's locks on the state dir: its instance's and its client-id tags'; their refusals, and a holder that is ending.</summary>
public sealed class WorkerLocksTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private DaemonConfig Config => new() { StateDir = _dir.Combine("state") };

    private static string OnBackpack(string name, uint tag) =>
        $$$"""{"name":"{{{name}}}","venue":"backpack","symbol":"SOL_USDC_PERP","perpMarketMaking":{"spreadPct":"0.2","maxPosition":"1"},"backpack":{"clientIdTag":{{{tag}}}}}""";

    private Task<WorkerLocks> AcquireAsync(string json, TimeSpan wait, TimeProvider? time = null)
    {
        var spec = Valid(json);
        return WorkerLocks.AcquireAsync(WorkerLocks.For(spec, Config), spec.Name, wait, time ?? TimeProvider.System, CancellationToken.None);
    }

    [Fact]
    public async Task AnInstanceHeldByAnother_IsRefusedNamingTheHolder_UntilItLetsGo()
    {
        var first = await AcquireAsync(OnBackpack("bot", 7), TimeSpan.Zero);

        var refused = await Assert.ThrowsAsync<WorkerLocks.HeldException>(() => AcquireAsync(OnBackpack("bot", 7), TimeSpan.Zero));
        Assert.Equal($"another worker of instance 'bot' (pid {Environment.ProcessId}) runs on this state dir: one worker per instance; stop that one first, "
            + $"or give this run another name ({Config.WorkerLockPath("bot")} is locked)", refused.Message);

        first.Dispose();
        using var second = await AcquireAsync(OnBackpack("bot", 7), TimeSpan.Zero);
    }

    [Fact]
    public async Task ATagAnotherInstanceNumbersItsOrdersIn_IsRefused_AndTheInstancesOwnLockIsLetGo()
    {
        using var first = await AcquireAsync(OnBackpack("bp1", 7), TimeSpan.Zero);

        var refused = await Assert.ThrowsAsync<WorkerLocks.HeldException>(() => AcquireAsync(OnBackpack("bp2", 7), TimeSpan.Zero));
        Assert.Equal($"another worker on this state dir (instance 'bp1', pid {Environment.ProcessId}) numbers its orders in Backpack's client-id tag 7: the two would "
            + $"take each other's orders for their own; set backpack.client_id_tag to another value (1-1023) ({Path.Combine(Config.StateDir, "locks", "backpack-tag-7.lock")} is locked)",
            refused.Message);
        using var bp2 = await AcquireAsync(OnBackpack("bp2", 8), TimeSpan.Zero); // bp2's instance lock was let go with the refusal
        using var paper = await AcquireAsync("""{"name":"p","venue":"paper","symbol":"SOL_USDC","spotMarketMaking":{"spreadPct":"0.2"}}""", TimeSpan.Zero); // no tag
    }

    [Fact]
    public async Task AHolderThatLetsGoWithinTheWait_IsWaitedFor_OneThatDoesNot_IsRefusedAtItsEnd()
    {
        // The clock is stepped a retry at a time (100 ms) until the waiting side has what it waits for.
        var time = new FakeTimeProvider();
        var first = await AcquireAsync(OnBackpack("bot", 7), TimeSpan.Zero);
        var waiting = AcquireAsync(OnBackpack("bot", 7), TimeSpan.FromSeconds(2), time);
        for (var i = 0; i < 10; i++) time.Advance(TimeSpan.FromMilliseconds(100)); // 1 s of the 2 s wait, the lock held
        Assert.False(waiting.IsCompleted, "the lock is still held");

        first.Dispose(); // the worker that held it exits
        await Until.TrueAsync(() => { time.Advance(TimeSpan.FromMilliseconds(100)); return waiting.IsCompleted; }, "the lock taken once let go");
        using var second = await waiting;

        var refused = AcquireAsync(OnBackpack("bot", 7), TimeSpan.FromSeconds(2), time);
        await Until.TrueAsync(() => { time.Advance(TimeSpan.FromMilliseconds(100)); return refused.IsCompleted; }, "the wait over");
        await Assert.ThrowsAsync<WorkerLocks.HeldException>(() => refused);
        Assert.True(time.GetUtcNow() - time.Start >= TimeSpan.FromSeconds(3), "it waited its 2 s first"); // 1 s before, 2 s of this wait
    }
}
