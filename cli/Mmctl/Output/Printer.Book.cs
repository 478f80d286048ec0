using GrpcMM.Protos.V1;
using Spectre.Console;

namespace Mmctl.Output;

/// <summary>`mmctl book`: a ladder a book, asks above bids as on a trading screen, and what it says in one line.</summary>
public static partial class Printer
{
    /// <summary>How near the mid the liquidity line counts (the seed's order book view counted within 1 %).</summary>
    private const decimal NearMid = 0.01m;

    public static void Books(string name, GetOrderBookResponse response) => Write(BooksView(name, response));

    /// <summary>The books as one view: printed once, or redrawn in place by <c>mmctl book -f</c>.</summary>
    public static Spectre.Console.Rendering.IRenderable BooksView(string name, GetOrderBookResponse response)
    {
        var parts = new List<Spectre.Console.Rendering.IRenderable>();
        foreach (var book in response.Books)
        {
            var when = book.UpdatedAt is { } at ? $", as of {Time(at.ToDateTimeOffset())}" : "";
            parts.Add(new Text($"{name}: {book.Symbol} on {book.Venue}{(book.Market == "hedge" ? " (hedge market)" : "")}{when}"));
            if (book.Bids.Count == 0 && book.Asks.Count == 0)
            {
                parts.Add(new Text("  no book yet"));
                continue;
            }
            var table = Columns(["SIDE", "PRICE", "SIZE", "OURS"]);
            foreach (var level in book.Asks.Reverse()) table.AddRow(Ladder("ask", level).Select(Markup.Escape).ToArray());
            foreach (var level in book.Bids) table.AddRow(Ladder("bid", level).Select(Markup.Escape).ToArray());
            parts.Add(table);
            parts.Add(new Text("  " + Summary(book)));
        }
        return new Rows(parts);
    }

    private static string[] Ladder(string side, OrderBookLevel level) =>
        [side, level.Price, level.Quantity, Number(level.OwnQuantity) == 0 ? "" : level.OwnQuantity];

    /// <summary>The spread at the mid, then how much rests within 1 % of it on each side (of the levels shown), and ours.</summary>
    private static string Summary(OrderBookView book)
    {
        var parts = new List<string>();
        decimal? mid = null;
        if (book.Bids.Count > 0 && book.Asks.Count > 0)
        {
            var (bid, ask) = (Number(book.Bids[0].Price), Number(book.Asks[0].Price));
            mid = (bid + ask) / 2;
            parts.Add(FormattableString.Invariant($"spread {ask - bid} ({(ask - bid) / mid.Value * 10_000m:0.#} bp) at mid {mid.Value:0.##########}"));
        }
        if (mid is { } m)
        {
            var bids = book.Bids.Where(l => Number(l.Price) >= m * (1 - NearMid)).Sum(l => Number(l.Quantity));
            var asks = book.Asks.Where(l => Number(l.Price) <= m * (1 + NearMid)).Sum(l => Number(l.Quantity));
            var imbalance = bids + asks == 0 ? 0 : (bids - asks) / (bids + asks);
            parts.Add(FormattableString.Invariant($"within 1 % of it: bids {bids}, asks {asks} (imbalance {imbalance:+0.00;-0.00;0.00})"));
        }
        var ours = new[] { ("bids", book.Bids), ("asks", book.Asks) }.Select(side => (side.Item1, Levels: side.Item2.Where(l => Number(l.OwnQuantity) > 0).ToList()))
            .Where(side => side.Levels.Count > 0)
            .Select(side => FormattableString.Invariant($"{side.Item1} {side.Levels.Sum(l => Number(l.OwnQuantity))} at {side.Levels.Count} level{(side.Levels.Count == 1 ? "" : "s")}"))
            .ToList();
        parts.Add(ours.Count == 0 ? "none of ours in these levels" : $"ours: {string.Join(", ", ours)}");
        return string.Join("; ", parts);
    }
}
