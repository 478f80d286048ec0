using System.Globalization;
using System.Text;
using System.Text.Json;
using Mmd.Trading.Primitives;

namespace Mmd.Hosting;

/// <summary><c>mmd account</c>'s output: a block of tables per account, or (-o json) a JSON object a line.</summary>
public static class AccountText
{
    /// <param name="owner">The instance whose orders are marked as its own; null when no instance was named.</param>
    public static string Text(IReadOnlyList<AccountRead> reads, string? owner)
    {
        var text = new StringBuilder();
        foreach (var read in reads)
        {
            var target = read.Target;
            var market = target.Market == "hedge" ? " (hedge market)" : "";
            var of = target.Symbol is { } s ? $" of {s}{market}" : "";
            text.Append(CultureInfo.InvariantCulture, $"{target.Venue} account{of}, read at {read.ReadAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z\n");
            if (read.Error is { } error)
            {
                text.Append(CultureInfo.InvariantCulture, $"  could not read it: {error}\n");
                continue;
            }
            if (read.SameAccountAsQuoted) text.Append("  the quoted market's account (balances and positions above)\n");
            else
            {
                if (read.Balances.Count == 0) text.Append("  no balances\n");
                else Table(text, ["ASSET", "AVAILABLE", "LOCKED", "TOTAL"],
                    read.Balances.Select(b => new[] { b.Asset, Plain(b.Available), Plain(b.Locked), Plain(b.Total) }));
                if (read.Positions.Count == 0) text.Append("  no open positions\n");
                else Table(text, ["POSITION", "QUANTITY", "ENTRY", "MARK", "UNREALIZED PNL"],
                    read.Positions.Select(p => new[] { p.Symbol, Plain(p.Quantity), Plain(p.EntryPrice), Plain(p.MarkPrice), Plain(p.UnrealizedPnl) }));
            }
            if (read.Orders is not { } orders) continue;
            var own = orders.Count(o => o.Own);
            var count = orders.Count == 0 ? "none"
                : owner is null ? orders.Count.ToString(CultureInfo.InvariantCulture)
                : $"{own} of {owner}'s own, {orders.Count - own} of others' (another bot's or placed by hand)";
            text.Append(CultureInfo.InvariantCulture, $"  open orders on {target.Symbol}: {count}\n");
            if (orders.Count > 0)
                Table(text, ["OWN", "CLIENT ORDER ID", "VENUE ORDER ID", "SIDE", "PRICE", "QUANTITY", "FILLED", "PLACED"],
                    orders.Select(o => new[]
                    {
                        o.Own ? "yes" : "-", o.Order.ClientOrderId ?? "-", o.Order.VenueOrderId, o.Order.Side == Side.Buy ? "buy" : "sell",
                        o.Order.Price is { } p ? Plain(p) : "market", Plain(o.Order.Quantity), Plain(o.Order.FilledQuantity),
                        o.Order.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    }));
        }
        return text.ToString();
    }

    /// <summary>One JSON object for one account (decimal strings, as everywhere on our wire).</summary>
    public static string JsonLine(AccountRead read)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("venue", read.Target.Venue);
            if (read.Target.Symbol is { } symbol) json.WriteString("symbol", symbol);
            if (read.Target.Market is { } market) json.WriteString("market", market);
            json.WriteString("readAt", read.ReadAt.UtcDateTime);
            if (read.Error is { } error) json.WriteString("error", error);
            if (read.SameAccountAsQuoted) json.WriteBoolean("sameAccountAsQuoted", true);
            json.WriteStartArray("balances");
            foreach (var b in read.Balances)
            {
                json.WriteStartObject();
                json.WriteString("asset", b.Asset);
                json.WriteString("available", Plain(b.Available));
                json.WriteString("locked", Plain(b.Locked));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("positions");
            foreach (var p in read.Positions)
            {
                json.WriteStartObject();
                json.WriteString("symbol", p.Symbol);
                json.WriteString("quantity", Plain(p.Quantity));
                json.WriteString("entryPrice", Plain(p.EntryPrice));
                json.WriteString("markPrice", Plain(p.MarkPrice));
                json.WriteString("unrealizedPnl", Plain(p.UnrealizedPnl));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            if (read.Orders is { } orders)
            {
                json.WriteStartArray("openOrders");
                foreach (var (o, own) in orders)
                {
                    json.WriteStartObject();
                    if (o.ClientOrderId is { } id) json.WriteString("clientOrderId", id);
                    json.WriteString("venueOrderId", o.VenueOrderId);
                    json.WriteBoolean("own", own);
                    json.WriteString("side", o.Side == Side.Buy ? "buy" : "sell");
                    if (o.Price is { } price) json.WriteString("price", Plain(price));
                    json.WriteString("quantity", Plain(o.Quantity));
                    json.WriteString("filledQuantity", Plain(o.FilledQuantity));
                    json.WriteString("placedAt", o.CreatedAt.UtcDateTime);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A decimal as written by hand: no exponent, no trailing zeros.</summary>
    private static string Plain(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    /// <summary>Columns two spaces apart, each as wide as its widest cell, indented under the account's line.</summary>
    private static void Table(StringBuilder text, string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = header.Select((_, c) => all.Max(r => r[c].Length)).ToArray();
        foreach (var row in all)
            text.Append("  ").Append(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c])))).Append('\n');
    }
}
