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
                else TextTable.Append(text, ["ASSET", "AVAILABLE", "LOCKED", "TOTAL"],
                    read.Balances.Select(b => new[] { b.Asset, TextTable.Plain(b.Available), TextTable.Plain(b.Locked), TextTable.Plain(b.Total) }));
                if (read.Positions.Count == 0) text.Append("  no open positions\n");
                else TextTable.Append(text, ["POSITION", "QUANTITY", "ENTRY", "MARK", "UNREALIZED PNL"],
                    read.Positions.Select(p => new[] { p.Symbol, TextTable.Plain(p.Quantity), TextTable.Plain(p.EntryPrice), TextTable.Plain(p.MarkPrice), TextTable.Plain(p.UnrealizedPnl) }));
            }
            if (read.Orders is not { } orders) continue;
            var own = orders.Count(o => o.Own);
            var count = orders.Count == 0 ? "none"
                : owner is null ? orders.Count.ToString(CultureInfo.InvariantCulture)
                : $"{own} of {owner}'s own, {orders.Count - own} of others' (another bot's or placed by hand)";
            text.Append(CultureInfo.InvariantCulture, $"  open orders on {target.Symbol}: {count}\n");
            if (orders.Count > 0)
                TextTable.Append(text, ["OWN", "CLIENT ORDER ID", "VENUE ORDER ID", "SIDE", "PRICE", "QUANTITY", "FILLED", "PLACED"],
                    orders.Select(o => new[]
                    {
                        o.Own ? "yes" : "-", o.Order.ClientOrderId ?? "-", o.Order.VenueOrderId, o.Order.Side == Side.Buy ? "buy" : "sell",
                        o.Order.Price is { } p ? TextTable.Plain(p) : "market", TextTable.Plain(o.Order.Quantity), TextTable.Plain(o.Order.FilledQuantity),
                        o.Order.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    }));
        }
        return text.ToString();
    }

    /// <summary>One JSON object for one account (decimal strings, as everywhere on our wire).</summary>
    public static string JsonLine(AccountRead read) => JsonSerializer.Serialize(new
    {
        venue = read.Target.Venue,
        symbol = read.Target.Symbol,
        market = read.Target.Market,
        readAt = read.ReadAt.UtcDateTime,
        error = read.Error,
        sameAccountAsQuoted = read.SameAccountAsQuoted ? true : (bool?)null,
        balances = read.Balances.Select(b => new { asset = b.Asset, available = TextTable.Plain(b.Available), locked = TextTable.Plain(b.Locked) }),
        positions = read.Positions.Select(p => new
        {
            symbol = p.Symbol, quantity = TextTable.Plain(p.Quantity), entryPrice = TextTable.Plain(p.EntryPrice), markPrice = TextTable.Plain(p.MarkPrice),
            unrealizedPnl = TextTable.Plain(p.UnrealizedPnl),
        }),
        openOrders = read.Orders?.Select(o => new
        {
            clientOrderId = o.Order.ClientOrderId, venueOrderId = o.Order.VenueOrderId, own = o.Own, side = o.Order.Side == Side.Buy ? "buy" : "sell",
            price = o.Order.Price is { } price ? TextTable.Plain(price) : null, quantity = TextTable.Plain(o.Order.Quantity),
            filledQuantity = TextTable.Plain(o.Order.FilledQuantity), placedAt = o.Order.CreatedAt.UtcDateTime,
        }),
    }, TextTable.Json);
}
