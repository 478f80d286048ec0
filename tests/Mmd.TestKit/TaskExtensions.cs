namespace Mmd.TestKit;

public static class TaskExtensions
{
    /// <summary>The bound every wait in a test uses; generous, because CI machines are slow and shared.</summary>
    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(30);

    public static Task DefaultTimeout(this Task task) => task.WaitAsync(Timeout);

    public static Task<T> DefaultTimeout<T>(this Task<T> task) => task.WaitAsync(Timeout);
}
