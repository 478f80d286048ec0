using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Mmd.Daemon;

/// <summary>
/// Checks the uid of every process that connects to the socket (SO_PEERCRED) against an allow-list and closes
/// the connection before any request is read when it is not on it.
/// </summary>
public static partial class PeerCredentials
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    public static int CurrentUid => (int)GetUid();

    /// <summary>(pid, uid, gid) of the peer, or null when the socket cannot say.</summary>
    public static (int Pid, int Uid, int Gid)? Read(Socket socket)
    {
        Span<byte> buffer = stackalloc byte[12];
        try
        {
            if (socket.GetRawSocketOption(SolSocket, SoPeerCred, buffer) != 12) return null;
        }
        catch (SocketException) { return null; }
        return (BitConverter.ToInt32(buffer[..4]), BitConverter.ToInt32(buffer[4..8]), BitConverter.ToInt32(buffer[8..12]));
    }

    /// <summary>Connection middleware for a Kestrel Unix listener.</summary>
    public static Func<ConnectionDelegate, ConnectionDelegate> Require(IReadOnlySet<int> allowedUids, Action<int, int> rejected) => next => async context =>
    {
        var socket = context.Features.Get<IConnectionSocketFeature>()?.Socket;
        var peer = socket is null ? null : Read(socket);
        if (peer is not { } p || !allowedUids.Contains(p.Uid))
        {
            rejected(peer?.Pid ?? 0, peer?.Uid ?? -1);
            context.Abort(new ConnectionAbortedException("peer uid not allowed"));
            return;
        }
        await next(context);
    };

    [LibraryImport("libc", EntryPoint = "getuid")]
    private static partial uint GetUid();
}
