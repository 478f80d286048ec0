using Cocona;
using Grpc.Core;
using Mmctl.Completion;
using Google.Protobuf.WellKnownTypes;
using GrpcMM.Protos.V1;

namespace Mmctl.Commands;

/// <summary>`mmctl orders NAME`, `mmctl fills NAME` and `mmctl report NAME`: what the instance's journal keeps of its trading.</summary>
[UsageRules, IgnoreUnknownOptions]
public sealed class JournalCommands
{
    [Command("orders", Description = "An instance's open orders as its journal keeps them (--all: ended ones too), oldest first; -q: client order ids")]
    public Task<int> Orders([Argument, InstanceNames] string name,
        [Option(Description = "Ended orders too (filled, cancelled, rejected), with their last error")] bool all,
        [Option(Description = "Only orders created this far back: 30m, 2h, 3d")] string? since,
        [Option(Description = "The newest N (default 50, at most 1000)")] uint? limit, CommonOptions o) => InstanceCommands.Run(o, async (c, ct) =>
    {
        var request = new ListOrdersRequest { Name = name, IncludeEnded = all, Limit = limit ?? 0 };
        if (!TrySince(since, out var from)) return SinceRefused(since!);
        request.Since = from;
        var response = await c.Instances.ListOrdersAsync(request, cancellationToken: ct);
        if (o.Json) Output.Printer.JsonLine(response);
        else if (o.Quiet) foreach (var order in response.Orders.Reverse()) Console.Out.WriteLine(order.ClientOrderId);
        else Output.Printer.Orders(name, all, response);
        return ExitCodes.Ok;
    });

    [Command("fills", Description = "An instance's fills as its journal keeps them, oldest first; -q: trade ids")]
    public Task<int> Fills([Argument, InstanceNames] string name,
        [Option(Description = "Only this far back: 30m, 2h, 3d (default: all)")] string? since,
        [Option(Description = "The newest N (default 50, at most 1000)")] uint? limit, CommonOptions o) => InstanceCommands.Run(o, async (c, ct) =>
    {
        var request = new ListFillsRequest { Name = name, Limit = limit ?? 0 };
        if (!TrySince(since, out var from)) return SinceRefused(since!);
        request.Since = from;
        var response = await c.Instances.ListFillsAsync(request, cancellationToken: ct);
        if (o.Json) Output.Printer.JsonLine(response);
        else if (o.Quiet) foreach (var fill in response.Fills.Reverse()) Console.Out.WriteLine(fill.TradeId);
        else Output.Printer.Fills(name, response);
        return ExitCodes.Ok;
    });

    [Command("report", Description = "An instance's trading by UTC day, newest last: fills, volume, maker share, fees and the day's net PnL")]
    public Task<int> Report([Argument, InstanceNames] string name,
        [Option(Description = "Today and the days before it (default 7, at most 31)")] uint? days, CommonOptions o) => InstanceCommands.Run(o, async (c, ct) =>
    {
        var response = await c.Instances.GetDailyReportAsync(new GetDailyReportRequest { Name = name, Days = days ?? 0 }, cancellationToken: ct);
        if (o.Json) Output.Printer.JsonLine(response);
        else Output.Printer.Report(name, response);
        return ExitCodes.Ok;
    });

    [Command("export", Description = "Every fill of an instance in its journal, oldest first, as CSV with a header (-o json: a JSON line each): for a spreadsheet, or the books")]
    public Task<int> Export([Argument, InstanceNames] string name,
        [Option(Description = "From: an age (30d) or a UTC date or time (2026-11-01, 2026-11-01T12:00Z); default: the first fill")] string? since,
        [Option(Description = "Before: an age or a UTC date or time, as --since; default: now")] string? until, CommonOptions o) => InstanceCommands.Run(o, async (c, ct) =>
    {
        if (!TryTime(since, out var from)) return TimeRefused("--since", since!);
        if (!TryTime(until, out var to)) return TimeRefused("--until", until!);
        using var call = c.Instances.ExportFills(new ExportFillsRequest { Name = name, Since = from, Until = to }, cancellationToken: ct);
        var output = Console.Out;
        if (!o.Json) await output.WriteLineAsync(Output.Printer.FillsCsvHeader);
        await foreach (var page in call.ResponseStream.ReadAllAsync(ct))
            foreach (var fill in page.Fills)
                if (o.Json) Output.Printer.JsonLine(fill);
                else await output.WriteLineAsync(Output.Printer.FillCsv(fill));
        return ExitCodes.Ok;
    });

    /// <summary>An age back from now (30m, 2h, 3d) or a UTC date or time; null without one. False when the text is neither.</summary>
    internal static bool TryTime(string? text, out Timestamp? time)
    {
        if (TrySince(text, out time)) return true;
        if (!DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var at)) return false;
        time = Timestamp.FromDateTimeOffset(at);
        return true;
    }

    private static int TimeRefused(string option, string text) =>
        InstanceCommands.Fail($"mmctl: {option} {text}: an age such as 30m, 2h or 3d, or a UTC date or time such as 2026-11-01 or 2026-11-01T12:00Z");

    /// <summary>The time a --since age (30m, 2h, 3d) goes back to; null without one. False when the text is not an age.</summary>
    internal static bool TrySince(string? text, out Timestamp? since)
    {
        since = null;
        if (text is null) return true;
        if (!LogsCommand.TryParseAge(text, out var age)) return false;
        since = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow - age);
        return true;
    }

    internal static int SinceRefused(string since) => InstanceCommands.Fail($"mmctl: --since: '{since}' is not a duration like 30m, 2h or 3d");
}
