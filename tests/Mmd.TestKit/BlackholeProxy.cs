using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Mmd.TestKit;

/// <summary>
/// A loopback TCP proxy in front of a server that can go silent: after <see cref="Blackhole"/> it passes no byte either
/// way and closes nothing. That is a half-open connection, what a client sees when a NAT or a proxy on the path has
/// lost it: no reset, no close, just nothing, and only the client's own pings can tell.
/// </summary>
public sealed class BlackholeProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Socket> _sockets = [];
    private readonly Task _accepting;
    private volatile bool _silent;

    public BlackholeProxy(Uri upstream)
    {
        _upstream = new IPEndPoint(IPAddress.Loopback, upstream.Port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The same URL with the proxy's port: the client connects here instead.</summary>
    public Uri Through(Uri url) => new UriBuilder(url) { Port = Port }.Uri;

    public void Blackhole() => _silent = true;

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
                var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                _sockets.Add(client);
                _sockets.Add(server);
                await server.ConnectAsync(_upstream, _stop.Token).ConfigureAwait(false);
                _ = PumpAsync(client, server);
                _ = PumpAsync(server, client);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException) { }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, _stop.Token).ConfigureAwait(false);
                if (_silent) await Task.Delay(Timeout.Infinite, _stop.Token).ConfigureAwait(false); // swallowed, and nothing more is read
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }
                await to.SendAsync(buffer.AsMemory(0, read), _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        foreach (var socket in _sockets) socket.Dispose();
        await _accepting.ConfigureAwait(false);
        _stop.Dispose();
    }
}
