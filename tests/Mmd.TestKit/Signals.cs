using System.Runtime.InteropServices;

namespace Mmd.TestKit;

/// <summary>The few syscalls tests need: kill(2) any pid (a worker the daemon started), and who the test runs as.</summary>
public static partial class Signals
{
    public static void Kill(int pid, int signal)
    {
        if (SysKill(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public static bool RunningAsRoot => GetEffectiveUid() == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUid();
}
