using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Mmd.Emulators.Hosting;

/// <summary>What every emulator is hosted on: a quiet Kestrel on 127.0.0.1 (HTTP/1.1, so WebSockets upgrade), port 0 for any free one.</summary>
internal static class LoopbackHost
{
    public static WebApplication Create(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http1));
        return builder.Build();
    }

    /// <summary>Starts the mapped app; the port it listens on.</summary>
    public static async Task<int> StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return new Uri(app.Urls.First()).Port;
    }
}
