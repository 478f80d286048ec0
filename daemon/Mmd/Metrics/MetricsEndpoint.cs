using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using Mmd.Supervision;
using Prometheus;
using Serilog;

namespace Mmd.Metrics;

/// <summary>
/// <c>GET /metrics</c> in the Prometheus text format on its own small HTTP/1.1 server (daemon.json's
/// <c>metrics.listen</c>): Prometheus cannot scrape a Unix socket, and the API must not be on a TCP port, so this
/// serves the metrics and nothing else (every other path is 404). Each scrape reads the supervisor's snapshots.
/// </summary>
public sealed class MetricsEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MetricsEndpoint(WebApplication app) => _app = app;

    /// <summary>
    /// Listens on <paramref name="endpoint"/>; fails (an <see cref="IOException"/> naming the key) when it cannot bind.
    /// Until <paramref name="supervisor"/> gives one (the daemon is still loading its instances), a scrape has none.
    /// </summary>
    public static async Task<MetricsEndpoint> StartAsync(IPEndPoint endpoint, Func<Supervisor?> supervisor, Alerts.AlertDispatcher alerts, TimeProvider time,
        Serilog.ILogger log, CancellationToken cancellationToken)
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        DotNetStats.Register(registry); // the daemon's own process: CPU, memory, GC, threads
        var instances = new InstanceMetrics(registry);
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var alertsRaised = factory.CreateCounter("mmd_alerts_total", "Alerts raised since the daemon started (sent to every destination, if any), by level.", "level");
        var alertsFailed = factory.CreateCounter("mmd_alert_deliveries_failed_total", "Alert deliveries that failed their last try, by destination.", "destination");
        var conditions = new AlertConditionMetrics(factory);
        registry.AddBeforeCollectCallback(() =>
        {
            instances.Update(supervisor()?.List() ?? [], time.GetUtcNow());
            var (raised, failed) = alerts.Totals();
            foreach (var (level, count) in raised) alertsRaised.WithLabels(level).IncTo(count);
            foreach (var (destination, count) in failed) alertsFailed.WithLabels(destination).IncTo(count);
            conditions.Update(alerts.Holding);
        });

        var builder = Hosting.QuietWebHost.CreateBuilder();
        builder.Host.UseSerilog(log, dispose: false);
        builder.WebHost.ConfigureKestrel(k => k.Listen(endpoint, o => o.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        app.UseMetricServer("/metrics", registry);
        app.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return context.Response.WriteAsync("only /metrics is served here\n", context.RequestAborted);
        });
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            throw new IOException($"metrics.listen {endpoint}: {ex.Message}", ex);
        }
        return new MetricsEndpoint(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
