using System.Globalization;
using GrpcMM.Protos.V1;
using Spectre.Console;

namespace Mmctl.Output;

/// <summary>`mmctl orders` and `mmctl fills`: oldest first, so the newest is next to the prompt.</summary>
public static partial class Printer
{
    public static void Orders(string name, bool all, ListOrdersResponse response)
    {
        if (response.Orders.Count == 0)
        {
            Console.Out.WriteLine(all ? $"{name}: no orders in that time" : $"{name}: no open orders");
            return;
        }
        // The venue only for an instance on two (a cross-market hedge); the error only when one has one.
        var venues = response.Orders.Select(x => x.Venue).Distinct().Count() > 1;
        var errors = response.Orders.Any(x => x.LastError.Length > 0);
        var table = Columns([.. Optional(venues, "VENUE"), "SYMBOL", "CREATED", "SIDE", "PRICE", "QTY", "FILLED", "STATUS", "PURPOSE", "LEVEL", "ORDER", "VENUE ID",
            .. Optional(errors, "ERROR")]);
        foreach (var x in response.Orders.Reverse())
        {
            string[] row =
            [
                .. Optional(venues, x.Venue), x.Symbol, Time(x.CreatedAt.ToDateTimeOffset()), Words(x.Side.ToString()), OrDash(x.Price), x.Quantity,
                x.FilledQuantity, Words(x.Status.ToString()), Words(x.Purpose.ToString()), x.Level < 0 ? "-" : x.Level.ToString(CultureInfo.InvariantCulture), x.ClientOrderId,
                OrDash(x.VenueOrderId), .. Optional(errors, OrDash(x.LastError)),
            ];
            table.AddRow(row.Select(Markup.Escape).ToArray());
        }
        Write(table);
        if (response.Truncated) Console.Out.WriteLine($"(the newest {response.Orders.Count}; more with --limit or --since)");
    }

    public static void Fills(string name, ListFillsResponse response)
    {
        if (response.Fills.Count == 0)
        {
            Console.Out.WriteLine($"{name}: no fills in that time");
            return;
        }
        var venues = response.Fills.Select(x => x.Venue).Distinct().Count() > 1;
        var table = Columns([.. Optional(venues, "VENUE"), "SYMBOL", "TIME", "SIDE", "PRICE", "QTY", "FEE", "ROLE", "PURPOSE", "ORDER", "TRADE"]);
        foreach (var x in response.Fills.Reverse())
        {
            string[] row =
            [
                .. Optional(venues, x.Venue), x.Symbol, Time(x.Time.ToDateTimeOffset()), Words(x.Side.ToString()), x.Price, x.Quantity, $"{x.Fee} {x.FeeAsset}",
                x.Maker ? "maker" : "taker", Words(x.Purpose.ToString()), OrDash(x.ClientOrderId), x.TradeId,
            ];
            table.AddRow(row.Select(Markup.Escape).ToArray());
        }
        Write(table);
        if (response.Truncated) Console.Out.WriteLine($"(the newest {response.Fills.Count}; more with --limit or --since)");
    }

    public static void Report(string name, GetDailyReportResponse response)
    {
        if (response.Days.Count == 0)
        {
            Console.Out.WriteLine($"{name}: no trading in that time");
            return;
        }
        var table = Columns(["DATE (UTC)", "FILLS", "BUYS", "SELLS", "BOUGHT", "SOLD", "VOLUME", "MAKER", "FEES", "NET PNL"]);
        foreach (var d in response.Days.Reverse())
        {
            string[] row =
            [
                d.Date, d.Fills.ToString(CultureInfo.InvariantCulture), d.BuyFills.ToString(CultureInfo.InvariantCulture), d.SellFills.ToString(CultureInfo.InvariantCulture),
                d.BoughtQuantity, d.SoldQuantity, Money(d.QuoteVolume), d.MakerVolumePct.Length == 0 ? "-" : d.MakerVolumePct + " %",
                d.FeesByAsset.Count == 0 ? "-" : string.Join(", ", d.FeesByAsset.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{Money(f.Value)} {f.Key}")),
                d.NetPnl.Length == 0 ? "-" : Money(d.NetPnl),
            ];
            table.AddRow(row.Select(Markup.Escape).ToArray());
        }
        Write(table);
    }

    private static Table Columns(IEnumerable<string> names)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var c in names) table.AddColumn(new TableColumn(c).NoWrap());
        return table;
    }

    private static IEnumerable<string> Optional(bool shown, string text) => shown ? [text] : [];

    // An enum value's name as words: PartiallyFilled → "partially filled".
    private static string Words(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? " " + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
