using System.Globalization;
using GrpcMM.Protos.V1;
using Prometheus;

namespace Mmd.Metrics;

/// <summary>
/// The instances as Prometheus gauges, refreshed from the supervisor's snapshots at each scrape (nothing is kept
/// between scrapes but the label sets, and those of a deleted instance go with it). Money and quantities are the
/// decimal figures of the stats as floats: fine for graphs and alerts, never for accounting.
/// Instances are labelled <c>name</c>, not <c>instance</c>, which Prometheus gives the scraped target.
/// </summary>
public sealed class InstanceMetrics
{
    private static readonly string[] States = Enum.GetValues<InstanceState>().Where(s => s != InstanceState.Unspecified).Select(StateName).ToArray();
    private readonly Gauge _info, _state, _desiredRunning, _restarts, _consecutiveFailures, _crashLoop, _healthy, _uptime, _rss, _statsAge,
        _mid, _position, _openOrders, _fills, _quoteVolume, _pnl, _ordersPlaced, _ordersRejected, _ordersWithdrawn, _killSwitch, _dailyLossHalt, _restartPending, _requestSharers, _requestPart, _capital, _paused, _latency, _latencySamples, _deadManArmed, _deadManFailures, _deadManDeadline, _instances;
    private readonly List<Gauge> _byName;

    public InstanceMetrics(CollectorRegistry registry)
    {
        var f = Prometheus.Metrics.WithCustomRegistry(registry);
        Gauge G(string name, string help, params string[] labels) => f.CreateGauge("mmd_" + name, help, labels);
        _instances = G("instances", "Instances by state.", "state");
        _info = G("instance_info", "1 for each instance, with its venue, symbol and strategy.", "name", "venue", "symbol", "strategy");
        _state = G("instance_state", "1 for the instance's current state, 0 for the others.", "name", "state");
        _desiredRunning = G("instance_desired_running", "1 when the instance is meant to run, 0 when meant to be stopped.", "name");
        _restarts = G("instance_restarts", "Restarts of the instance's worker since it was created.", "name");
        _consecutiveFailures = G("instance_consecutive_failures", "Failed starts or runs in a row (the backoff's count).", "name");
        _crashLoop = G("instance_crash_loop", "1 while the instance is in a crash loop.", "name");
        _healthy = G("instance_healthy", "1 when the worker's last health report was healthy.", "name");
        _uptime = G("instance_uptime_seconds", "Seconds since the worker started (0 when none runs).", "name");
        _rss = G("instance_rss_bytes", "Resident memory of the worker.", "name");
        _statsAge = G("instance_stats_age_seconds", "Seconds since the worker's last stats.", "name");
        _mid = G("instance_mid_price", "The market's mid price.", "name");
        _position = G("instance_position", "The instance's own position (base units; negative: short).", "name");
        _openOrders = G("instance_open_orders", "The instance's open orders, by side.", "name", "side");
        _fills = G("instance_fills", "Fills, over the session (this worker) or all time.", "name", "span");
        _quoteVolume = G("instance_quote_volume", "Traded volume in the quote asset.", "name", "span");
        _pnl = G("instance_pnl", "Profit and loss in the quote asset: by kind (realized, unrealized, fees, funding, net) over the session or all time, and net today (since 00:00 UTC).", "name", "span", "kind");
        _ordersPlaced = G("instance_orders_placed", "Orders placed by the current worker.", "name");
        _ordersRejected = G("instance_orders_rejected", "Orders the venue refused, for the current worker.", "name");
        _ordersWithdrawn = G("instance_orders_withdrawn",
            "Quotes the current worker took back before they were sent: they waited for the venue's request limit and the quote moved on.", "name");
        _killSwitch = G("instance_kill_switch", "1 when the risk kill switch has tripped.", "name");
        _dailyLossHalt = G("instance_daily_loss_halt", "1 while quoting halts until 00:00 UTC: risk.max_daily_loss was reached.", "name");
        _restartPending = G("instance_restart_pending", "1 while the running worker trades with an earlier spec than the instance's (updated, not restarted).", "name");
        _requestSharers = G("instance_request_sharers",
            "Running instances sharing a live venue's request limits, this one among them (each takes 1/N of them); no series without a worker.", "name", "venue");
        _requestPart = G("instance_request_part",
            "This instance's part of a live venue's request limits (0-1): 1/N, or as the daemon split them by demand; no series without a worker.", "name", "venue");
        _capital = G("instance_capital",
            "An instance given capital (several on one account): per asset, what it was allotted, what its own trades moved since (signed), and what it sizes from (usable: allotted + traded, at most what the account holds).",
            "name", "asset", "kind");
        _paused = G("instance_quoting_paused", "1 while quoting is paused by the operator.", "name");
        // The worker's own percentiles of the last minute (it sends no observations): a summary's shape, as gauges.
        _latency = G("instance_latency_seconds",
            "Over the last minute: book event to the request reacting to it (reaction), and request to the venue's answer (place, cancel); quantile 1 is the slowest. NaN with no sample.",
            "name", "kind", "quantile");
        _latencySamples = G("instance_latency_samples", "The samples behind mmd_instance_latency_seconds.", "name", "kind");
        _deadManArmed = G("instance_dead_man_switch_armed", "1 when the venue holds the worker's dead-man's switch; 0 while it is on but not armed yet (no series when off).", "name");
        _deadManFailures = G("instance_dead_man_switch_consecutive_failures", "Pushes of the dead-man's switch that failed since the venue last took one.", "name");
        _deadManDeadline = G("instance_dead_man_switch_deadline_timestamp_seconds",
            "When the venue cancels the worker's orders unless the dead-man's switch is pushed back first (unix seconds).", "name");
        _byName = [_info, _state, _desiredRunning, _restarts, _consecutiveFailures, _crashLoop, _healthy, _uptime, _rss, _statsAge, _mid, _position,
            _openOrders, _fills, _quoteVolume, _pnl, _ordersPlaced, _ordersRejected, _ordersWithdrawn, _killSwitch, _dailyLossHalt, _restartPending, _requestSharers,
            _requestPart, _capital, _paused,
            _latency, _latencySamples, _deadManArmed, _deadManFailures, _deadManDeadline];
    }

    /// <summary>Sets every gauge from <paramref name="instances"/>, and drops the series of instances no longer there.</summary>
    public void Update(IReadOnlyList<Instance> instances, DateTimeOffset now)
    {
        var names = instances.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var gauge in _byName)
            foreach (var labels in gauge.GetAllLabelValues().ToList())
                if (!names.Contains(labels[0]))
                    gauge.RemoveLabelled(labels);
        foreach (var state in States) _instances.WithLabels(state).Set(instances.Count(i => StateName(i.State) == state));
        foreach (var i in instances) Update(i, now);
    }

    private void Update(Instance i, DateTimeOffset now)
    {
        var name = i.Name;
        var s = i.Stats;
        // The info series changes labels when the spec does (an edit of the symbol, say): the old one goes.
        var info = new[] { name, i.Spec?.Venue ?? s?.Venue ?? "", i.Spec?.Symbol ?? s?.Symbol ?? "", s?.Strategy ?? "" };
        foreach (var labels in _info.GetAllLabelValues().Where(l => l[0] == name && !l.SequenceEqual(info)).ToList()) _info.RemoveLabelled(labels);
        _info.WithLabels(info).Set(1);
        foreach (var state in States) _state.WithLabels(name, state).Set(StateName(i.State) == state ? 1 : 0);
        _desiredRunning.WithLabels(name).Set(i.DesiredState == DesiredState.Running ? 1 : 0);
        _restarts.WithLabels(name).Set(i.Restarts);
        _consecutiveFailures.WithLabels(name).Set(i.ConsecutiveFailures);
        _crashLoop.WithLabels(name).Set(i.CrashLoop ? 1 : 0);
        _healthy.WithLabels(name).Set(i.Health?.Healthy == true ? 1 : 0);
        _uptime.WithLabels(name).Set(i.Pid != 0 && i.StartedAt is { } started ? Math.Max(0, (now - started.ToDateTimeOffset()).TotalSeconds) : 0);
        _rss.WithLabels(name).Set(i.Health?.RssBytes ?? 0);
        _restartPending.WithLabels(name).Set(i.RestartPending ? 1 : 0);
        foreach (var labels in _requestSharers.GetAllLabelValues().Where(l => l[0] == name && !i.RequestSharers.ContainsKey(l[1])).ToList())
            _requestSharers.RemoveLabelled(labels);
        foreach (var (venue, instances) in i.RequestSharers) _requestSharers.WithLabels(name, venue).Set(instances);
        foreach (var labels in _requestPart.GetAllLabelValues().Where(l => l[0] == name && !i.RequestSharers.ContainsKey(l[1])).ToList())
            _requestPart.RemoveLabelled(labels);
        foreach (var (venue, instances) in i.RequestSharers)
            _requestPart.WithLabels(name, venue).Set(i.RequestPartPpm.TryGetValue(venue, out var ppm) ? ppm / 1_000_000.0 : 1.0 / Math.Max(1u, instances));
        if (s is null) return; // no worker has reported yet: no trading figures to give
        _statsAge.WithLabels(name).Set(s.Time is { } at ? Math.Max(0, (now - at.ToDateTimeOffset()).TotalSeconds) : 0);
        _mid.WithLabels(name).Set(Number(s.Mid));
        _position.WithLabels(name).Set(Number(s.Cumulative?.Position));
        _openOrders.WithLabels(name, "buy").Set(s.OpenBuyOrders);
        _openOrders.WithLabels(name, "sell").Set(s.OpenSellOrders);
        _ordersPlaced.WithLabels(name).Set(s.OrdersPlaced);
        _ordersRejected.WithLabels(name).Set(s.OrdersRejected);
        _ordersWithdrawn.WithLabels(name).Set(s.OrdersWithdrawn);
        _killSwitch.WithLabels(name).Set(s.KillSwitchTripped ? 1 : 0);
        _dailyLossHalt.WithLabels(name).Set(s.DailyLossHalt.Length > 0 ? 1 : 0);
        // Net PnL since 00:00 UTC, every market of the instance (the daily loss limit's figure); none before it is known.
        if (s.TodayNetPnl.Length > 0) _pnl.WithLabels(name, "today", "net").Set(Number(s.TodayNetPnl));
        else _pnl.RemoveLabelled(name, "today", "net");
        _paused.WithLabels(name).Set(s.QuotingPaused ? 1 : 0);
        foreach (var labels in _capital.GetAllLabelValues().Where(l => l[0] == name && !s.Capital.Any(c => c.Asset == l[1])).ToList()) _capital.RemoveLabelled(labels);
        foreach (var c in s.Capital)
            foreach (var (kind, amount) in new[] { ("allotted", c.Allotted), ("traded", c.Traded), ("usable", c.Usable) })
                _capital.WithLabels(name, c.Asset, kind).Set(Number(amount));
        if (s.Latency is { } latency)
            foreach (var (kind, summary) in new[] { ("reaction", latency.Reaction), ("place", latency.Place), ("cancel", latency.Cancel) })
            {
                var samples = summary?.Samples ?? 0;
                _latencySamples.WithLabels(name, kind).Set(samples);
                _latency.WithLabels(name, kind, "0.5").Set(samples == 0 ? double.NaN : summary!.P50Micros / 1e6);
                _latency.WithLabels(name, kind, "0.99").Set(samples == 0 ? double.NaN : summary!.P99Micros / 1e6);
                _latency.WithLabels(name, kind, "1").Set(samples == 0 ? double.NaN : summary!.MaxMicros / 1e6);
            }
        // A run without a switch (or not armed yet) leaves no series behind from a run before it.
        if (s.DeadManSwitch is { } d)
        {
            _deadManArmed.WithLabels(name).Set(d.Armed ? 1 : 0);
            _deadManFailures.WithLabels(name).Set(d.ConsecutiveFailures);
        }
        else foreach (var gauge in new[] { _deadManArmed, _deadManFailures }) gauge.RemoveLabelled(name);
        if (s.DeadManSwitch?.Deadline is { } deadline) _deadManDeadline.WithLabels(name).Set(deadline.Seconds + deadline.Nanos / 1e9);
        else _deadManDeadline.RemoveLabelled(name);
        foreach (var (span, figures) in new[] { ("session", s.Session), ("cumulative", s.Cumulative) })
        {
            if (figures is null) continue;
            _fills.WithLabels(name, span).Set(figures.Fills);
            _quoteVolume.WithLabels(name, span).Set(Number(figures.QuoteVolume));
            _pnl.WithLabels(name, span, "realized").Set(Number(figures.RealizedPnl));
            _pnl.WithLabels(name, span, "unrealized").Set(Number(figures.UnrealizedPnl));
            _pnl.WithLabels(name, span, "fees").Set(Number(figures.FeesInQuote));
            _pnl.WithLabels(name, span, "funding").Set(Number(figures.FundingPnl));
            _pnl.WithLabels(name, span, "net").Set(Number(figures.NetPnl));
        }
    }

    /// <summary>INSTANCE_STATE_RUNNING → running.</summary>
    private static string StateName(InstanceState state) => state.ToString().ToLowerInvariant();

    private static double Number(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
