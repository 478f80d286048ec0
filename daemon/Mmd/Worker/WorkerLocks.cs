using System.Globalization;

namespace Mmd.Worker;

/// <summary>
/// One worker per instance and state dir. Two would share the instance's client order id prefix and journal: each would
/// take the other's orders for its own (reconcile them, cancel them at its stop) and quote beside them, doubling the
/// instance's exposure. The daemon never starts a second, but an operator's `mmd run` of the same spec, or a daemon that
/// lost track of a live worker (its database unwritable), could; the lock makes that a refusal. It is an OS lock on a
/// file (flock, through FileShare.None), so it dies with its process: a worker killed outright leaves nothing to clear.
/// The holder's pid is written beside it, for the refusal's message.
/// </summary>
public sealed class InstanceLock : IDisposable
{
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(100);

    private readonly FileStream _file;

    private InstanceLock(FileStream file) => _file = file;

    /// <summary>Thrown when another process holds the instance's lock past the wait.</summary>
    public sealed class HeldException(string message) : Exception(message);

    /// <summary>
    /// Takes the lock at <paramref name="path"/>, waiting up to <paramref name="wait"/> for a holder that is ending (a
    /// worker that was just stopped closes its files as it exits).
    /// </summary>
    /// <exception cref="HeldException">Another process still holds it.</exception>
    public static async Task<InstanceLock> AcquireAsync(string path, string instance, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var since = time.GetTimestamp();
        while (true)
        {
            if (TryOpen(path) is { } file)
            {
                await WriteHolderAsync(path);
                return new InstanceLock(file);
            }
            if (time.GetElapsedTime(since) >= wait)
            {
                var holder = ReadHolder(path) is { } pid ? $" (pid {pid})" : "";
                throw new HeldException($"another worker of instance '{instance}'{holder} runs on this state dir ({path} is locked): "
                    + "one worker per instance; stop that one first, or give this run another name");
            }
            await Task.Delay(Retry, time, cancellationToken);
        }
    }

    private static FileStream? TryOpen(string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string PidPath(string path) => path + ".pid";

    /// <summary>Best effort: the pid only names the holder in a refusal (a full disk must not stop the run here).</summary>
    private static async Task WriteHolderAsync(string path)
    {
        try
        {
            await File.WriteAllTextAsync(PidPath(path), Environment.ProcessId.ToString(CultureInfo.InvariantCulture), CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The refusal then names the lock without a pid.
        }
    }

    private static int? ReadHolder(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(PidPath(path)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Dispose() => _file.Dispose();
}
