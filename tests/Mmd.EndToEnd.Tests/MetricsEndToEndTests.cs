using System.Net;
using System.Net.Sockets;
using GrpcMM.Protos.V1;
using Mmd.TestKit;

namespace Mmd.EndToEnd.Tests;

/// <summary>mmd serving Prometheus metrics on a loopback port (daemon.json's metrics.listen), scraped as Prometheus would.</summary>
public sealed class MetricsEndToEndTests
{
    [Fact]
    public async Task Metrics_AreServedOnTheConfiguredPort_WithEachInstancesStateAndFigures_AndNothingElseIsThere()
    {
        var port = FreePort();
        await using var receiver = await Mmd.Emulators.Alerts.AlertReceiver.StartAsync();
        await using var d = await DaemonUnderTest.StartAsync(settings: new()
        {
            ["metrics"] = new Dictionary<string, object> { ["listen"] = $"127.0.0.1:{port}" },
            // More free disk than any machine has: the resource check fails, a condition that holds while the daemon runs.
            ["health"] = new Dictionary<string, object> { ["maxLoadPerCore"] = 64, ["minFreeDiskMb"] = 1_000_000_000 },
        }, environment: new() { ["ALERT_WEBHOOK_URL"] = $"{receiver.Url}/hooks/ops" });
        Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-spot-mm", "bot")).ExitCode);
        await d.WaitForAsync("bot", i => i.State == InstanceState.Running && i.Stats?.OpenBuyOrders > 0, "running and quoting");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        var text = "";
        await Until.TrueAsync(async () => (text = await http.GetStringAsync("/metrics")).Contains("mmd_instance_open_orders{name=\"bot\",side=\"buy\"} ", StringComparison.Ordinal)
                                          && !text.Contains("mmd_instance_open_orders{name=\"bot\",side=\"buy\"} 0\n", StringComparison.Ordinal), "a scrape shows the quotes");
        Assert.Contains("mmd_instance_state{name=\"bot\",state=\"running\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_state{name=\"bot\",state=\"stopped\"} 0", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_info{name=\"bot\",venue=\"paper\",symbol=\"SOL_USDC\",strategy=", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_healthy{name=\"bot\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_pnl{name=\"bot\",span=\"cumulative\",kind=\"net\"}", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instances{state=\"running\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("process_working_set_bytes", text, StringComparison.Ordinal); // the daemon's own process
        // The worker's own latency figures of the last minute: in the stats, in `mmctl status NAME`, and as gauges.
        await d.WaitForAsync("bot", i => i.Stats?.Latency is { Reaction.Samples: > 0, Place.Samples: > 0 }, "the worker's latency figures");
        var detail = (await d.MmctlAsync("status", "bot")).StandardOutput;
        Assert.Matches(@"latency \(last minute\)\s+book to order p50 [0-9.]+, p99 [0-9.]+, max [0-9.]+ ms \([0-9]+\); place p50 ", detail);
        await Until.TrueAsync(async () => (text = await http.GetStringAsync("/metrics")).Contains("mmd_instance_latency_samples{name=\"bot\",kind=\"place\"} ", StringComparison.Ordinal)
                                          && !text.Contains("mmd_instance_latency_samples{name=\"bot\",kind=\"place\"} 0\n", StringComparison.Ordinal), "a scrape shows the venue's answer times");
        Assert.Matches("mmd_instance_latency_seconds\\{name=\"bot\",kind=\"place\",quantile=\"0.99\"\\} [0-9]", text);
        // The alerts sent, by level: a test alert counted.
        Assert.Equal(0, (await d.MmctlAsync("alerts", "--test")).ExitCode);
        Assert.Contains("mmd_alerts_total{level=\"test\"} 1", text = await http.GetStringAsync("/metrics"), StringComparison.Ordinal);
        // The conditions that hold, the daemon's own with an empty name.
        Assert.Contains("mmd_alert_conditions{name=\"\",condition=\"resource\",level=\"warning\"} 1\n", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/")).StatusCode); // the API is not on this port
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync("/mm.v1.InstanceService/ListInstances", null)).StatusCode);

        // Stopped, then deleted: the state follows, then the instance's series go with it.
        Assert.Equal(0, (await d.MmctlAsync("stop", "bot")).ExitCode);
        Assert.Contains("mmd_instance_state{name=\"bot\",state=\"stopped\"} 1", await http.GetStringAsync("/metrics"), StringComparison.Ordinal);
        Assert.Equal(0, (await d.MmctlAsync("delete", "bot")).ExitCode);
        Assert.DoesNotContain("name=\"bot\"", await http.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMetricsPortInUse_StopsTheDaemonAtStart_NamingTheKey()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var dir = new TempDirectory();
        var config = dir.Combine("daemon.json");
        await File.WriteAllTextAsync(config, System.Text.Json.JsonSerializer.Serialize(new
        {
            socketPath = "state/mmd.sock", stateDir = "state", logDir = "logs", metrics = new { listen = $"127.0.0.1:{port}" },
        }));
        using var mmd = MmdProcess.StartWithConfig(dir.Path, config);
        Assert.Equal(1, await mmd.WaitForExitAsync(Mmd.TestKit.TaskExtensions.Timeout));
        Assert.Contains($"metrics.listen 127.0.0.1:{port}", mmd.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.Combine("state/mmd.sock")), "no socket is left for a client to try");
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
