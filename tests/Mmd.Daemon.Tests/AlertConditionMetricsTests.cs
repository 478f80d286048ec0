using Mmd.Alerts;
using Mmd.Metrics;

namespace Mmd.Daemon.Tests;

public class AlertConditionMetricsTests
{
    private static readonly DateTimeOffset Since = DateTimeOffset.FromUnixTimeSeconds(1_796_000_000);

    [Fact]
    public async Task EachConditionThatHolds_IsASeries_CountedPerNameConditionAndLevel_AndGoesWhenItEnds()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new AlertConditionMetrics(Prometheus.Metrics.WithCustomRegistry(registry));
        metrics.Update([
            new ActiveCondition(AlertLevel.Critical, "bot", "crash_loop", "crash loop: 3 failures in a row", Since),
            new ActiveCondition(AlertLevel.Warning, "grid", "not_quoting", "quoting nothing for 300 s", Since),
            new ActiveCondition(AlertLevel.Warning, null, "capital_overlap", "the instances on backpack given USDC ...", Since),
            new ActiveCondition(AlertLevel.Warning, null, "capital_overlap", "the instances on backpack given SOL ...", Since),
        ]);
        var text = await MetricsScrape.TextAsync(registry);
        Assert.Contains("mmd_alert_conditions{name=\"bot\",condition=\"crash_loop\",level=\"critical\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_alert_conditions{name=\"grid\",condition=\"not_quoting\",level=\"warning\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_alert_conditions{name=\"\",condition=\"capital_overlap\",level=\"warning\"} 2\n", text, StringComparison.Ordinal);

        metrics.Update([new ActiveCondition(AlertLevel.Warning, "grid", "not_quoting", "quoting nothing for 301 s", Since)]);
        text = await MetricsScrape.TextAsync(registry);
        Assert.Contains("mmd_alert_conditions{name=\"grid\",condition=\"not_quoting\",level=\"warning\"} 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("crash_loop", text, StringComparison.Ordinal);
        Assert.DoesNotContain("capital_overlap", text, StringComparison.Ordinal);
    }
}
