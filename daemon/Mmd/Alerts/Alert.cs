namespace Mmd.Alerts;

public enum AlertLevel
{
    Critical,
    Warning,
    /// <summary>The condition an earlier alert said has ended.</summary>
    Resolved,
    /// <summary>An operator's test of the destinations (mmctl alerts --test).</summary>
    Test,
    /// <summary>News, not trouble: the daily digest.</summary>
    Info,
}

/// <summary>Something that needs an operator: about an instance, or about the daemon itself when <see cref="Instance"/> is null.</summary>
/// <param name="Condition">crash_loop, failed, orders_unconfirmed, kill_switch, daily_loss_halt, dead_man_switch, unhealthy, not_quoting, restarted, resource, capital_overlap, daily or test.</param>
public sealed record Alert(DateTimeOffset Time, AlertLevel Level, string? Instance, string Condition, string Message)
{
    public string LevelName => Level.ToString().ToLowerInvariant();

    /// <summary>One line for a chat: "[CRITICAL] bot1: crash loop: ...".</summary>
    public string Text => $"[{LevelName.ToUpperInvariant()}] {Instance ?? "mmd"}: {Message}";
}
