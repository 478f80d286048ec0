using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Trading.Risk;

/// <summary>
/// The part of a shared account one instance trades with. Of each asset allotted, the instance sees what it was given
/// plus what its own trades have moved since (see <see cref="Stats.TradingStatistics.AddAccountFlows"/>), never more
/// than the account holds and never less than nothing; an asset not allotted it sees as the account holds it. Instances
/// on one account then each size their orders, grid levels and rebalances from their own part, not from the balances
/// the others hold part of (where each sized from the whole account, their orders together asked for more than it held).
/// </summary>
public sealed class CapitalAllotment
{
    public CapitalAllotment(IReadOnlyDictionary<string, decimal> allotted)
    {
        foreach (var (asset, amount) in allotted)
            if (amount < 0) throw new ArgumentOutOfRangeException(nameof(allotted), amount, $"the capital of {asset} must not be negative");
        Allotted = new Dictionary<string, decimal>(allotted, StringComparer.Ordinal);
    }

    /// <summary>What the instance was given, by asset.</summary>
    public IReadOnlyDictionary<string, decimal> Allotted { get; }

    /// <summary>
    /// Why the allotment cannot hold on these markets (the ones the account trades): it names an asset the instance does not
    /// size from (a spot market's base or quote, a perpetual's quote); null when it can.
    /// </summary>
    public string? Mismatch(IReadOnlyCollection<InstrumentSpec> markets)
    {
        var sized = markets.SelectMany(m => m.Kind == InstrumentKind.Spot ? new[] { m.BaseAsset, m.QuoteAsset } : [m.QuoteAsset])
            .Distinct(StringComparer.Ordinal).ToList();
        var unknown = Allotted.Keys.Where(a => !sized.Contains(a, StringComparer.Ordinal)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count == 0) return null;
        var what = string.Join("; ", markets.Select(m => m.Kind == InstrumentKind.Spot
            ? $"{m.Symbol} trades {m.BaseAsset} against {m.QuoteAsset}"
            : $"{m.Symbol} is a perpetual margined in {m.QuoteAsset}"));
        return $"capital names {string.Join(", ", unknown)}, which this instance does not trade ({what}); allot {string.Join(" or ", sized)}";
    }

    /// <summary>Each allotted asset: what was allotted, what the instance's trades moved, what the account holds.</summary>
    public IReadOnlyList<CapitalLine> Lines(IReadOnlyDictionary<string, Balance> account, IReadOnlyDictionary<string, decimal> flows) =>
        [.. Allotted.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => new CapitalLine(a.Key, a.Value, flows.GetValueOrDefault(a.Key),
            account.TryGetValue(a.Key, out var held) ? held.Total : 0m))];

    /// <summary>The balances the instance sees: each allotted asset (<paramref name="lines"/>) cut to its part, the rest as the account holds them.</summary>
    public static Dictionary<string, Balance> Apply(IReadOnlyDictionary<string, Balance> account, IReadOnlyList<CapitalLine> lines)
    {
        var seen = new Dictionary<string, Balance>(account, StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var held = account.TryGetValue(line.Asset, out var b) ? b : new Balance(line.Asset, 0m, 0m);
            // What is locked stays locked (our resting orders hold some of it); the rest of the part is available.
            var locked = Math.Min(held.Locked, line.Usable);
            seen[line.Asset] = new Balance(line.Asset, line.Usable - locked, locked);
        }
        return seen;
    }
}

/// <summary>One allotted asset: what was given, what the instance's own trades moved since (signed), what the account holds.</summary>
public readonly record struct CapitalLine(string Asset, decimal Allotted, decimal Traded, decimal Account)
{
    /// <summary>The instance's own: allotted plus traded.</summary>
    public decimal Own => Allotted + Traded;

    /// <summary>What it may use: its own, at most what the account holds, at least nothing.</summary>
    public decimal Usable => Math.Max(0m, Math.Min(Own, Account));
}
