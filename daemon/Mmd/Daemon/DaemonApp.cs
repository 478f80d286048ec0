using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Mmd.Configuration;
using Mmd.Grpc;
using Mmd.Hosting;
using Mmd.Metrics;
using Mmd.Persistence.Daemon;
using Mmd.Supervision;
using Mmd.Watching;
using Serilog;

namespace Mmd.Daemon;

/// <summary>
/// The daemon: Kestrel on two Unix sockets (the public mm.v1 API, and the worker link), the supervisor, the
/// stats hub, health and reflection. Started by `mmd` and, in-process, by the API tests.
/// </summary>
public sealed class DaemonApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Supervisor _supervisor;
    private readonly MetricsEndpoint? _metrics;
    private readonly FileStream _lock;
    private readonly CancellationTokenSource _afterStart;
    private readonly SystemdNotification? _systemd;
    private readonly Alerts.AlertDispatcher _alerts;
    private readonly Alerts.AlertMonitor _alertMonitor;
    private readonly HttpClient _alertHttp;

    private DaemonApp(WebApplication app, Supervisor supervisor, MetricsEndpoint? metrics, FileStream lockFile, CancellationTokenSource afterStart,
        SystemdNotification? systemd, (Alerts.AlertDispatcher Dispatcher, Alerts.AlertMonitor Monitor, HttpClient Http) alerts)
    {
        (_alerts, _alertMonitor, _alertHttp) = alerts;
        _app = app;
        _supervisor = supervisor;
        _metrics = metrics;
        _lock = lockFile;
        _afterStart = afterStart;
        _systemd = systemd;
        if (systemd is not null) app.Lifetime.ApplicationStopping.Register(systemd.Stopping);
    }

    /// <summary>Thrown when a live daemon already answers on the socket.</summary>
    public sealed class AlreadyRunningException(string message) : Exception(message);

    /// <param name="hostBuilder">The web host's builder when the caller began making it before the configuration was read
    /// (it needs none of it): `mmd` does, so that its 30-odd ms overlap the reading. Null: made here.</param>
    public static async Task<DaemonApp> StartAsync(DaemonConfig config, CancellationToken cancellationToken, bool console = true,
        Task<WebApplicationBuilder>? hostBuilder = null)
    {
        Directory.CreateDirectory(config.StateDir);
        // One daemon per state dir: the lock is held for the daemon's life (flock under FileShare.None).
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(Path.Combine(config.StateDir, "mmd.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new AlreadyRunningException($"another mmd is running on {config.StateDir} (its socket: {config.SocketPath})");
        }
        try
        {
            string[] sockets = [config.SocketPath, config.WorkerSocketPath];
            foreach (var socket in sockets)
            {
                SocketFiles.PrepareFolder(socket);
                if (await SocketFiles.AnswersAsync(socket, cancellationToken))
                    throw new AlreadyRunningException($"a daemon is already answering on {socket}; stop it first (mmctl daemon shutdown)");
                if (File.Exists(socket)) File.Delete(socket); // stale: left by a daemon that was killed
            }
            // The supervisor (any migration, loading the instances and adopting live workers) and the web host are
            // prepared side by side, and Kestrel listens as soon as the host is built: the first connection's one-off
            // work (HTTP/2, routing, gRPC's call handlers; about 100 ms on 2 cores) then overlaps the loading. Health
            // says NOT_SERVING until the loading is done, and every other request waits for it (Build's gate), so
            // none can ask for an instance that is not there yet.
            var log = DaemonLogging.Create(config, console);
            var health = new HealthServiceImpl();
            // Alerts go out over their own connections, with a deadline per try: a slow webhook never holds anything else up.
            var alertHttp = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(10) };
            var alerts = new Alerts.AlertDispatcher(Alerts.AlertDestinations.From(config.Alerts, SecretsFile.WithEnvironment(config.SecretsFile), alertHttp),
                TimeProvider.System, new Serilog.Extensions.Logging.SerilogLoggerFactory(log).CreateLogger("mmd.alerts"));
            var loading = Task.Run(async () =>
            {
                var store = new DaemonStore(config.DatabasePath, TimeProvider.System);
                var supervisor = NewSupervisor(config, store, health, log);
                await DaemonDatabase.OpenAsync(config.DatabasePath, cancellationToken, new Serilog.Extensions.Logging.SerilogLoggerFactory(log).CreateLogger("mmd.database"));
                await supervisor.StartAsync(cancellationToken);
                return (store, supervisor);
            }, cancellationToken);
            var app = Build(await (hostBuilder ?? Task.FromResult(QuietWebHost.CreateBuilder())), config, loading, health, alerts, log);
            await app.StartAsync(cancellationToken);
            SetSocketModes(config);
            // The metrics server (when configured) starts beside the loading; its scrapes see no instance until that is done.
            var metricsStart = config.Metrics.Endpoint() is { } endpoint ? StartMetricsAsync(endpoint) : Task.FromResult<MetricsEndpoint?>(null);
            DaemonStore store;
            Supervisor supervisor;
            MetricsEndpoint? metrics;
            try
            {
                (store, supervisor) = await loading;
                metrics = await metricsStart;
            }
            catch
            {
                // A database SQLite cannot use, or a metrics port taken: the daemon exits, leaving no socket that a client would try.
                if (loading.IsCompletedSuccessfully) await loading.Result.supervisor.DisposeAsync();
                try
                {
                    if (await metricsStart is { } started) await started.DisposeAsync();
                }
                catch (IOException) { } // the failure being reported
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
                await alerts.DisposeAsync();
                alertHttp.Dispose();
                foreach (var socket in sockets) File.Delete(socket);
                throw;
            }
            SetDaemonHealth(health, HealthCheckResponse.Types.ServingStatus.Serving);
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("mmd");
            DaemonLog.Serving(logger, config.SocketPath, Environment.ProcessId, config.Source);
            var afterStart = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _ = AfterStartAsync(store, supervisor, logger, afterStart.Token);
            _ = LogFolders.PruneHourlyAsync(config.LogDir, config.LogRetentionDays, TimeProvider.System, afterStart.Token); // the workers' logs too: one folder
            // Under systemd (Type=notify): ready now, and the watchdog from here on.
            var systemd = SystemdNotification.Start(new SystemdNotifier(), supervisor, TimeProvider.System, logger, Environment.GetEnvironmentVariable);
            var alertMonitor = Alerts.AlertMonitor.Start(config, supervisor, alerts, TimeProvider.System, logger);
            return new DaemonApp(app, supervisor, metrics, lockFile, afterStart, systemd, (alerts, alertMonitor, alertHttp));

            async Task<MetricsEndpoint?> StartMetricsAsync(System.Net.IPEndPoint at) =>
                await MetricsEndpoint.StartAsync(at, () => loading.IsCompletedSuccessfully ? loading.Result.supervisor : null, alerts, TimeProvider.System, log, cancellationToken);
        }
        catch
        {
            await lockFile.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// One-off work a second after the start (at once, it would compete for the cores with the first requests): EF
    /// Core's queries warmed, and the bytes saved of the specs read from their JSON.
    /// </summary>
    private static async Task AfterStartAsync(DaemonStore store, Supervisor supervisor, Microsoft.Extensions.Logging.ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System, cancellationToken);
            await store.WarmUpAsync(cancellationToken);
            await supervisor.SaveSpecBytesAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
        catch (Exception ex) { DaemonLog.AfterStartFailed(logger, ex.Message); }
    }

    private static Supervisor NewSupervisor(DaemonConfig config, DaemonStore store, HealthServiceImpl health, Serilog.ILogger log)
    {
        var time = TimeProvider.System;
        var context = new ActorContext(time, store, new StatsHub(time), new WorkerLauncher(config), new WorkerJournals(config),
            (name, ok) => health.SetStatus(HealthName(name), ok ? HealthCheckResponse.Types.ServingStatus.Serving : HealthCheckResponse.Types.ServingStatus.NotServing),
            new Serilog.Extensions.Logging.SerilogLoggerFactory(log).CreateLogger("mmd.supervisor"), new RequestBudgets());
        return new Supervisor(config, context);
    }

    private static WebApplication Build(WebApplicationBuilder builder, DaemonConfig config, Task<(DaemonStore, Supervisor Supervisor)> loading,
        HealthServiceImpl health, Alerts.AlertDispatcher alerts, Serilog.Core.Logger log)
    {
        builder.Host.UseSerilog(log, dispose: true);
        var allowed = config.AllowedUids.Count > 0 ? config.AllowedUids.ToHashSet() : [PeerCredentials.CurrentUid];
        builder.WebHost.ConfigureKestrel(k =>
        {
            var rejectLog = new Lazy<Microsoft.Extensions.Logging.ILogger>(() => k.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("mmd.socket"));
            k.ListenUnixSocket(config.SocketPath, o =>
            {
                o.Protocols = HttpProtocols.Http2;
                o.Use(PeerCredentials.Mark(allowed, (pid, uid) => DaemonLog.PeerRejected(rejectLog.Value, pid, uid)));
            });
            k.ListenUnixSocket(config.WorkerSocketPath, o =>
            {
                o.Protocols = HttpProtocols.Http2;
                o.Use(PeerCredentials.Require(new HashSet<int> { PeerCredentials.CurrentUid }, (pid, uid) => DaemonLog.PeerRejected(rejectLog.Value, pid, uid)));
            });
            k.Limits.Http2.MaxStreamsPerConnection = 4096;
        });
        var s = builder.Services;
        s.AddSingleton(config);
        s.AddSingleton(TimeProvider.System);
        s.AddSingleton(new DaemonInfo(DateTimeOffset.UtcNow));
        s.AddSingleton(new TemplateCatalog(TemplateCatalog.DefaultFolder));
        s.AddSingleton(health);
        s.AddSingleton(alerts);
        // Resolved only by requests, which wait for the loading (the gate below): this never waits.
        s.AddSingleton(_ => loading.GetAwaiter().GetResult().Supervisor);
        s.AddGrpc(o =>
        {
            o.Interceptors.Add<ErrorMapping>();
            o.EnableDetailedErrors = false;
        });
        s.AddGrpcReflection();

        var app = builder.Build();
        SetDaemonHealth(health, HealthCheckResponse.Types.ServingStatus.NotServing);
        app.Use(PeerCredentials.DenyMarked);
        // Health answers at once (NOT_SERVING until the instances are loaded); every other request waits for them.
        app.Use((context, next) => loading.IsCompletedSuccessfully || context.Request.Path.StartsWithSegments(HealthPath)
            ? next(context)
            : AfterLoadingAsync(loading, context, next));
        app.MapGrpcService<WorkerLinkApi>();
        app.MapGrpcService<InstanceApi>();
        app.MapGrpcService<StatsApi>();
        app.MapGrpcService<DaemonApi>();
        app.MapGrpcService<HealthServiceImpl>();
        app.MapGrpcReflectionService();
        return app;
    }

    private static readonly PathString HealthPath = "/grpc.health.v1.Health";

    /// <summary>The daemon's own grpc.health.v1 names: the server ("") and each public service.</summary>
    private static void SetDaemonHealth(HealthServiceImpl health, HealthCheckResponse.Types.ServingStatus status)
    {
        foreach (var name in new[] { "", "mm.v1.InstanceService", "mm.v1.StatsService", "mm.v1.DaemonService" }) health.SetStatus(name, status);
    }

    /// <summary>A request that came while the daemon was still loading: served once the instances are loaded.</summary>
    private static async Task AfterLoadingAsync(Task loading, HttpContext context, RequestDelegate next)
    {
        await loading;
        await next(context);
    }

    /// <summary>The grpc.health.v1 service name of an instance: "instance/NAME".</summary>
    public static string HealthName(string instance) => "instance/" + instance;

    private static void SetSocketModes(DaemonConfig config)
    {
        var owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        if (config.SocketGroup is { Length: > 0 } group)
        {
            File.SetUnixFileMode(config.SocketPath, owner | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
            var dir = Path.GetDirectoryName(config.SocketPath)!;
            File.SetUnixFileMode(dir, SocketFiles.PrivateDir | UnixFileMode.GroupExecute);
            ChangeGroup.Apply(config.SocketPath, group);
            ChangeGroup.Apply(dir, group);
        }
        else File.SetUnixFileMode(config.SocketPath, owner);
        File.SetUnixFileMode(config.WorkerSocketPath, owner);
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>The stats hub, for the in-process tests.</summary>
    internal Watching.StatsHub Hub => _supervisor.Hub;

    public void RequestStop() => _app.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

    /// <summary>Stops serving; workers keep running (live restore).</summary>
    public async ValueTask DisposeAsync()
    {
        _systemd?.Stopping();
        await _afterStart.CancelAsync();
        _afterStart.Dispose();
        await _alertMonitor.DisposeAsync();
        await _alerts.DisposeAsync();
        _alertHttp.Dispose();
        await _supervisor.DisposeAsync();
        if (_metrics is not null) await _metrics.DisposeAsync();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        await _lock.DisposeAsync();
    }
}
