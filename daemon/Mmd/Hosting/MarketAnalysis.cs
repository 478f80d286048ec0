using Mmd.Trading.Execution;

namespace Mmd.Hosting;

/// <summary>
/// The seed's market analysis (inventory §6 item 8) over a market's closed candles and its book: the 5-, 20- and
/// 50-candle moving averages of the closes and the trend they make (up when 5 &gt; 20 &gt; 50, down when reversed,
/// else a range), the volatility (the sample standard deviation of the close-to-close returns, in %), the price against
/// the long average, and what to start a market maker with: a spread of volatility × 0.2 kept within 0.2-2 %, levels by
/// the size resting within 1 % of the mid (5 above 10 a side, 2 below 1, else 3), and for a spot market the rebalance
/// band of its volatility.
/// </summary>
public sealed class MarketAnalysis
{
    public static readonly int[] Averages = [5, 20, 50];

    /// <summary>The seed's interval, and how many closed candles are read: 100 by default, at least the long average's 50.</summary>
    public const string DefaultInterval = "15m";
    public const int DefaultCandles = 100, MinCandles = 50, MaxCandles = 1000;

    /// <summary>The span of the last <paramref name="count"/> closed candles: those that end by <paramref name="now"/> (the forming one is left out).</summary>
    public static (DateTimeOffset Since, DateTimeOffset Until) ClosedSpan(DateTimeOffset now, TimeSpan interval, int count)
    {
        var until = CandleIntervals.Floor(now, interval);
        return (until - interval * count, until);
    }
    public const decimal SpreadPerVolatility = 0.2m;
    public const decimal MinSpreadPct = 0.2m;
    public const decimal MaxSpreadPct = 2m;

    public MarketAnalysis(IReadOnlyList<Candle> candles, BookSummary book, bool spot)
    {
        if (candles.Count == 0) throw new ArgumentException("the analysis needs at least one candle", nameof(candles));
        Candles = candles.Count;
        Last = candles[^1].Close;
        var closes = candles.Select(c => c.Close).ToArray();
        MovingAverages = Averages.Select(n => closes.Length >= n ? closes[^n..].Average() : (decimal?)null).ToArray();
        Trend = MovingAverages switch
        {
            [{ } fast, { } middle, { } slow] when fast > middle && middle > slow => "up",
            [{ } fast, { } middle, { } slow] when fast < middle && middle < slow => "down",
            [{ }, { }, { }] => "range",
            _ => null,
        };
        VolatilityPct = Volatility(closes);
        if (MovingAverages[^1] is { } longAverage) VersusLongAveragePct = (Last - longAverage) / longAverage * 100m;
        Book = book;

        SpreadPct = Math.Round(Math.Clamp(VolatilityPct * SpreadPerVolatility, MinSpreadPct, MaxSpreadPct), 2);
        var perSide = (book.BidsNearMid + book.AsksNearMid) / 2;
        Levels = perSide > 10 ? 5 : perSide < 1 ? 2 : 3;
        if (spot)
            Rebalance = VolatilityPct switch
            {
                > 5m => new RebalanceBand(20, 25, 10, 12),
                >= 2m => new RebalanceBand(25, 35, 12, 18),
                _ => new RebalanceBand(30, 40, 15, 25),
            };
    }

    /// <summary>How many candles the figures come from.</summary>
    public int Candles { get; }

    /// <summary>The last closed candle's close.</summary>
    public decimal Last { get; }

    /// <summary>The averages of the last 5, 20 and 50 closes; null where there are fewer candles.</summary>
    public IReadOnlyList<decimal?> MovingAverages { get; }

    /// <summary>up, down or range; null with fewer than 50 candles.</summary>
    public string? Trend { get; }

    public decimal VolatilityPct { get; }

    /// <summary>How far the last close is above (below) the 50-candle average, in %.</summary>
    public decimal? VersusLongAveragePct { get; }

    public BookSummary Book { get; }

    public decimal SpreadPct { get; }

    public int Levels { get; }

    /// <summary>Spot only: the base asset's share of the portfolio to keep, and the deviation that rebalances it, in %.</summary>
    public RebalanceBand? Rebalance { get; }

    /// <summary>The sample standard deviation of the close-to-close returns, in %; 0 with fewer than three closes.</summary>
    public static decimal Volatility(IReadOnlyList<decimal> closes)
    {
        if (closes.Count < 3) return 0m;
        var returns = closes.Zip(closes.Skip(1), (a, b) => (double)((b - a) / a * 100m)).ToArray();
        var mean = returns.Average();
        var variance = returns.Sum(r => (r - mean) * (r - mean)) / (returns.Length - 1);
        return (decimal)Math.Sqrt(variance);
    }
}

/// <param name="TargetLow">The base asset's share, from (%).</param>
/// <param name="ThresholdLow">The deviation that rebalances, from (%).</param>
public sealed record RebalanceBand(decimal TargetLow, decimal TargetHigh, decimal ThresholdLow, decimal ThresholdHigh)
{
    public decimal Target => (TargetLow + TargetHigh) / 2;

    public decimal Threshold => (ThresholdLow + ThresholdHigh) / 2;
}
