using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using GrpcMM.Protos.V1;
using Microsoft.Extensions.Hosting;
using Mmd.Configuration;
using Mmd.Daemon;
using Mmd.Supervision;

namespace Mmd.Grpc;

/// <summary>mm.v1.DaemonService: version, status with resource health, shutdown, and the alerts (what was sent, a test).</summary>
public sealed class DaemonApi(Supervisor supervisor, DaemonConfig config, DaemonInfo info, IHostApplicationLifetime lifetime, TimeProvider time,
    Alerts.AlertDispatcher alerts) : DaemonService.DaemonServiceBase
{
    /// <summary>Alerts a list gives when it asks for none.</summary>
    private const uint DefaultAlerts = 20;

    public override Task<ListAlertsResponse> ListAlerts(ListAlertsRequest request, ServerCallContext context)
    {
        if (request.Limit > Alerts.AlertDispatcher.Kept)
            throw new InvalidRequestException([new("limit", $"must be at most {Alerts.AlertDispatcher.Kept} (0: {DefaultAlerts})")]);
        return Task.FromResult(new ListAlertsResponse
        {
            Alerts = { alerts.Recent((int)(request.Limit == 0 ? DefaultAlerts : request.Limit)) },
            Destinations = { alerts.Destinations },
            Active =
            {
                alerts.Holding.Select(a => new ActiveAlert
                {
                    Level = a.LevelName, Instance = a.Instance ?? "", Condition = a.Condition, Message = a.Message, Since = Timestamp.FromDateTimeOffset(a.Since),
                }),
            },
        });
    }

    public override async Task WatchAlerts(WatchAlertsRequest request, IServerStreamWriter<WatchAlertsEvent> responseStream, ServerCallContext context)
    {
        var follower = alerts.Follow();
        await context.WriteResponseHeadersAsync([]); // the follower knows it follows before the first alert comes
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        try
        {
            await foreach (var record in follower.Queue.Reader.ReadAllAsync(linked.Token))
                await responseStream.WriteAsync(new WatchAlertsEvent { Alert = record, Dropped = (ulong)follower.TakeDropped() }, linked.Token);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested) { }
        finally
        {
            alerts.Unfollow(follower);
        }
        // Ended by the daemon's stop (its token, or the dispatcher's end): UNAVAILABLE, so that a follower dials again,
        // rather than held open through the host's shutdown grace.
        if (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
            throw new RpcException(new Status(StatusCode.Unavailable, "the daemon is shutting down"));
    }

    public override async Task<SendTestAlertResponse> SendTestAlert(SendTestAlertRequest request, ServerCallContext context)
    {
        if (!alerts.Enabled)
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"a test alert has nowhere to go: set {Alerts.AlertDestinations.WebhookSecret} (a webhook), or {Alerts.AlertDestinations.TelegramSecret} with alerts.telegramChatId (Telegram), in the daemon's environment or its secrets file, and restart it"));
        var alert = new Alerts.Alert(time.GetUtcNow(), Alerts.AlertLevel.Test, null, "test", "a test alert, sent by an operator (mmctl alerts --test)");
        return new SendTestAlertResponse { Alert = await alerts.SendNowAsync(alert, context.CancellationToken) };
    }

    public override Task<GetVersionResponse> GetVersion(GetVersionRequest request, ServerCallContext context) =>
        Task.FromResult(new GetVersionResponse
        {
            Version = DaemonInfo.Version,
            Api = "mm.v1",
            WorkerProtocol = (uint)GrpcMM.Protos.Worker.V1.ProtocolVersion._1,
            Runtime = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        });

    public override Task<GetDaemonStatusResponse> GetDaemonStatus(GetDaemonStatusRequest request, ServerCallContext context)
    {
        var instances = supervisor.List();
        var checks = ResourceHealth.Read(config);
        var now = time.GetUtcNow();
        return Task.FromResult(new GetDaemonStatusResponse
        {
            Version = DaemonInfo.Version,
            Pid = Environment.ProcessId,
            StartedAt = Timestamp.FromDateTimeOffset(info.StartedAt),
            Uptime = Duration.FromTimeSpan(now - info.StartedAt),
            SocketPath = config.SocketPath,
            StateDir = config.StateDir,
            LogDir = config.LogDir,
            Instances = (uint)instances.Count,
            Running = (uint)instances.Count(i => i.State == InstanceState.Running),
            Stopped = (uint)instances.Count(i => i.State is InstanceState.Stopped or InstanceState.Created or InstanceState.Exited),
            Failing = (uint)instances.Count(i => i.State is InstanceState.Backoff or InstanceState.Failed || (i.State == InstanceState.Running && !i.Health.Healthy)),
            Healthy = checks.All(c => c.Ok),
            Checks = { checks },
            AlertDestinations = { alerts.Destinations },
            AlertDeliveriesFailed = (ulong)alerts.Totals().FailedByDestination.Values.Sum(),
            AlertsActive = (uint)alerts.Holding.Count,
        });
    }

    public override async Task<ShutdownResponse> Shutdown(ShutdownRequest request, ServerCallContext context)
    {
        var (stopped, notFlat) = request.StopInstances ? await supervisor.StopAllAsync(context.CancellationToken) : (0, []);
        // Let the response leave before the host stops.
        _ = Task.Delay(TimeSpan.FromMilliseconds(100), time, CancellationToken.None).ContinueWith(_ => lifetime.StopApplication(), TaskScheduler.Default);
        return new ShutdownResponse { Stopped = (uint)stopped, NotConfirmedFlat = { notFlat } };
    }
}

/// <summary>When this daemon started and its version.</summary>
public sealed record DaemonInfo(DateTimeOffset StartedAt)
{
    public static string Version { get; } =
        typeof(DaemonInfo).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
