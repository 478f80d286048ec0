using GrpcMM.Protos.V1;

namespace Mmctl.Output;

/// <summary>`mmctl analyze`: the seed's market analysis as `mmd analyze` prints it, and the `mmctl start` line it suggests.</summary>
public static partial class Printer
{
    private static readonly uint[] AverageLengths = [5, 20, 50];

    public static void Analysis(string name, MarketAnalysisView a)
    {
        var lines = new List<string>
        {
            $"{name}: {a.Symbol} on {a.Venue}: {a.Candles} closed candles of {a.Interval}",
            $"  last close {a.LastClose}; averages of the closes: {string.Join(", ", AverageLengths.Zip(a.MovingAverages, (n, v) => $"{n} {(v.Length == 0 ? "-" : v)}"))}; "
                + $"trend {(a.Trend.Length == 0 ? "unknown (fewer than 50 candles)" : a.Trend)}",
        };
        var volatility = FormattableString.Invariant($"  volatility {Number(a.VolatilityPct):0.###} % a candle (standard deviation of the returns)");
        if (a.VersusLongAveragePct.Length > 0)
        {
            var versus = Number(a.VersusLongAveragePct);
            volatility += FormattableString.Invariant($"; the last close is {Math.Abs(versus):0.##} % {(versus >= 0 ? "above" : "below")} the 50-candle average");
        }
        lines.Add(volatility);
        lines.Add(a.Mid.Length == 0 ? "  book: one-sided"
            : FormattableString.Invariant($"  book: spread {a.Spread} at mid {a.Mid}; within 1 % of it: bids {a.BidsWithin1Pct}, asks {a.AsksWithin1Pct} (imbalance {Number(a.Imbalance):+0.00;-0.00;0.00})"));
        lines.Add("suggested:");
        lines.Add($"  spread {a.SuggestedSpreadPct} % (volatility x 0.2, kept within 0.2-2 %)");
        lines.Add(a.Mid.Length == 0 ? $"  levels {a.SuggestedLevels} a side"
            : FormattableString.Invariant($"  levels {a.SuggestedLevels} a side ({(Number(a.BidsWithin1Pct) + Number(a.AsksWithin1Pct)) / 2} resting a side within 1 % of the mid)"));
        if (a.SuggestedBaseTargetPct.Length > 0)
            lines.Add($"  rebalance: keep about {a.SuggestedBaseTargetPct} % in the base asset, rebalancing past a deviation of {a.SuggestedRebalanceThresholdPct} %");
        lines.Add("  " + StartLine(a));
        foreach (var line in lines) Console.Out.WriteLine(line);
    }

    /// <summary>The `mmctl start` line of the suggestion.</summary>
    public static string StartLine(MarketAnalysisView a)
    {
        var spot = a.SuggestedBaseTargetPct.Length > 0;
        var line = $"mmctl start NAME --venue {a.Venue} --symbol {a.Symbol} --strategy {(spot ? "spot_market_making" : "perp_market_making")} --spread {a.SuggestedSpreadPct} --levels {a.SuggestedLevels}";
        return spot ? line + $" --base-asset-target {a.SuggestedBaseTargetPct} --rebalance-threshold {a.SuggestedRebalanceThresholdPct}" : line;
    }
}
