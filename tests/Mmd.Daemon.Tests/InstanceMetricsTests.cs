using Google.Protobuf.WellKnownTypes;
using GrpcMM.Protos.V1;
using Mmd.Metrics;
using Prometheus;

namespace Mmd.Daemon.Tests;

public class InstanceMetricsTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_796_000_000);

    private static Instance Running(string name, string symbol = "SOL_USDC") => new()
    {
        Name = name, State = InstanceState.Running, DesiredState = DesiredState.Running, Pid = 4242, Restarts = 3, RestartPending = true,
        StartedAt = Timestamp.FromDateTimeOffset(Now.AddSeconds(-90)), Spec = new InstanceSpec { Name = name, Venue = "paper", Symbol = symbol },
        Health = new InstanceHealth { Healthy = true, RssBytes = 52_428_800 },
        Stats = new InstanceStats
        {
            Strategy = "spot_market_making", Mid = "150.125", OpenBuyOrders = 2, OpenSellOrders = 1, Time = Timestamp.FromDateTimeOffset(Now.AddSeconds(-2)),
            TodayNetPnl = "-52.5", DailyLossHalt = "today's net PnL -52.5 reached the daily loss limit of 50; quoting resumes at 00:00 UTC",
            Session = new TradingFigures { Fills = 4, QuoteVolume = "601.5", NetPnl = "-0.25", Position = "0.5" },
            Cumulative = new TradingFigures { Fills = 40, QuoteVolume = "6015", RealizedPnl = "12.5", FeesInQuote = "1.2", FundingPnl = "-0.3", NetPnl = "11.75", Position = "-1.5" },
            Latency = new LatencyFigures
            {
                Reaction = new LatencySummary { Samples = 120, P50Micros = 85, P99Micros = 1_250, MaxMicros = 4_000 },
                Place = new LatencySummary { Samples = 240, P50Micros = 12_500, P99Micros = 48_000, MaxMicros = 61_000 },
                Cancel = new LatencySummary(),
            },
            DeadManSwitch = new DeadManSwitchFigures
            {
                CountdownSeconds = 60, Armed = true, Renewals = 30, FailedRenewals = 2, ConsecutiveFailures = 1,
                LastConfirmed = Timestamp.FromDateTimeOffset(Now.AddSeconds(-25)), Deadline = Timestamp.FromDateTimeOffset(Now.AddSeconds(35)),
            },
        },
    };

    [Fact]
    public async Task EachInstance_ShowsItsState_Health_AndFigures_AsGauges()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new InstanceMetrics(registry);
        metrics.Update([Running("bot"), new Instance { Name = "idle", State = InstanceState.Stopped, DesiredState = DesiredState.Stopped }], Now);
        var text = await MetricsScrape.TextAsync(registry);

        Assert.Contains("mmd_instance_state{name=\"bot\",state=\"running\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_state{name=\"bot\",state=\"backoff\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_state{name=\"idle\",state=\"stopped\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instances{state=\"running\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instances{state=\"stopped\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_info{name=\"bot\",venue=\"paper\",symbol=\"SOL_USDC\",strategy=\"spot_market_making\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_restarts{name=\"bot\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_uptime_seconds{name=\"bot\"} 90\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_uptime_seconds{name=\"idle\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_stats_age_seconds{name=\"bot\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_rss_bytes{name=\"bot\"} 52428800\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_open_orders{name=\"bot\",side=\"sell\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_position{name=\"bot\"} -1.5\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_mid_price{name=\"bot\"} 150.125\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_fills{name=\"bot\",span=\"session\"} 4\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_pnl{name=\"bot\",span=\"cumulative\",kind=\"funding\"} -0.3\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_pnl{name=\"bot\",span=\"cumulative\",kind=\"net\"} 11.75\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_pnl{name=\"bot\",span=\"today\",kind=\"net\"} -52.5\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_daily_loss_halt{name=\"bot\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_restart_pending{name=\"bot\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_restart_pending{name=\"idle\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_latency_seconds{name=\"bot\",kind=\"reaction\",quantile=\"0.5\"} 8.5e-05\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_latency_seconds{name=\"bot\",kind=\"place\",quantile=\"0.99\"} 0.048\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_latency_seconds{name=\"bot\",kind=\"place\",quantile=\"1\"} 0.061\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_latency_samples{name=\"bot\",kind=\"place\"} 240\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_latency_seconds{name=\"bot\",kind=\"cancel\",quantile=\"0.5\"} NaN\n", text, StringComparison.Ordinal); // no sample
        Assert.Contains("mmd_instance_latency_samples{name=\"bot\",kind=\"cancel\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_dead_man_switch_armed{name=\"bot\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_dead_man_switch_consecutive_failures{name=\"bot\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_dead_man_switch_deadline_timestamp_seconds{name=\"bot\"} 1796000035\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("mmd_instance_dead_man_switch_armed{name=\"idle\"", text, StringComparison.Ordinal); // no switch: no series
        Assert.DoesNotContain("mmd_instance_pnl{name=\"idle\"", text, StringComparison.Ordinal); // no worker has reported: no figures
    }

    [Fact]
    public async Task ARunWithoutTheSwitch_LeavesNoSwitchSeriesOfTheRunBefore()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new InstanceMetrics(registry);
        var withSwitch = Running("bot");
        metrics.Update([withSwitch], Now);
        Assert.Contains("mmd_instance_dead_man_switch_deadline_timestamp_seconds{name=\"bot\"}", await MetricsScrape.TextAsync(registry), StringComparison.Ordinal);

        var notArmed = Running("bot");
        notArmed.Stats.DeadManSwitch = new DeadManSwitchFigures { CountdownSeconds = 60 };
        metrics.Update([notArmed], Now);
        var text = await MetricsScrape.TextAsync(registry);
        Assert.Contains("mmd_instance_dead_man_switch_armed{name=\"bot\"} 0\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("mmd_instance_dead_man_switch_deadline_timestamp_seconds{name=", text, StringComparison.Ordinal);

        var off = Running("bot");
        off.Stats.DeadManSwitch = null;
        metrics.Update([off], Now);
        var samples = string.Join('\n', (await MetricsScrape.TextAsync(registry)).Split('\n').Where(l => !l.StartsWith('#'))); // the HELP and TYPE lines stay
        Assert.DoesNotContain("mmd_instance_dead_man_switch_", samples, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADeletedInstancesSeries_Go_AndAnEditedSymbolReplacesItsInfo()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new InstanceMetrics(registry);
        metrics.Update([Running("a"), Running("b")], Now);
        metrics.Update([Running("a", symbol: "ETH_USDC")], Now);
        var text = await MetricsScrape.TextAsync(registry);

        Assert.DoesNotContain("name=\"b\"", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_info{name=\"a\",venue=\"paper\",symbol=\"ETH_USDC\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("symbol=\"SOL_USDC\"", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instances{state=\"running\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestSharers_AreASeriesPerLiveVenue_GoneWithTheWorker()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new InstanceMetrics(registry);
        var bot = Running("bot");
        bot.RequestSharers.Add("backpack", 2);
        bot.RequestSharers.Add("aster", 1);
        bot.RequestSharers.Add("lighter", 3);
        bot.RequestPartPpm.Add("backpack", 687_500); // split by demand; lighter's evenly
        metrics.Update([bot], Now);
        var text = await MetricsScrape.TextAsync(registry);
        Assert.Contains("mmd_instance_request_sharers{name=\"bot\",venue=\"backpack\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_request_sharers{name=\"bot\",venue=\"aster\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_request_part{name=\"bot\",venue=\"backpack\"} 0.6875\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_request_part{name=\"bot\",venue=\"aster\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_request_part{name=\"bot\",venue=\"lighter\"} 0.3333333333333333\n", text, StringComparison.Ordinal);

        var stopped = Running("bot");
        stopped.RequestSharers.Add("backpack", 1);
        metrics.Update([stopped], Now);
        text = await MetricsScrape.TextAsync(registry);
        Assert.Contains("mmd_instance_request_sharers{name=\"bot\",venue=\"backpack\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_request_part{name=\"bot\",venue=\"backpack\"} 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("venue=\"aster\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("venue=\"lighter\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Capital_IsASeriesPerAssetAndKind_GoneWhenTheInstanceHasNone()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new InstanceMetrics(registry);
        var bot = Running("bot");
        bot.Stats.Capital.Add(new CapitalFigures { Asset = "SOL", Allotted = "2", Traded = "0.1", Account = "100", Usable = "2.1" });
        bot.Stats.Capital.Add(new CapitalFigures { Asset = "USDC", Allotted = "300", Traded = "-15.2", Account = "250", Usable = "250" });
        metrics.Update([bot], Now);
        var text = await MetricsScrape.TextAsync(registry);
        Assert.Contains("mmd_instance_capital{name=\"bot\",asset=\"SOL\",kind=\"traded\"} 0.1\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_capital{name=\"bot\",asset=\"USDC\",kind=\"allotted\"} 300\n", text, StringComparison.Ordinal);
        Assert.Contains("mmd_instance_capital{name=\"bot\",asset=\"USDC\",kind=\"usable\"} 250\n", text, StringComparison.Ordinal);

        metrics.Update([Running("bot")], Now);
        Assert.DoesNotContain("mmd_instance_capital{", await MetricsScrape.TextAsync(registry), StringComparison.Ordinal);
    }
}
