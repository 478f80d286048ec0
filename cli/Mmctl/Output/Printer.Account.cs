using GrpcMM.Protos.V1;
using Spectre.Console;

namespace Mmctl.Output;

/// <summary>`mmctl account`: each market's venue account, balances then positions, then who has orders on the symbol.</summary>
public static partial class Printer
{
    public static void Accounts(string name, GetAccountResponse response, IReadOnlyList<Instance> instances)
    {
        var self = instances.FirstOrDefault(i => i.Name == name);
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
                if (account.Market != "hedge" && self is not null && CapitalOnAccount(self, instances, account) is { } capital) parts.Add(new Text(capital));
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

    /// <summary>
    /// "  capital given on this account: ga 2 SOL, 300 USDC; gb 600 USDC (together 2 of the 100 SOL it holds, 900 of the
    /// 10000 USDC it holds)": each instance meant to run on the account with capital, by its spec; null when none is.
    /// </summary>
    private static string? CapitalOnAccount(Instance self, IReadOnlyList<Instance> instances, AccountView account)
    {
        var sharing = instances.Where(i => i.DesiredState == DesiredState.Running && i.Spec.Capital.Count > 0 && i.Spec.VenueAccount == self.Spec.VenueAccount).OrderBy(i => i.Name, StringComparer.Ordinal).ToList();
        if (sharing.Count == 0) return null;
        var each = sharing.Select(i => $"{i.Name} {string.Join(", ", i.Spec.Capital.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Value} {c.Key}"))}");
        var together = sharing.SelectMany(i => i.Spec.Capital).GroupBy(c => c.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var held = account.Balances.FirstOrDefault(b => b.Asset == g.Key) is { } b ? Plain(Number(b.Available) + Number(b.Locked)) : "0";
                return $"{Plain(g.Sum(c => Number(c.Value)))} of the {held} {g.Key} it holds";
            });
        return $"  capital given on this account: {string.Join("; ", each)} (together {string.Join(", ", together)})";
    }
}
