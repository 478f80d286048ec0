using GrpcMM.Protos.V1;
using Spectre.Console;

namespace Mmctl.Output;

/// <summary>`mmctl alerts`: where alerts go (or that they are only kept here), the conditions that hold now, then the latest
/// raised, newest first, with how each delivery went.</summary>
public static partial class Printer
{
    public static void Alerts(ListAlertsResponse response)
    {
        Console.Out.WriteLine(response.Destinations.Count == 0
            ? "alerts are only kept here and in the daemon's log: to have them sent, set ALERT_WEBHOOK_URL (a webhook), or TELEGRAM_BOT_TOKEN with alerts.telegramChatId, in the daemon's environment or secrets file"
            : $"alerts go to: {string.Join(", ", response.Destinations)}");
        if (response.Active.Count == 0) Console.Out.WriteLine("nothing needs you now: no alert condition holds");
        else
        {
            Console.Out.WriteLine($"{ConditionsHold(response.Active.Count, "condition")} now:");
            var active = Columns(["SINCE", "LEVEL", "INSTANCE", "CONDITION", "NOW"]);
            foreach (var a in response.Active)
                active.AddRow(new[] { Time(a.Since.ToDateTimeOffset()), a.Level, InstanceOrDaemon(a.Instance), a.Condition, a.Message }.Select(Markup.Escape).ToArray());
            Write(active);
        }
        if (response.Alerts.Count == 0)
        {
            Console.Out.WriteLine("none raised since the daemon started");
            return;
        }
        Console.Out.WriteLine("raised lately, newest first:");
        var table = Columns(["TIME", "LEVEL", "INSTANCE", "CONDITION", "DELIVERY", "MESSAGE"]);
        foreach (var a in response.Alerts)
            table.AddRow(new[] { Time(a.Time.ToDateTimeOffset()), a.Level, InstanceOrDaemon(a.Instance), a.Condition, Delivery(a), a.Message }
                .Select(Markup.Escape).ToArray());
        Write(table);
    }

    /// <summary>One alert as a line, for a follower: "2026-12-07 22:53:13.937Z critical bp crash_loop: crash loop: ...".</summary>
    public static string AlertLine(AlertRecord a) =>
        $"{Time(a.Time.ToDateTimeOffset())} {a.Level} {InstanceOrDaemon(a.Instance)} {a.Condition}: {a.Message}";

    /// <summary>"1 condition holds", "2 conditions hold" (<paramref name="what"/>: "condition").</summary>
    public static string ConditionsHold(long count, string what) => count == 1 ? $"1 {what} holds" : $"{count} {what}s hold";

    /// <summary>An alert's instance, "-" for the daemon's own.</summary>
    private static string InstanceOrDaemon(string instance) => instance.Length == 0 ? "-" : instance;

    /// <summary>"webhook ok, telegram failed (3): HTTP 400 ..." in one cell; "-" for an alert raised with nowhere to send it.</summary>
    private static string Delivery(AlertRecord alert) => alert.Deliveries.Count == 0 ? "-" : string.Join(", ", alert.Deliveries.Select(d => d.Status switch
    {
        "delivered" => $"{d.Destination} ok",
        "failed" => $"{d.Destination} failed ({d.Attempts}): {d.Error}",
        _ => $"{d.Destination} {d.Status}",
    }));
}
