using System.Globalization;
using System.Runtime.InteropServices;

namespace Mmd.Daemon;

/// <summary>chgrp for the socket when daemon.json names a socketGroup.</summary>
public static partial class ChangeGroup
{
    public static void Apply(string path, string group)
    {
        var gid = File.ReadLines("/etc/group").Select(l => l.Split(':')).FirstOrDefault(f => f.Length > 2 && f[0] == group) is { } fields
            ? int.Parse(fields[2], CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"socketGroup '{group}' is not a group on this machine");
        if (Chown(path, -1, gid) != 0)
            throw new InvalidOperationException($"cannot give {path} to group '{group}' (errno {Marshal.GetLastPInvokeError()}): is the daemon's user a member?");
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, int owner, int group);
}
