namespace Mmd.Backtest;

/// <summary>What a sweep calls its best setting (<c>mmd backtest --rank-by</c>).</summary>
public enum SweepRank
{
    /// <summary>The highest mean net PnL over the seeds: the most money on average.</summary>
    Mean,

    /// <summary>The highest net PnL of the setting's worst seed: the least bad luck can do to it.</summary>
    Worst,

    /// <summary>
    /// The highest mean net PnL per unit of the deepest drawdown of any seed (a Calmar ratio over the span): what it
    /// earns for what holding it would have cost at its worst.
    /// </summary>
    PnlToDrawdown,
}

/// <summary>A setting's runs (a seed each) as one figure to rank it by: the higher, the better.</summary>
public static class SweepRanking
{
    /// <summary>The ranks by their command-line names.</summary>
    public static IReadOnlyDictionary<string, SweepRank> ByName { get; } = new Dictionary<string, SweepRank>(StringComparer.Ordinal)
    {
        ["mean"] = SweepRank.Mean,
        ["worst"] = SweepRank.Worst,
        ["pnl-to-drawdown"] = SweepRank.PnlToDrawdown,
    };

    /// <summary>
    /// The setting's score under <paramref name="rank"/>. A run that never fell from its high (no drawdown) scores
    /// infinitely well by PnL to drawdown if it made money, and 0 if it made none (it cannot have lost any).
    /// </summary>
    public static double Score(SweepRank rank, IReadOnlyList<BacktestResult> runs)
    {
        if (runs.Count == 0) throw new ArgumentException("a setting is ranked by its runs", nameof(runs));
        var mean = runs.Average(r => r.NetPnl);
        switch (rank)
        {
            case SweepRank.Mean:
                return (double)mean;
            case SweepRank.Worst:
                return (double)runs.Min(r => r.NetPnl);
            case SweepRank.PnlToDrawdown:
                var drawdown = runs.Max(r => r.MaxDrawdown);
                if (drawdown > 0) return (double)(mean / drawdown);
                return mean > 0 ? double.PositiveInfinity : (double)mean;
            default:
                throw new ArgumentOutOfRangeException(nameof(rank), rank, null);
        }
    }
}
