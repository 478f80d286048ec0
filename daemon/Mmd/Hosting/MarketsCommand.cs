using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Mmd.Exchanges.Paper;
using Mmd.Trading.Primitives;

namespace Mmd.Hosting;

/// <summary>
/// <c>mmd markets</c>: the symbols each venue lists and their trading rules (tick, step, minimums), read from the venue
/// now (the seed's markets menu): what to write in a spec's <c>symbol</c>, and what its sizes must respect.
/// </summary>
public static class MarketsCommand
{
    public static Command Create()
    {
        var filter = new Option<string?>("--filter") { Description = "Only the symbols containing this text (any case), e.g. SOL" };
        var options = new VenueReadOptions("Read this venue's markets (repeat for several; default: the paper venue and every venue whose credentials are set)");
        var command = new Command("markets", "The symbols each venue lists, spot and perpetual, with their tick, step and minimums, read now (public data: no credentials needed). Reads only.");
        foreach (var o in options.All.Prepend(filter)) command.Options.Add(o);
        command.SetAction(async (result, cancellationToken) =>
        {
            if (options.Load(result, "markets") is not { } loaded) return ExitCodes.InvalidInput;
            var (config, secrets) = loaded;
            var (venues, error) = options.Choose(result, secrets, paperByDefault: true);
            if (error is not null) return RunCommand.Fail($"mmd markets: {error}");
            var settings = options.Settings(result, secrets);
            var text = result.GetValue(filter);

            var reads = await Task.WhenAll(venues.Select(async venue =>
            {
                // The paper venue's markets are built in: read without opening an account (whose state one running instance holds).
                var (markets, why) = venue == "paper" ? ([.. PaperMarkets.All.Select(m => m.Spec)], null)
                    : await VenueSession.ReadPublicAsync(venue, settings, config, TimeProvider.System, (c, ct) => c.GetInstrumentsAsync(ct), cancellationToken);
                var listed = markets?.Where(m => text is null || m.Symbol.Contains(text, StringComparison.OrdinalIgnoreCase))
                    .OrderBy(m => m.Symbol, StringComparer.Ordinal).ToList();
                return (Venue: venue, Markets: listed, Error: why);
            }));
            if (options.Json(result))
            {
                foreach (var (venue, markets, why) in reads)
                    if (markets is null) Console.Out.WriteLine(JsonSerializer.Serialize(new { venue, error = why }, TextTable.Json));
                    else foreach (var m in markets) Console.Out.WriteLine(JsonLine(venue, m));
            }
            else Console.Out.Write(Text(reads, text));
            return await VenueReadOptions.ExitCodeAsync("markets", reads.Where(r => r.Error is not null).Select(r => $"the {r.Venue} markets"));
        });
        return command;
    }

    public static string Text(IEnumerable<(string Venue, List<InstrumentSpec>? Markets, string? Error)> reads, string? filter)
    {
        var text = new StringBuilder();
        foreach (var (venue, markets, error) in reads)
        {
            if (markets is null)
            {
                text.Append(CultureInfo.InvariantCulture, $"{venue}: could not read its markets: {error}\n");
                continue;
            }
            var matching = filter is null ? "" : $" matching '{filter}'";
            text.Append(CultureInfo.InvariantCulture, $"{venue}: {markets.Count} market{(markets.Count == 1 ? "" : "s")}{matching}\n");
            if (markets.Count == 0) continue;
            TextTable.Append(text, ["SYMBOL", "KIND", "BASE", "QUOTE", "TICK", "STEP", "MIN QUANTITY", "MIN NOTIONAL"],
                markets.Select(m => new[]
                {
                    m.Symbol, m.Kind == InstrumentKind.Perpetual ? "perp" : "spot", m.BaseAsset, m.QuoteAsset, TextTable.Plain(m.TickSize), TextTable.Plain(m.StepSize),
                    TextTable.Plain(m.MinQuantity), TextTable.Plain(m.MinNotional),
                }));
        }
        return text.ToString();
    }

    /// <summary>One market as a JSON object (decimal strings).</summary>
    public static string JsonLine(string venue, InstrumentSpec m) => JsonSerializer.Serialize(new
    {
        venue,
        symbol = m.Symbol,
        kind = m.Kind == InstrumentKind.Perpetual ? "perp" : "spot",
        baseAsset = m.BaseAsset,
        quoteAsset = m.QuoteAsset,
        tickSize = TextTable.Plain(m.TickSize),
        stepSize = TextTable.Plain(m.StepSize),
        minQuantity = TextTable.Plain(m.MinQuantity),
        minNotional = TextTable.Plain(m.MinNotional),
    }, TextTable.Json);
}
