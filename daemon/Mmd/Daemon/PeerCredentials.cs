using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Mmd.Daemon;

/// <summary>
/// Checks the uid of every process that connects to a socket (SO_PEERCRED) against an allow-list. On the worker
/// socket a stranger's connection is closed before anything is read; on the public socket every request of a
/// stranger is answered PERMISSION_DENIED, so a person who runs mmctl under the wrong account is told so instead
/// of seeing a reset connection that looks like no daemon.
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

    private static readonly object DeniedUid = new();

    /// <summary>Connection middleware: marks a stranger's connection; <see cref="DenyMarked"/> answers its requests.</summary>
    public static Func<ConnectionDelegate, ConnectionDelegate> Mark(IReadOnlySet<int> allowedUids, Action<int, int> rejected) => next => context =>
    {
        var socket = context.Features.Get<IConnectionSocketFeature>()?.Socket;
        var peer = socket is null ? null : Read(socket);
        if (peer is not { } p || !allowedUids.Contains(p.Uid))
        {
            rejected(peer?.Pid ?? 0, peer?.Uid ?? -1);
            context.Items[DeniedUid] = peer?.Uid ?? -1;
        }
        return next(context);
    };

    /// <summary>HTTP middleware: a request on a marked connection gets a trailers-only PERMISSION_DENIED and reaches no service.</summary>
    public static Task DenyMarked(HttpContext context, RequestDelegate next)
    {
        if (context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(DeniedUid, out var uid) != true) return next(context);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = "7";
        context.Response.Headers["grpc-message"] = $"uid {uid} may not use this daemon (allowedUids in daemon.json)";
        return Task.CompletedTask;
    }

    /// <summary>Connection middleware that closes a stranger's connection at once.</summary>
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
