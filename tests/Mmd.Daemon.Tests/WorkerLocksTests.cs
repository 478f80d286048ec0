using Mmd.TestKit;
using Mmd.Worker;

namespace Mmd.Daemon.Tests;

/// <summary>One worker per instance and state dir: the lock's holder, its refusal, and a holder that is ending.</summary>
public sealed class InstanceLockTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string LockPath => _dir.Combine("instances", "bot", "worker.lock");

    private Task<InstanceLock> AcquireAsync(TimeSpan wait) => InstanceLock.AcquireAsync(LockPath, "bot", wait, TimeProvider.System, CancellationToken.None);

    [Fact]
    public async Task HeldByAnother_IsRefusedNamingTheHolder_UntilItLetsGo()
    {
        var first = await AcquireAsync(TimeSpan.Zero);

        var refused = await Assert.ThrowsAsync<InstanceLock.HeldException>(() => AcquireAsync(TimeSpan.Zero));
        Assert.Equal($"another worker of instance 'bot' (pid {Environment.ProcessId}) runs on this state dir ({LockPath} is locked): "
            + "one worker per instance; stop that one first, or give this run another name", refused.Message);

        first.Dispose();
        using var second = await AcquireAsync(TimeSpan.Zero);
    }

    [Fact]
    public async Task AHolderThatLetsGoWithinTheWait_IsWaitedFor()
    {
        var first = await AcquireAsync(TimeSpan.Zero);
        var waiting = AcquireAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted, "the lock is still held");

        first.Dispose(); // the worker that held it exits
        using var second = await waiting.DefaultTimeout();
    }
}
