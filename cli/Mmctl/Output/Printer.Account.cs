using GrpcMM.Protos.V1;
using Spectre.Console;

namespace Mmctl.Output;

/// <summary>`mmctl account`: each market's venue account, balances then positions, then who has orders on the symbol.</summary>
public static partial class Printer
{
    public static void Accounts(string name, GetAccountResponse response)
    {
        var parts = new List<Spectre.Console.Rendering.IRenderable>();
        foreach (var account in response.Accounts)
        {
            var market = account.Market == "hedge" ? " (hedge market)" : "";
            parts.Add(new Text($"{name}: {account.Venue} account of {account.Symbol}{market}, read at {Time(account.ReadAt.ToDateTimeOffset())}"));
            if (account.Error.Length > 0)
            {
                parts.Add(new Text($"  the venue did not answer: {account.Error}"));
                continue;
            }
            if (account.SameAccountAsQuoted) parts.Add(new Text("  the quoted market's account (balances and positions above)"));
            else
            {
                if (account.Balances.Count == 0) parts.Add(new Text("  no balances"));
                else
                {
                    var balances = Columns(["ASSET", "AVAILABLE", "LOCKED", "TOTAL"]);
                    foreach (var b in account.Balances)
                        balances.AddRow(new[] { b.Asset, b.Available, b.Locked, Plain(Number(b.Available) + Number(b.Locked)) }.Select(Markup.Escape).ToArray());
                    parts.Add(balances);
                }
                if (account.Positions.Count == 0) parts.Add(new Text("  no open positions"));
                else
                {
                    var positions = Columns(["POSITION", "QUANTITY", "ENTRY", "MARK", "UNREALIZED PNL"]);
                    foreach (var p in account.Positions)
                        positions.AddRow(new[] { p.Symbol, p.Quantity, p.EntryPrice, p.MarkPrice, p.UnrealizedPnl }.Select(Markup.Escape).ToArray());
                    parts.Add(positions);
                }
            }
            var others = account.OtherOpenOrders == 0 ? "none of anyone else's"
                : $"{account.OtherOpenOrders} of others' (not this instance's: another bot's or placed by hand)";
            parts.Add(new Text($"  open orders on {account.Symbol}: {account.OwnOpenOrders} of its own, {others}"));
        }
        Write(new Rows(parts));
    }
}
