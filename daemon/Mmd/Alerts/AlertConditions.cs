using GrpcMM.Protos.V1;

namespace Mmd.Alerts;

/// <summary>What the alert rules read of an instance: its snapshot, and whether its book is left unconfirmed.</summary>
public sealed record InstanceFacts(Instance Instance, bool BookUnconfirmed);

/// <summary>A condition that holds: raised when it began (<paramref name="Since"/>), said as it is now.</summary>
public sealed record ActiveCondition(AlertLevel Level, string? Instance, string Condition, string Message, DateTimeOffset Since)
{
    public string LevelName => Level.ToString().ToLowerInvariant();
}

/// <summary>
/// The alert rules: which conditions hold now, from the instances' snapshots and the resource checks. A condition is
/// said when it begins, again every <c>repeatAfter</c> while it lasts (never when zero), and once when it ends; an
/// instance that is deleted takes its conditions with it silently. A restart is an event, said at most once per
/// <c>repeatAfter</c> per instance (the next one counts those in between), and not during a crash loop, which says it.
/// Not thread-safe: one monitor calls it.
/// </summary>
/// <param name="notQuotingAfter">How long a running worker may have no order on the book before it is said; zero: never.</param>
public sealed class AlertConditions(TimeSpan unhealthyAfter, TimeSpan repeatAfter, TimeSpan notQuotingAfter = default)
{
    private sealed class Active(string condition, AlertLevel level, string message, DateTimeOffset sent)
    {
        public string Condition { get; } = condition;
        public AlertLevel Level { get; set; } = level;
        public string Message { get; set; } = message;
        public DateTimeOffset Since { get; } = sent;
        public DateTimeOffset LastSent { get; set; } = sent;
    }

    private readonly Dictionary<(string? Instance, string Key), Active> _active = [];
    private readonly Dictionary<string, uint> _restartsSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset Sent, int Unsaid)> _restartAlerts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _unhealthySince = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _notQuotingSince = new(StringComparer.Ordinal);

    /// <summary>
    /// The alerts due now. <paramref name="resources"/> null: not read this time, so the resource conditions stand as
    /// they were.
    /// </summary>
    public IReadOnlyList<Alert> Evaluate(IReadOnlyList<InstanceFacts> instances, IReadOnlyList<ResourceCheck>? resources, DateTimeOffset now)
    {
        var alerts = new List<Alert>();
        var present = new Dictionary<(string?, string), (string Condition, AlertLevel Level, string Message)>();
        foreach (var facts in instances)
        {
            Conditions(facts, now, present);
            Restarts(facts.Instance, now, alerts);
        }
        CapitalOverlaps(instances, present);
        if (resources is not null)
            foreach (var check in resources.Where(c => !c.Ok))
                present[(null, ResourceKey + check.Name)] = ("resource", AlertLevel.Warning, $"{check.Name} is {check.Value}, wants {check.Threshold}");

        foreach (var (key, (condition, level, message)) in present)
        {
            if (!_active.TryGetValue(key, out var active))
            {
                _active[key] = new Active(condition, level, message, now);
                alerts.Add(new Alert(now, level, key.Item1, condition, message));
                continue;
            }
            (active.Level, active.Message) = (level, message);
            if (repeatAfter > TimeSpan.Zero && now - active.LastSent >= repeatAfter)
            {
                active.LastSent = now;
                alerts.Add(new Alert(now, level, key.Item1, condition, "still: " + message));
            }
        }
        var names = instances.Select(f => f.Instance.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, active) in _active.Where(a => !present.ContainsKey(a.Key)).ToList())
        {
            if (key.Instance is null && key.Key.StartsWith(ResourceKey, StringComparison.Ordinal) && resources is null) continue; // not read this time
            _active.Remove(key);
            if (key.Instance is null || names.Contains(key.Instance))
                alerts.Add(new Alert(now, AlertLevel.Resolved, key.Instance, active.Condition, "resolved: " + active.Message));
        }
        foreach (var gone in _restartsSeen.Keys.Where(n => !names.Contains(n)).ToList())
        {
            _restartsSeen.Remove(gone);
            _restartAlerts.Remove(gone);
            _unhealthySince.Remove(gone);
            _notQuotingSince.Remove(gone);
        }
        return alerts;
    }

    /// <summary>The conditions that hold as of the last <see cref="Evaluate"/>: critical first, then the oldest first.</summary>
    public IReadOnlyList<ActiveCondition> Holding() =>
        [.. _active.Select(a => new ActiveCondition(a.Value.Level, a.Key.Instance, a.Value.Condition, a.Value.Message, a.Value.Since))
            .OrderBy(a => a.Level).ThenBy(a => a.Since).ThenBy(a => a.Instance, StringComparer.Ordinal)];

    private void Conditions(InstanceFacts facts, DateTimeOffset now, Dictionary<(string?, string), (string, AlertLevel, string)> present)
    {
        var i = facts.Instance;
        void Holds(string condition, AlertLevel level, string message) => present[(i.Name, condition)] = (condition, level, message);

        if (i.DesiredState == DesiredState.Running && i.ConsecutiveFailures >= 2)
            Holds("crash_loop", AlertLevel.Critical, $"crash loop: {i.ConsecutiveFailures} failures in a row; the last: {i.LastExitReason}");
        if (i.State == InstanceState.Failed)
            Holds("failed", AlertLevel.Critical, $"its worker failed and its restart policy does not restart it: {i.LastExitReason}");
        if (facts.BookUnconfirmed && i.State is InstanceState.Failed or InstanceState.Stopped or InstanceState.Exited or InstanceState.Created)
            Holds("orders_unconfirmed", AlertLevel.Critical,
                $"no worker confirmed that none of its orders is left on the venue (the last run: {i.LastExitReason}); mmctl status {i.Name} says more");
        if (i.Pid != 0 && i.Stats is { } stats)
        {
            if (stats.KillSwitchTripped) Holds("kill_switch", AlertLevel.Critical, $"kill switch tripped: {stats.KillSwitchReason}");
            if (stats.DailyLossHalt.Length > 0) Holds("daily_loss_halt", AlertLevel.Critical, $"daily loss halt: {stats.DailyLossHalt}");
            // Two pushes in a row refused or lost: the venue cancels every order it covers at the deadline unless one gets through.
            if (stats.DeadManSwitch is { Armed: true, ConsecutiveFailures: >= 2 } dms)
                Holds("dead_man_switch", AlertLevel.Critical, $"the venue's dead-man's switch was not pushed back {dms.ConsecutiveFailures} times in a row: "
                    + $"it cancels the orders at {dms.Deadline?.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) ?? "its deadline"} unless a push gets through");
        }
        var running = i.State == InstanceState.Running && i.Pid != 0;
        if (HeldFor(_unhealthySince, i.Name, running && !i.Health.Healthy, now) is { } sick && sick >= unhealthyAfter)
            Holds("unhealthy", AlertLevel.Warning, $"unhealthy for {sick.TotalSeconds:0} s: {(i.Health.Problem.Length > 0 ? i.Health.Problem : "no health report")}");

        // Alive but not trading: a running worker with nothing of its own on the book that nothing meant to stop (an
        // operator's pause, a kill switch, a daily loss halt): every order refused, a grid past its range, no balance.
        var quiet = notQuotingAfter > TimeSpan.Zero && running
            && i.Stats is { QuotingPaused: false, KillSwitchTripped: false, DailyLossHalt.Length: 0, OpenBuyOrders: 0, OpenSellOrders: 0 };
        if (HeldFor(_notQuotingSince, i.Name, quiet, now) is { } idle && idle >= notQuotingAfter)
            Holds("not_quoting", AlertLevel.Warning, $"quoting nothing for {idle.TotalSeconds:0} s: no order of its own on the book"
                + (i.Stats.OrdersRejected > 0 ? $"; {i.Stats.OrdersRejected} refused by the venue since its worker started" : ""));
    }

    /// <summary>
    /// How long <paramref name="holds"/> has been true of the instance, from the first look it was (kept in
    /// <paramref name="since"/>); null, and forgotten, while it is not.
    /// </summary>
    private static TimeSpan? HeldFor(Dictionary<string, DateTimeOffset> since, string name, bool holds, DateTimeOffset now)
    {
        if (!holds)
        {
            since.Remove(name);
            return null;
        }
        if (!since.TryGetValue(name, out var from)) since[name] = from = now;
        return now - from;
    }

    private const string ResourceKey = "resource/";

    /// <summary>
    /// Running instances on one account whose parts of an asset (their capital, and what their trades moved) add up to more
    /// than the account holds: each sizes its orders from a part another one counts on too, as if none had capital.
    /// </summary>
    private static void CapitalOverlaps(IReadOnlyList<InstanceFacts> instances, Dictionary<(string?, string), (string, AlertLevel, string)> present)
    {
        var parts = instances.Select(f => f.Instance).Where(i => i.Pid != 0 && i.Stats is { Capital.Count: > 0 })
            .SelectMany(i => i.Stats.Capital.Select(c => (Account: i.Spec.VenueAccount, i.Name, c.Asset, Own: Number(c.Allotted) + Number(c.Traded), Held: Number(c.Account))));
        foreach (var group in parts.GroupBy(p => (p.Account, p.Asset)))
        {
            var sharing = group.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
            var together = sharing.Sum(p => p.Own);
            // Each read the account at its own moment: the most it was seen to hold.
            var held = sharing.Max(p => p.Held);
            if (sharing.Count < 2 || together <= held) continue;
            present[(null, $"capital/{group.Key.Account}/{group.Key.Asset}")] = ("capital_overlap", AlertLevel.Warning,
                FormattableString.Invariant($"the instances on {group.Key.Account} given {group.Key.Asset} count on {together} of it together ")
                + $"({string.Join(", ", sharing.Select(p => FormattableString.Invariant($"{p.Name} {p.Own}")))}); "
                + FormattableString.Invariant($"the account holds {held}: each may use what another counts on"));
        }

        static decimal Number(string text) =>
            decimal.TryParse(text, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : 0m;
    }

    private void Restarts(Instance i, DateTimeOffset now, List<Alert> alerts)
    {
        var seen = _restartsSeen.TryGetValue(i.Name, out var before);
        _restartsSeen[i.Name] = i.Restarts;
        if (!seen || i.Restarts <= before) return; // first sight, or the count started over (an operator's start)
        var restarts = (int)(i.Restarts - before);
        if (i.ConsecutiveFailures >= 2) return; // the crash loop says it
        var last = _restartAlerts.TryGetValue(i.Name, out var said) ? said : (Sent: DateTimeOffset.MinValue, Unsaid: 0);
        if (repeatAfter > TimeSpan.Zero && now - last.Sent < repeatAfter)
        {
            _restartAlerts[i.Name] = (last.Sent, last.Unsaid + restarts);
            return;
        }
        var unsaid = last.Unsaid + restarts - 1;
        _restartAlerts[i.Name] = (now, 0);
        alerts.Add(new Alert(now, AlertLevel.Warning, i.Name, "restarted",
            $"its worker was restarted (restart {i.Restarts}): {i.LastExitReason}{(unsaid > 0 ? $"; {unsaid} more restart{(unsaid == 1 ? "" : "s")} since the last alert" : "")}"));
    }
}
