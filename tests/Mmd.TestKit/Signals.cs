using System.Runtime.InteropServices;

namespace Mmd.TestKit;

/// <summary>kill(2) for tests: signal any pid (a worker the daemon started).</summary>
public static partial class Signals
{
    public static void Kill(int pid, int signal)
    {
        if (SysKill(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);
}
