using System.CommandLine;
using System.Globalization;
using System.Text;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Hosting;

/// <summary>
/// <c>mmd analyze</c>: the seed's market analysis of a venue's symbol, read now (its candles and its book), and what to
/// start a market maker there with, as an <c>mmctl start</c> line (<see cref="MarketAnalysis"/>).
/// </summary>
public static class AnalyzeCommand
{
    public static Command Create()
    {
        var symbol = new Option<string>("--symbol") { Description = "The venue's symbol, e.g. SOL_USDC (mmd markets lists them)", Required = true };
        var interval = new Option<string>("--interval") { Description = $"The candles' interval: {CandleIntervals.Names} (default 15m, as the seed)", DefaultValueFactory = _ => MarketAnalysis.DefaultInterval };
        var count = new Option<int>("--candles")
        {
            Description = $"How many closed candles ({MarketAnalysis.MinCandles}-{MarketAnalysis.MaxCandles}; default {MarketAnalysis.DefaultCandles})",
            DefaultValueFactory = _ => MarketAnalysis.DefaultCandles,
        };
        var options = new VenueReadOptions("The venue (one; the paper venue's market lives inside each instance)");
        var command = new Command("analyze", "A symbol's trend, volatility and book on a venue now, and the spread, levels and rebalance to start a market maker with (public data: no credentials needed). Reads only.");
        foreach (var o in options.All.Prepend(count).Prepend(interval).Prepend(symbol)) command.Options.Add(o);
        command.SetAction(async (result, cancellationToken) =>
        {
            if (CandleIntervals.Parse(result.GetValue(interval)!) is not { } width)
                return RunCommand.Fail($"mmd analyze: --interval '{result.GetValue(interval)}' is not one of {CandleIntervals.Names}");
            var candles = result.GetValue(count);
            if (candles is < MarketAnalysis.MinCandles or > MarketAnalysis.MaxCandles) return RunCommand.Fail($"mmd analyze: --candles {candles} is out of range ({MarketAnalysis.MinCandles}-{MarketAnalysis.MaxCandles}: the long average is of {MarketAnalysis.Averages[^1]})");
            if (options.OneLiveVenue(result, "analyze", CandlesCommand.NoPaperHistory) is not { } venue) return ExitCodes.InvalidInput;
            if (options.Load(result, "analyze") is not { } loaded) return ExitCodes.InvalidInput;
            var (config, secrets) = loaded;

            var name = result.GetValue(symbol)!;
            var (since, until) = MarketAnalysis.ClosedSpan(TimeProvider.System.GetUtcNow(), width, candles);
            var (read, error) = await VenueSession.ReadPublicAsync(venue, options.Settings(result, secrets), config, TimeProvider.System, async (connector, ct) =>
            {
                var market = (await connector.GetInstrumentsAsync(ct).ConfigureAwait(false)).FirstOrDefault(m => m.Symbol == name)
                    ?? throw new ArgumentException($"{venue} lists no market {name} (mmd markets --venue {venue} lists them)");
                var history = await CandlesCommand.ReadAsync(connector, name, width, since, until, ct).ConfigureAwait(false);
                var book = new BookSummary(await BookCommand.FirstSnapshotAsync(connector, name, ct).ConfigureAwait(false));
                return (Market: market, Candles: history, Book: book);
            }, cancellationToken);
            if (error is not null)
            {
                await Console.Error.WriteLineAsync($"mmd analyze: could not read {name} on {venue}: {error}");
                return ExitCodes.Failure;
            }
            if (read.Candles.Count == 0)
            {
                await Console.Error.WriteLineAsync($"mmd analyze: {venue} has no {CandleIntervals.Name(width)} candles of {name} in the last {candles} intervals (no trades)");
                return ExitCodes.Failure;
            }
            var analysis = new MarketAnalysis(read.Candles, read.Book, spot: read.Market.Kind == InstrumentKind.Spot);
            Console.Out.Write(options.Json(result) ? JsonLine(venue, name, width, analysis) + "\n" : Text(venue, name, width, read.Market.Kind, analysis));
            return ExitCodes.Ok;
        });
        return command;
    }

    public static string Text(string venue, string symbol, TimeSpan interval, InstrumentKind kind, MarketAnalysis a)
    {
        var text = new StringBuilder();
        var width = CandleIntervals.Name(interval);
        text.Append(CultureInfo.InvariantCulture, $"{symbol} on {venue}: {a.Candles} closed candles of {width}\n");
        var averages = string.Join(", ", MarketAnalysis.Averages.Zip(a.MovingAverages, (n, v) => $"{n} {(v is { } x ? Price(x) : "-")}"));
        text.Append(CultureInfo.InvariantCulture, $"  last close {TextTable.Plain(a.Last)}; averages of the closes: {averages}; trend {a.Trend ?? "unknown (fewer than 50 candles)"}\n");
        text.Append(CultureInfo.InvariantCulture, $"  volatility {a.VolatilityPct:0.###} % a candle (standard deviation of the returns)");
        if (a.VersusLongAveragePct is { } versus) text.Append(CultureInfo.InvariantCulture, $"; the last close is {Math.Abs(versus):0.##} % {(versus >= 0 ? "above" : "below")} the 50-candle average");
        text.Append('\n').Append("  book: ").Append(a.Book.Describe()).Append('\n');
        text.Append("suggested:\n");
        text.Append(CultureInfo.InvariantCulture,
            $"  spread {TextTable.Plain(a.SpreadPct)} % (volatility x {MarketAnalysis.SpreadPerVolatility}, kept within {MarketAnalysis.MinSpreadPct}-{MarketAnalysis.MaxSpreadPct} %)\n");
        text.Append(CultureInfo.InvariantCulture, $"  levels {a.Levels} a side ({TextTable.Plain((a.Book.BidsNearMid + a.Book.AsksNearMid) / 2)} resting a side within 1 % of the mid)\n");
        if (a.Rebalance is { } r)
            text.Append(CultureInfo.InvariantCulture,
                $"  rebalance: keep {r.TargetLow}-{r.TargetHigh} % in the base asset, rebalancing past a deviation of {r.ThresholdLow}-{r.ThresholdHigh} %\n");
        text.Append("  ").Append(StartLine(venue, symbol, kind, a)).Append('\n');
        return text.ToString();
    }

    /// <summary>The <c>mmctl start</c> line of the suggestion (the middle of each band).</summary>
    public static string StartLine(string venue, string symbol, InstrumentKind kind, MarketAnalysis a)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"mmctl start NAME --venue {venue} --symbol {symbol} --strategy {(kind == InstrumentKind.Spot ? "spot_market_making" : "perp_market_making")} --spread {TextTable.Plain(a.SpreadPct)} --levels {a.Levels}");
        return a.Rebalance is { } r ? line + string.Create(CultureInfo.InvariantCulture, $" --base-asset-target {TextTable.Plain(r.Target)} --rebalance-threshold {TextTable.Plain(r.Threshold)}") : line;
    }

    private static string Price(decimal value) => TextTable.Plain(Math.Round(value, 8));

    /// <summary>The analysis as mmctl analyze's <c>mm.v1.MarketAnalysisView</c> writes it (one shape for both).</summary>
    public static string JsonLine(string venue, string symbol, TimeSpan interval, MarketAnalysis a) =>
        Google.Protobuf.JsonFormatter.Default.Format(Worker.MarketAnalysisRead.ToMessage(venue, symbol, CandleIntervals.Name(interval), a));
}
