using Mmd.Alerts;
using Prometheus;

namespace Mmd.Metrics;

/// <summary>
/// <c>mmd_alert_conditions{name, condition, level}</c>: how many of each alert condition hold now, by instance name (the
/// daemon's own, a resource check or capitals that overlap, with an empty name; <c>instance</c> is the label Prometheus
/// gives the scraped target). A series goes when its condition ends, so a Prometheus rule can fire on any of them,
/// not_quoting and capital_overlap included, which no other series shows.
/// </summary>
public sealed class AlertConditionMetrics(IMetricFactory factory)
{
    private readonly Gauge _held = factory.CreateGauge("mmd_alert_conditions",
        "Alert conditions that hold now, by instance name (empty: the daemon's), condition and level (mmctl alerts lists them).", ["name", "condition", "level"]);
    private readonly Lock _lock = new();
    private HashSet<(string Name, string Condition, string Level)> _shown = [];

    public void Update(IReadOnlyList<ActiveCondition> holding)
    {
        var counts = holding.GroupBy(h => (Name: h.Instance ?? "", h.Condition, Level: h.LevelName)).ToDictionary(g => g.Key, g => g.Count());
        lock (_lock) // two scrapes at once update it one after the other
        {
            foreach (var gone in _shown.Where(s => !counts.ContainsKey(s))) _held.RemoveLabelled(gone.Name, gone.Condition, gone.Level);
            foreach (var ((name, condition, level), count) in counts) _held.WithLabels(name, condition, level).Set(count);
            _shown = [.. counts.Keys];
        }
    }
}
