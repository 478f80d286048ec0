using System.Net.Sockets;

namespace Mmd.Daemon;

/// <summary>Preparing a Unix socket path: a private folder, and no stale file from a killed daemon.</summary>
public static class SocketFiles
{
    public const UnixFileMode PrivateDir = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates the socket's folder 0700 (or tightens one we own).</summary>
    public static void PrepareFolder(string socketPath)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(socketPath))!;
        if (!Directory.Exists(dir)) Directory.CreateDirectory(dir, PrivateDir);
        else File.SetUnixFileMode(dir, PrivateDir);
    }

    /// <summary>True when something accepts connections on the path (a live daemon).</summary>
    public static async Task<bool> AnswersAsync(string socketPath, CancellationToken cancellationToken)
    {
        if (!File.Exists(socketPath)) return false;
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
