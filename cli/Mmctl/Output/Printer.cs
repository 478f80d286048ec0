using System.Globalization;
using Google.Protobuf;
using GrpcMM.Protos.V1;
using Spectre.Console;

namespace Mmctl.Output;

/// <summary>Tables for people, JSON lines for scripts, names for `-q`.</summary>
public static partial class Printer
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public static void JsonLine(IMessage message) => Console.Out.WriteLine(Json.Format(message));

    /// <summary>
    /// A table or grid as plain lines, at the terminal's width: without the spaces Spectre pads every line with up to
    /// the widest cell of the last column, and without the blank lines its simple border draws above and below.
    /// </summary>
    public static void Write(Spectre.Console.Rendering.IRenderable renderable)
    {
        foreach (var line in Lines(renderable, AnsiConsole.Profile.Width)) Console.Out.WriteLine(line);
    }

    /// <summary>What a terminal without colours, <paramref name="width"/> wide, shows of it: trimmed lines, the blank ones around it left out.</summary>
    public static IReadOnlyList<string> Lines(Spectre.Console.Rendering.IRenderable renderable, int width)
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(text),
        });
        console.Profile.Width = width;
        console.Write(renderable);
        var lines = text.ToString().Split('\n').Select(l => l.TrimEnd()).ToList();
        var first = lines.FindIndex(l => l.Length > 0);
        return first < 0 ? [] : lines[first..(lines.FindLastIndex(l => l.Length > 0) + 1)];
    }

    public static void Instances(IReadOnlyList<Instance> instances, Commands.CommonOptions o, DateTimeOffset now)
    {
        if (o.Json)
        {
            foreach (var i in instances) JsonLine(i);
            return;
        }
        if (o.Quiet)
        {
            foreach (var i in instances) Console.Out.WriteLine(i.Name);
            return;
        }
        if (instances.Count == 0)
        {
            Console.Out.WriteLine("no instances (create one: mmctl start --template paper-spot-mm NAME)");
            return;
        }
        Write(InstanceTable(instances, now));
        if (Totals(instances) is { } totals) Console.Out.WriteLine(totals);
    }

    /// <summary>
    /// The instances at a glance, under their table when there is more than one (null otherwise): how many in each state,
    /// and this session's fills and net PnL added up (by quote asset: USDC and USDT are not one currency).
    /// </summary>
    public static string? Totals(IReadOnlyCollection<Instance> instances)
    {
        if (instances.Count < 2) return null;
        var states = instances.GroupBy(i => i.State).OrderBy(g => g.Key).Select(g => $"{g.Count()} {StateName(g.Key).ToLowerInvariant()}");
        var trading = instances.Where(i => i.Stats?.Session is not null).Select(i => i.Stats).ToList();
        var pnl = trading
            .Select(s => (Asset: s.QuoteAsset, Known: decimal.TryParse(s.Session.NetPnl, NumberStyles.Number, CultureInfo.InvariantCulture, out var net), Net: net))
            .Where(p => p.Asset.Length > 0 && p.Known)
            .GroupBy(p => p.Asset, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{Money(g.Sum(p => p.Net))} {g.Key}").ToList();
        var fills = trading.Aggregate(0UL, (sum, s) => sum + s.Session.Fills);
        return $"{instances.Count} instances: {string.Join(", ", states)}; this session: {fills} fills, net PnL {(pnl.Count == 0 ? "0" : string.Join(", ", pnl))}";
    }

    /// <summary>`mmctl watch`'s live view: the table, and the totals line under it as `mmctl status` prints it.</summary>
    public static Spectre.Console.Rendering.IRenderable LiveView(IReadOnlyCollection<Instance> instances, DateTimeOffset now) =>
        Totals(instances) is { } totals ? new Rows(InstanceTable(instances, now), new Text(totals)) : InstanceTable(instances, now);

    public static Table InstanceTable(IEnumerable<Instance> instances, DateTimeOffset now)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var c in new[] { "NAME", "STATE", "PID", "UPTIME", "RESTARTS", "HEALTH", "VENUE", "SYMBOL", "MID", "QUOTES", "FILLS", "NET PNL", "LAST EXIT" })
            table.AddColumn(new TableColumn(c).NoWrap());
        foreach (var i in instances) table.AddRow(Row(i, now).Select(Markup.Escape).ToArray());
        return table;
    }

    public static string[] Row(Instance i, DateTimeOffset now)
    {
        var s = i.Stats;
        return
        [
            i.Name,
            State(i, now),
            i.Pid == 0 ? "-" : i.Pid.ToString(CultureInfo.InvariantCulture),
            i.StartedAt is null || i.Pid == 0 ? "-" : Age(now - i.StartedAt.ToDateTimeOffset()),
            i.Restarts.ToString(CultureInfo.InvariantCulture),
            i.Pid == 0 ? "-" : i.Health.Healthy ? "ok" : i.Health.Problem.Length > 0 ? i.Health.Problem : "waiting",
            i.Spec.Venue.Length == 0 ? "paper" : i.Spec.Venue,
            i.Spec.Symbol,
            s?.Mid is { Length: > 0 } mid ? mid : "-",
            s is null ? (i.Spec.QuotingPaused ? "paused" : "-") : s.KillSwitchTripped ? "kill switch" : s.DailyLossHalt.Length > 0 ? "daily loss" : s.QuotingPaused ? "paused" : $"{s.OpenBuyOrders}/{s.OpenSellOrders}",
            s?.Session is null ? "-" : s.Session.Fills.ToString(CultureInfo.InvariantCulture),
            s?.Session is null ? "-" : Money(s.Session.NetPnl),
            LastExit(i, now),
        ];
    }

    /// <summary>How long ago and why: a running instance's last exit may be from days before, or from a moment ago.</summary>
    private static string LastExit(Instance i, DateTimeOffset now) =>
        i.LastExitReason.Length == 0 || i.LastExitAt is null ? i.LastExitReason : $"{Age(now - i.LastExitAt.ToDateTimeOffset())} ago: {i.LastExitReason}";

    public static string State(Instance i, DateTimeOffset now)
    {
        var state = StateName(i.State);
        if (i.State == InstanceState.Backoff && i.NextRetryAt is not null)
            state += $" (retry in {Math.Max(0, (i.NextRetryAt.ToDateTimeOffset() - now).TotalSeconds):0}s{(i.CrashLoop ? ", crash loop" : "")})";
        return state;
    }

    public static string StateName(InstanceState state) => state switch
    {
        InstanceState.Unspecified => "unknown",
        _ => state.ToString().ToUpperInvariant(),
    };

    public static string Age(TimeSpan t) =>
        t.TotalDays >= 1 ? $"{(int)t.TotalDays}d{t.Hours}h" : t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes}m" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds}s" : $"{Math.Max(0, (int)t.TotalSeconds)}s";

    /// <summary>A decimal string of the wire as a number.</summary>
    private static decimal Number(string text) => decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>A decimal in full, without trailing zeros: as the wire writes one.</summary>
    private static string Plain(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    private static string Money(string text) => decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? Money(v) : "-";

    private static string Money(decimal value) => Math.Round(value, 4).ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>
    /// An average price (an entry price) to 8 decimals: a division's 28 digits say nothing a trader can use. The exact
    /// value stays in -o json.
    /// </summary>
    public static string Average(string text) =>
        decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var v) && v.Scale > 8
            ? Math.Round(v, 8).ToString("0.########", CultureInfo.InvariantCulture)
            : text;

    /// <summary>
    /// "backpack: its own; aster: shared by 3 running instances, 1/3 each": each venue's request limits and who shares
    /// them; "…, this one's part 62% (split by demand)" when the daemon gave the busy ones what the quiet ones left.
    /// </summary>
    private static string RequestSharers(Instance i) => string.Join("; ", i.RequestSharers.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v =>
        $"{v.Key}: {(v.Value <= 1 ? "its own" : i.RequestPartPpm.TryGetValue(v.Key, out var ppm)
            ? $"shared by {v.Value} running instances, this one's part {(ppm / 10_000.0).ToString("0.#", CultureInfo.InvariantCulture)}% (split by demand)"
            : $"shared by {v.Value} running instances, 1/{v.Value} each")}"));

    /// <summary>Key/value lines of one instance (mmctl status NAME).</summary>
    public static void Detail(Instance i, DateTimeOffset now)
    {
        var grid = new Grid().AddColumn().AddColumn();
        void Add(string k, string v) => grid.AddRow(Markup.Escape(k), Markup.Escape(v));
        Add("name", i.Name);
        Add("state", State(i, now));
        Add("desired", i.DesiredState.ToString().ToLowerInvariant());
        Add("pid", i.Pid == 0 ? "-" : i.Pid.ToString(CultureInfo.InvariantCulture));
        Add("started", i.StartedAt is null ? "-" : $"{i.StartedAt.ToDateTimeOffset():u} ({Age(now - i.StartedAt.ToDateTimeOffset())} ago)");
        Add("restarts", $"{i.Restarts} (consecutive failures {i.ConsecutiveFailures}{(i.CrashLoop ? ", crash loop" : "")})");
        Add("health", i.Pid == 0 ? "-" : i.Health.Healthy ? "ok" : i.Health.Problem);
        if (i.Health.RssBytes > 0) Add("memory", $"{i.Health.RssBytes / (1024 * 1024)} MB");
        Add("last exit", i.LastExitReason.Length == 0 ? "-" : $"{i.LastExitReason}{(i.LastExitAt is null ? "" : $" at {i.LastExitAt.ToDateTimeOffset():u}")}");
        Add("venue / symbol", $"{(i.Spec.Venue.Length == 0 ? "paper" : i.Spec.Venue)} {i.Spec.Symbol}");
        Add("strategy", i.Spec.StrategyCase.ToString());
        if (i.RestartPending) Add("spec", $"updated since the worker started: it trades with the earlier one until mmctl restart {i.Name}");
        if (i.RequestSharers.Count > 0) Add("request limits", RequestSharers(i));
        if (i.Stats?.QuotingPaused == true || i.Spec.QuotingPaused)
            Add("quoting", $"PAUSED by the operator{(i.Pid == 0 ? ": it starts paused" : "")}; it holds across restarts until mmctl resume {i.Name}");
        if (i.Stats is { } s)
        {
            Add("mid / bid / ask", $"{s.Mid} / {s.BestBid} / {s.BestAsk}");
            Add("our quotes", Quotes(s));
            Add("balances", $"{s.BaseBalance} {s.BaseAsset}, {s.QuoteBalance} {s.QuoteAsset} (value {s.PortfolioValue}){(s.Capital.Count > 0 ? ": its capital's part of the account" : "")}");
            if (s.Capital.Count > 0) Add("capital", Capital(s));
            Add("session", Figures(s.Session, s.QuoteAsset));
            Add("cumulative", Figures(s.Cumulative, s.QuoteAsset));
            if (s.TodayNetPnl.Length > 0 || i.Spec.Risk?.MaxDailyLoss is { Length: > 0 })
                Add("today", $"net {(s.TodayNetPnl.Length == 0 ? "-" : Money(s.TodayNetPnl))} {s.QuoteAsset} since 00:00 UTC"
                    + (i.Spec.Risk?.MaxDailyLoss is { Length: > 0 } limit ? $" (daily loss limit {limit})" : "")
                    + (s.SinceDailyLossHaltLifted.Length > 0 ? $"; the operator lifted a halt: {Money(s.SinceDailyLossHaltLifted)} since, counted against the limit" : ""));
            if (s.DailyLossHalt.Length > 0)
                Add("daily loss", $"HALTED: {s.DailyLossHalt}; only hedges and closes go out");
            if (s.KillSwitchTripped)
                Add("kill switch", $"TRIPPED: {s.KillSwitchReason}; quotes pulled, only hedges and closes go out. It holds across the supervisor's restarts; mmctl restart {i.Name} clears it");
            if (s.StrategyFigures?.Position is { } p)
                Add("position", $"{p.Position} @ {Average(p.EntryPrice)}, unrealized {Money(p.UnrealizedPnl)} {s.QuoteAsset}; target {p.TargetPosition} + {p.PositionThreshold}, max {p.MaxPosition}, skew {p.InventorySkew}, leverage {p.Leverage}x; reductions {p.Reductions}, stop-losses {p.StopLosses}, take-profits {p.TakeProfits}");
            if (s.StrategyFigures?.Grid is { } g)
                Add("grid", $"{g.Type} {g.Mode} {g.LowerPrice}-{g.UpperPrice}, {g.Levels} levels; fills {g.BuyFills} buys / {g.SellFills} sells, {g.RoundTrips} round trips, profit {Money(g.Profit)} {s.QuoteAsset}; orders {g.ActiveBuys}/{g.ActiveSells}, locked {g.LockedLevels}");
            if (s.StrategyFigures?.Model is { } model)
                Add("model", $"Avellaneda-Stoikov: σ {model.Sigma:0.####}/√s, κ {model.Kappa:0.##}, reservation {model.ReservationPrice} ± {model.HalfSpread}");
            if (s.StrategyFigures?.Hedge is { } h)
            {
                Add("hedge", $"residual {h.Residual} (reference {h.ReferencePosition}), {h.Hedges} hedges, {h.HedgeFailures} failed{(h.QuotingHeld ? "; QUOTING HELD until a hedge succeeds" : "")}");
                if (h.Market is { } m)
                {
                    Add("hedge market", $"{m.Venue} {m.Symbol}, mid {m.Mid}; position {m.Cumulative.Position} @ {Average(m.Cumulative.AverageEntryPrice)}");
                    Add("hedge session", Figures(m.Session, s.QuoteAsset));
                    Add("hedge cumulative", Figures(m.Cumulative, s.QuoteAsset));
                }
            }
            if (s.StrategyFigures is { LastProtectiveAction.Length: > 0 } f)
                Add("last protective action", $"{f.LastProtectiveAction}{(f.LastProtectiveActionTime is null ? "" : $" at {f.LastProtectiveActionTime.ToDateTimeOffset():u}")}");
            Add("orders", $"placed {s.OrdersPlaced}, cancelled {s.OrdersCancelled}, rejected {s.OrdersRejected}, post-only retries {s.PostOnlyRetries}, withdrawn unsent {s.OrdersWithdrawn}, rebalances {s.Rebalances}, risk denials {s.RiskDenials}");
            if (s.Latency is { } l)
                Add("latency (last minute)", $"book to order {Latency(l.Reaction)}; place {Latency(l.Place)}; cancel {Latency(l.Cancel)}");
            if (s.DeadManSwitch is { } d) Add("dead-man's switch", DeadManSwitch(d));
        }
        Write(grid);
    }

    /// <summary>mmctl history: the runs, then the events, each oldest first (the newest end next to the prompt).</summary>
    public static void History(string name, GetInstanceHistoryResponse history)
    {
        if (history.Runs.Count == 0) Console.Out.WriteLine($"{name}: no worker ran in that time");
        else
        {
            var runs = new Table().Border(TableBorder.Simple);
            foreach (var c in new[] { "PID", "STARTED", "ENDED", "RAN", "EXIT", "REASON" }) runs.AddColumn(new TableColumn(c).NoWrap());
            foreach (var r in history.Runs.Reverse())
            {
                var started = r.StartedAt.ToDateTimeOffset();
                var ended = r.EndedAt?.ToDateTimeOffset();
                runs.AddRow(new[]
                {
                    r.Pid.ToString(CultureInfo.InvariantCulture), Time(started), ended is { } e ? Time(e) : "running",
                    Age((ended ?? DateTimeOffset.UtcNow) - started), r.HasExitCode ? r.ExitCode.ToString(CultureInfo.InvariantCulture) : ended is null ? "-" : "killed",
                    r.Reason.Length == 0 ? "-" : r.Reason,
                }.Select(Markup.Escape).ToArray());
            }
            Write(runs);
        }
        Console.Out.WriteLine();
        if (history.Events.Count == 0) Console.Out.WriteLine($"{name}: no events in that time");
        else
        {
            var events = new Table().Border(TableBorder.Simple);
            foreach (var c in new[] { "TIME", "KIND", "EVENT" }) events.AddColumn(new TableColumn(c).NoWrap());
            foreach (var e in history.Events.Reverse()) events.AddRow(Markup.Escape(Time(e.Time.ToDateTimeOffset())), Markup.Escape(e.Kind), Markup.Escape(e.Message));
            Write(events);
        }
    }

    private static string Time(DateTimeOffset t) => t.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    // A stopped instance, or one quoting a single side, has no price (or spread) for a side: "-", not an empty gap.
    /// <summary>"2.1 SOL of the account's 100 (allotted 2, traded +0.1), ...": what the instance sizes from, and why.</summary>
    private static string Capital(InstanceStats s) => string.Join(", ", s.Capital.Select(c =>
    {
        var traded = decimal.TryParse(c.Traded, NumberStyles.Number, CultureInfo.InvariantCulture, out var t) ? t : 0m;
        var held = decimal.TryParse(c.Account, NumberStyles.Number, CultureInfo.InvariantCulture, out var a) ? a : 0m;
        var allotted = decimal.TryParse(c.Allotted, NumberStyles.Number, CultureInfo.InvariantCulture, out var g) ? g : 0m;
        var shortfall = allotted + traded > held ? ": the account holds less than its part" : "";
        return $"{Money(c.Usable)} {c.Asset} of the account's {Money(c.Account)} (allotted {c.Allotted}, traded {(traded >= 0 ? "+" : "")}{Money(traded)}{shortfall})";
    }));

    private static string Quotes(InstanceStats s) => s.OpenBuyOrders + s.OpenSellOrders == 0
        ? "none"
        : $"{OrDash(s.BestQuoteBid)} / {OrDash(s.BestQuoteAsk)} ({s.OpenBuyOrders} buys, {s.OpenSellOrders} sells, spread {(s.QuoteSpreadPct.Length == 0 ? "-" : s.QuoteSpreadPct + " %")})";

    private static string DeadManSwitch(DeadManSwitchFigures d)
    {
        if (!d.Armed) return $"on ({d.CountdownSeconds} s), not armed yet: it arms before the first order";
        var failing = d.ConsecutiveFailures > 0 ? $"; the last {d.ConsecutiveFailures} failed in a row" : "";
        return $"armed ({d.CountdownSeconds} s): pushed back {d.Renewals} times, {d.FailedRenewals} failed{failing}; " +
            $"the venue cancels at {(d.Deadline is null ? "-" : d.Deadline.ToDateTimeOffset().ToString("u", CultureInfo.InvariantCulture))} unless a push gets through first";
    }

    // Milliseconds to three digits: a reaction is tens of microseconds, a venue's answer tens of milliseconds.
    private static string Latency(LatencySummary s) => s.Samples == 0
        ? "-"
        : $"p50 {Millis(s.P50Micros)}, p99 {Millis(s.P99Micros)}, max {Millis(s.MaxMicros)} ms ({s.Samples})";

    private static string Millis(ulong micros) => (micros / 1000.0).ToString(micros < 10_000 ? "0.###" : micros < 100_000 ? "0.#" : "0", CultureInfo.InvariantCulture);

    private static string OrDash(string text) => text.Length == 0 ? "-" : text;

    private static string Figures(TradingFigures f, string quote) =>
        $"{f.Fills} fills ({f.BuyFills} buys, {f.SellFills} sells), volume {Money(f.QuoteVolume)} {quote}, maker {f.MakerBuyVolume}/{f.MakerSellVolume}, taker {f.TakerBuyVolume}/{f.TakerSellVolume}, " +
        $"realized {Money(f.RealizedPnl)}, unrealized {Money(f.UnrealizedPnl)}, fees {Money(f.FeesInQuote)}, funding {Money(f.FundingPnl)}, net {Money(f.NetPnl)} {quote}, wear {(f.WearRatePct.Length == 0 ? "-" : f.WearRatePct + " %")}";
}
