using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Mmd.Trading.Execution;

namespace Mmd.Hosting;

/// <summary>
/// <c>mmd candles</c>: a venue's candles (klines) for a symbol over a span, read now: as a table, JSON lines, or a CSV
/// that <c>mmd backtest --prices</c> replays as a recorded market.
/// </summary>
public static class CandlesCommand
{
    /// <summary>More than this in one read is more likely a wrong interval than a wish (a month of minutes is 43 200).</summary>
    public const int MaxCandles = 50_000;

    public static Command Create()
    {
        var symbol = new Option<string>("--symbol") { Description = "The venue's symbol, e.g. SOL_USDC (mmd markets lists them)", Required = true };
        var interval = new Option<string>("--interval") { Description = $"The candles' interval: {CandleIntervals.Names} (default 1m)", DefaultValueFactory = _ => "1m" };
        var since = new Option<string>("--since") { Description = "From: a span back from now (90m, 6h, 1d) or a UTC time (2026-12-01, 2026-12-01T08:00:00Z); default 1d", DefaultValueFactory = _ => "1d" };
        var until = new Option<string?>("--until") { Description = "To: a span back from now or a UTC time (default now)" };
        var options = new VenueReadOptions("The venue (one; the paper venue's market lives inside each instance)", csv: true);
        var command = new Command("candles", "A venue's candles for a symbol over a span (public data: no credentials needed): a table, JSON lines, or -o csv for mmd backtest --prices. Reads only.");
        foreach (var o in options.All.Prepend(until).Prepend(since).Prepend(interval).Prepend(symbol)) command.Options.Add(o);
        command.SetAction(async (result, cancellationToken) =>
        {
            var now = TimeProvider.System.GetUtcNow();
            if (CandleIntervals.Parse(result.GetValue(interval)!) is not { } width)
                return RunCommand.Fail($"mmd candles: --interval '{result.GetValue(interval)}' is not one of {CandleIntervals.Names}");
            if (ParseTime(result.GetValue(since)!, now) is not { } from) return RunCommand.Fail($"mmd candles: --since '{result.GetValue(since)}' is neither a span (6h, 1d) nor a UTC time (2026-12-01T08:00:00Z)");
            var to = now;
            if (result.GetValue(until) is { } untilText)
            {
                if (ParseTime(untilText, now) is not { } parsed) return RunCommand.Fail($"mmd candles: --until '{untilText}' is neither a span (6h, 1d) nor a UTC time (2026-12-01T08:00:00Z)");
                to = parsed;
            }
            if (from >= to) return RunCommand.Fail($"mmd candles: --since ({from.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z) is not before --until ({to.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z)");
            if ((to - from) / width > MaxCandles)
                return RunCommand.Fail($"mmd candles: {(to - from) / width:0} candles of {CandleIntervals.Name(width)} is more than {MaxCandles} in one read; a longer interval or a shorter span");
            if (options.OneLiveVenue(result, "candles", NoPaperHistory) is not { } venue) return ExitCodes.InvalidInput;
            if (options.Load(result, "candles") is not { } loaded) return ExitCodes.InvalidInput;
            var (config, secrets) = loaded;

            var name = result.GetValue(symbol)!;
            var (candles, error) = await VenueSession.ReadPublicAsync(venue, options.Settings(result, secrets), config, TimeProvider.System,
                (connector, ct) => ReadAsync(connector, name, width, from, to, ct), cancellationToken, ReadTimeout((to - from) / width));
            if (candles is null)
            {
                await Console.Error.WriteLineAsync($"mmd candles: could not read the {name} candles on {venue}: {error}");
                return ExitCodes.Failure;
            }
            Console.Out.Write(options.Csv(result) ? Csv(candles) : options.Json(result) ? JsonLines(venue, name, candles) : Text(venue, name, width, from, to, candles));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Why the paper venue is refused: it has no market of its own to read.</summary>
    internal const string NoPaperHistory = "the paper venue's market is simulated inside each instance, with no history of its own; name a live venue: --venue backpack, aster, paradex or lighter";

    /// <summary>The candles, from a connector that has a candle history (every real venue's).</summary>
    internal static Task<IReadOnlyList<Candle>> ReadAsync(IExchangeConnector connector, string symbol, TimeSpan interval, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken) =>
        connector is ICandleHistory history ? history.GetCandlesAsync(symbol, interval, since, until, cancellationToken)
            : throw new NotSupportedException($"{connector.Venue} serves no candles");

    /// <summary>The usual 15 s, and a second more for every 1 000 candles (a long span is read in pages).</summary>
    internal static TimeSpan ReadTimeout(double candles) => VenueSession.Timeout + TimeSpan.FromSeconds(Math.Ceiling(candles / 1000));

    /// <summary>"6h", "1d", "90m" back from <paramref name="now"/>, or a UTC date or time; null when it is neither.</summary>
    internal static DateTimeOffset? ParseTime(string text, DateTimeOffset now)
    {
        List<Specs.FieldViolation> errors = [];
        if (text.Length > 1 && char.IsDigit(text[0]) && char.IsLetter(text[^1]) && RunCommand.ParseDuration(text, "span", errors) is { } span) return now - span;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;
    }

    public static string Csv(IEnumerable<Candle> candles)
    {
        var text = new StringBuilder("time,open,high,low,close,volume\n");
        foreach (var c in candles)
            text.Append(CultureInfo.InvariantCulture, $"{c.Time.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ},{TextTable.Plain(c.Open)},{TextTable.Plain(c.High)},{TextTable.Plain(c.Low)},{TextTable.Plain(c.Close)},{TextTable.Plain(c.Volume)}\n");
        return text.ToString();
    }

    public static string JsonLines(string venue, string symbol, IEnumerable<Candle> candles)
    {
        var text = new StringBuilder();
        foreach (var c in candles)
            text.Append(JsonSerializer.Serialize(new
            {
                venue, symbol, time = c.Time.UtcDateTime,
                open = TextTable.Plain(c.Open), high = TextTable.Plain(c.High), low = TextTable.Plain(c.Low), close = TextTable.Plain(c.Close), volume = TextTable.Plain(c.Volume),
            }, TextTable.Json)).Append('\n');
        return text.ToString();
    }

    public static string Text(string venue, string symbol, TimeSpan interval, DateTimeOffset since, DateTimeOffset until, IReadOnlyList<Candle> candles)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"{symbol} on {venue}: {candles.Count} candle{(candles.Count == 1 ? "" : "s")} of {CandleIntervals.Name(interval)} from {since.UtcDateTime:yyyy-MM-dd HH:mm}Z to {until.UtcDateTime:yyyy-MM-dd HH:mm}Z\n");
        if (candles.Count == 0) return text.ToString();
        TextTable.Append(text, ["TIME (UTC)", "OPEN", "HIGH", "LOW", "CLOSE", "VOLUME"],
            candles.Select(c => new[]
            {
                c.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), TextTable.Plain(c.Open), TextTable.Plain(c.High),
                TextTable.Plain(c.Low), TextTable.Plain(c.Close), TextTable.Plain(c.Volume),
            }));
        return text.ToString();
    }
}
