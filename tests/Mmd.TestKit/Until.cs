namespace Mmd.TestKit;

/// <summary>Waits for a condition that another thread makes true, checking after short yields, bounded by a timeout.</summary>
public static class Until
{
    /// <param name="poll">How often the condition is checked: 10 ms unless a long simulation needs it sooner.</param>
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null, TimeSpan? poll = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TaskExtensions.Timeout);
        var every = poll ?? TimeSpan.FromMilliseconds(10);
        while (!condition())
        {
            try { await Task.Delay(every, cts.Token); }
            catch (OperationCanceledException) { throw new TimeoutException($"timed out waiting until {what}"); }
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TaskExtensions.Timeout);
        while (!await condition())
        {
            try { await Task.Delay(20, cts.Token); }
            catch (OperationCanceledException) { throw new TimeoutException($"timed out waiting until {what}"); }
        }
    }
}
