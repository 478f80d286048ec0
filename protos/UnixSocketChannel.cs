using System.Net.Sockets;
using Grpc.Net.Client;

namespace GrpcMM.Protos;

/// <summary>
/// A gRPC channel over a Unix socket, as every client of mmd (mmctl, workers, tests) makes one: HTTP/2 without TLS,
/// and a placeholder authority, since a Unix socket has no host name.
/// </summary>
public static class UnixSocketChannel
{
    public static GrpcChannel Create(string socketPath)
    {
        var endpoint = new UnixDomainSocketEndPoint(socketPath);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }
}
