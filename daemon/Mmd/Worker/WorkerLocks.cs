using System.Globalization;
using Mmd.Configuration;
using Mmd.Specs;

namespace Mmd.Worker;

/// <summary>
/// The locks a worker holds for its life, on the state dir: its instance's, and one per client-id tag it numbers venue
/// orders in. Two workers of one instance would share its client order id prefix and journal; two with one tag would
/// share their order ids' numbering on the account. Either way each would take the other's orders for its own (reconcile
/// them, cancel them at its stop) and quote beside them. The daemon never starts such a second worker, but an
/// operator's `mmd run`, or a daemon that lost track of a live worker (its database unwritable), could; the locks make
/// that a refusal. They are OS locks on files (flock, through FileShare.None), so they die with their process: a worker
/// killed outright leaves nothing to clear. The holder's pid and instance are written beside each, for the refusal.
/// </summary>
public sealed class WorkerLocks : IDisposable
{
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(100);

    private readonly List<FileStream> _held;

    private WorkerLocks(List<FileStream> held) => _held = held;

    /// <summary>Thrown when another process holds one of the locks past the wait.</summary>
    public sealed class HeldException(string message) : Exception(message);

    /// <summary>The process holding a lock, as it wrote itself beside it.</summary>
    public sealed record Holder(int Pid, string Instance);

    /// <summary>The lock files of <paramref name="spec"/>'s worker, instance first, and what each refusal says (its holder when known).</summary>
    public static IReadOnlyList<(string Path, Func<Holder?, string> Refusal)> For(ValidatedSpec spec, DaemonConfig config)
    {
        var locks = new List<(string, Func<Holder?, string>)>
        {
            (config.WorkerLockPath(spec.Name), holder => $"another worker of instance '{spec.Name}'{(holder is null ? "" : $" (pid {holder.Pid})")} runs on this "
                + "state dir: one worker per instance; stop that one first, or give this run another name"),
        };
        foreach (var tag in InstanceConflicts.TagsOf(spec))
            locks.Add((Path.Combine(config.StateDir, "locks", $"{tag.Venue}-tag-{tag.Tag}.lock"), holder => "another worker on this state dir"
                + (holder is null ? "" : $" (instance '{holder.Instance}', pid {holder.Pid})")
                + $" numbers its orders in {tag}: the two would take each other's orders for their own; {InstanceConflicts.Remedy(tag)}"));
        return locks;
    }

    /// <summary>
    /// Takes every lock of <paramref name="locks"/> in order, waiting up to <paramref name="wait"/> for a holder that is
    /// ending (a worker that was just stopped closes its files as it exits); none is kept when one cannot be taken.
    /// </summary>
    /// <exception cref="HeldException">Another process still holds one: its refusal, naming the holder when known.</exception>
    public static async Task<WorkerLocks> AcquireAsync(IReadOnlyList<(string Path, Func<Holder?, string> Refusal)> locks, string instance, TimeSpan wait,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var held = new List<FileStream>(locks.Count);
        try
        {
            var since = time.GetTimestamp();
            foreach (var (path, refusal) in locks)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                FileStream? file;
                while ((file = TryOpen(path)) is null)
                {
                    if (time.GetElapsedTime(since) >= wait) throw new HeldException($"{refusal(ReadHolder(path))} ({path} is locked)");
                    await Task.Delay(Retry, time, cancellationToken);
                }
                held.Add(file);
                await WriteHolderAsync(path, instance);
            }
            return new WorkerLocks(held);
        }
        catch
        {
            foreach (var file in held) file.Dispose();
            throw;
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

    private static string HolderPath(string path) => path + ".pid";

    /// <summary>Best effort: the holder only names itself in a refusal (a full disk must not stop the run here).</summary>
    private static async Task WriteHolderAsync(string path, string instance)
    {
        try
        {
            await File.WriteAllTextAsync(HolderPath(path), $"{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)} {instance}", CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The refusal then names the lock alone.
        }
    }

    /// <summary>The holder written beside the lock; null when unknown.</summary>
    private static Holder? ReadHolder(string path)
    {
        try
        {
            var parts = File.ReadAllText(HolderPath(path)).Trim().Split(' ', 2);
            return parts is [var pid, var instance] && int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? new Holder(number, instance) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        foreach (var file in _held) file.Dispose();
    }
}
