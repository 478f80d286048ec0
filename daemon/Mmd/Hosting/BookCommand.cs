using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;

namespace Mmd.Hosting;

/// <summary>
/// <c>mmd book</c>: a venue's order book for a symbol, as its stream's first snapshot gives it now (the seed's order book
/// menu): the ladder, the spread, and the liquidity near the mid with its imbalance. No daemon or instance needed.
/// </summary>
public static class BookCommand
{
    public static Command Create()
    {
        var symbol = new Option<string>("--symbol") { Description = "The venue's symbol, e.g. SOL_USDC_PERP (mmd markets lists them)", Required = true };
        var depth = new Option<int>("--depth") { Description = "Levels a side to show (1-100; default 10)", DefaultValueFactory = _ => 10 };
        var options = new VenueReadOptions("The venue (one; the paper venue's market lives inside each instance: mmctl book NAME shows a running one's)");
        var command = new Command("book", "A venue's order book for a symbol now: the ladder, the spread, the liquidity within 1 % of the mid (public data: no credentials needed). Reads only.");
        foreach (var o in options.All.Prepend(depth).Prepend(symbol)) command.Options.Add(o);
        command.SetAction(async (result, cancellationToken) =>
        {
            var levels = result.GetValue(depth);
            if (levels is < 1 or > 100) return RunCommand.Fail($"mmd book: --depth {levels} is out of range (1-100)");
            if (options.OneLiveVenue(result, "book", "the paper venue's market is simulated inside each instance; mmctl book NAME shows a running one's") is not { } venue)
                return ExitCodes.InvalidInput;
            if (options.Load(result, "book") is not { } loaded) return ExitCodes.InvalidInput;
            var (config, secrets) = loaded;

            var name = result.GetValue(symbol)!;
            var (snapshot, error) = await VenueSession.ReadPublicAsync(venue, options.Settings(result, secrets), config, TimeProvider.System,
                (connector, deadline) => FirstSnapshotAsync(connector, name, deadline), cancellationToken);
            if (snapshot is null)
            {
                await Console.Error.WriteLineAsync($"mmd book: could not read the {name} book on {venue}: {error}");
                return ExitCodes.Failure;
            }
            var book = new BookSummary(snapshot);
            Console.Out.Write(options.Json(result) ? JsonLine(venue, book, levels) + "\n" : Text(venue, book, levels));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The stream's first snapshot: the whole book as the venue holds it now.</summary>
    internal static async Task<BookSnapshotEvent> FirstSnapshotAsync(IExchangeConnector connector, string symbol, CancellationToken cancellationToken)
    {
        await foreach (var e in connector.StreamOrderBookAsync(symbol, cancellationToken))
            if (e is BookSnapshotEvent snapshot) return snapshot;
        throw new InvalidOperationException("the book stream ended before its snapshot");
    }

    public static string Text(string venue, BookSummary book, int depth)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{book.Symbol} on {venue}, as of {book.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z\n");
        if (book.Bids.Count == 0 && book.Asks.Count == 0) return text.Append("  the book is empty\n").ToString();
        TextTable.Append(text, ["SIDE", "PRICE", "SIZE"],
            book.Asks.Take(depth).Reverse().Select(l => new[] { "ask", TextTable.Plain(l.Price), TextTable.Plain(l.Quantity) })
                .Concat(book.Bids.Take(depth).Select(l => new[] { "bid", TextTable.Plain(l.Price), TextTable.Plain(l.Quantity) })));
        return text.Append("  ").Append(book.Describe()).Append('\n').ToString();
    }

    public static string JsonLine(string venue, BookSummary book, int depth) => JsonSerializer.Serialize(new
    {
        venue,
        symbol = book.Symbol,
        time = book.Time.UtcDateTime,
        bids = book.Bids.Take(depth).Select(l => new { price = TextTable.Plain(l.Price), quantity = TextTable.Plain(l.Quantity) }),
        asks = book.Asks.Take(depth).Select(l => new { price = TextTable.Plain(l.Price), quantity = TextTable.Plain(l.Quantity) }),
        mid = book.Mid is { } m ? TextTable.Plain(m) : null,
        spread = book.Spread is { } s ? TextTable.Plain(s) : null,
        bidsWithin1Pct = TextTable.Plain(book.BidsNearMid),
        asksWithin1Pct = TextTable.Plain(book.AsksNearMid),
        imbalance = book.Imbalance.ToString("0.####", CultureInfo.InvariantCulture),
    }, TextTable.Json);
}

/// <summary>
/// A book snapshot in order (bids from the best down, asks from the best up) and what it says: the spread, the size
/// resting within 1 % of the mid on each side (of the whole book), and their imbalance, (bids − asks) / (bids + asks).
/// </summary>
public sealed class BookSummary
{
    /// <summary>How near the mid the liquidity counts (the seed's order book view: ±1 %).</summary>
    public const decimal NearMid = 0.01m;

    /// <summary>An imbalance beyond this reads as buy (or sell) pressure, as the seed's view said.</summary>
    public const decimal Pressure = 0.2m;

    public BookSummary(BookSnapshotEvent snapshot)
    {
        Symbol = snapshot.Symbol;
        Time = snapshot.Time;
        // The engine's book: its sides kept best first, empty levels dropped, and its mid and depth reading.
        var book = new OrderBook(snapshot.Symbol);
        book.ApplySnapshot(snapshot.Sequence, snapshot.Bids, snapshot.Asks, snapshot.Time);
        (Bids, Asks) = book.Top(int.MaxValue);
        if (book.Mid is not { } mid) return;
        Mid = mid;
        Spread = book.BestAsk!.Value.Price - book.BestBid!.Value.Price;
        BidsNearMid = book.DepthWithin(bid: true, mid * (1 - NearMid));
        AsksNearMid = book.DepthWithin(bid: false, mid * (1 + NearMid));
        Imbalance = BidsNearMid + AsksNearMid == 0 ? 0 : (BidsNearMid - AsksNearMid) / (BidsNearMid + AsksNearMid);
    }

    public string Symbol { get; }
    public DateTimeOffset Time { get; }
    public IReadOnlyList<BookLevel> Bids { get; }
    public IReadOnlyList<BookLevel> Asks { get; }
    public decimal? Mid { get; }
    public decimal? Spread { get; }
    public decimal BidsNearMid { get; }
    public decimal AsksNearMid { get; }
    public decimal Imbalance { get; }

    /// <summary>"spread 0.06 (4 bp) at mid 150; within 1 % of it: bids 67.54, asks 59.14 (imbalance +0.07)", with the pressure when there is one.</summary>
    public string Describe()
    {
        if (Mid is not { } mid) return $"one-sided: no {(Bids.Count == 0 ? "bids" : "asks")}";
        var pressure = Imbalance switch { > Pressure => ": buy pressure", < -Pressure => ": sell pressure", _ => "" };
        return string.Create(CultureInfo.InvariantCulture,
            $"spread {TextTable.Plain(Spread!.Value)} ({Spread.Value / mid * 10_000m:0.#} bp) at mid {TextTable.Plain(mid)}; within 1 % of it: bids {TextTable.Plain(BidsNearMid)}, asks {TextTable.Plain(AsksNearMid)} (imbalance {Imbalance:+0.00;-0.00;0.00}{pressure})");
    }
}
