using System.Runtime.InteropServices;

namespace Mmd.Supervision;

/// <summary>Sends POSIX signals to any pid (Process.Kill only sends SIGKILL, and only to processes it can open).</summary>
public static partial class Signals
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>Returns false when the process does not exist (ESRCH) or may not be signalled.</summary>
    public static bool Send(int pid, int signal) => pid > 0 && Kill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
