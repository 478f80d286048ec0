using System.Diagnostics;
using Mmd.TestKit;

namespace Mmd.EndToEnd.Tests;

/// <summary>A small tmpfs mounted on a folder: a disk a test can fill. Needs root and a mount the machine allows.</summary>
public static class Tmpfs
{
    private static readonly Lazy<string?> WhyNot = new(Probe);

    /// <summary>Why no tmpfs can be mounted here; null when one can.</summary>
    public static string? Unavailable => WhyNot.Value;

    public static void Mount(string folder, int megabytes) => Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", folder);

    public static void Unmount(string folder) => Run("umount", folder);

    /// <summary>Writes zeros into <paramref name="file"/> until the file system has no room left.</summary>
    public static void Fill(string file)
    {
        var chunk = new byte[64 * 1024];
        using var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        try
        {
            while (true) stream.Write(chunk);
        }
        catch (IOException) { } // ENOSPC: full
    }

    private static string? Probe()
    {
        if (!Signals.RunningAsRoot) return "needs root to mount a small file system";
        var folder = Path.Combine(Path.GetTempPath(), "grpcmm-tmpfs-probe-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            Mount(folder, 1);
            Unmount(folder);
            return null;
        }
        catch (InvalidOperationException ex)
        {
            return "cannot mount a tmpfs here: " + ex.Message;
        }
        finally
        {
            Directory.Delete(folder);
        }
    }

    private static void Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(10_000)) { process.Kill(); throw new InvalidOperationException($"{program} did not finish"); }
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)}: exit {process.ExitCode}: {error.Result.Trim()}");
    }
}

/// <summary>A fact that fills a small disk; skipped, with the reason, where no tmpfs can be mounted.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (Tmpfs.Unavailable is { } why) Skip = why;
    }
}
