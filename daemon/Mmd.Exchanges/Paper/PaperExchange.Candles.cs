using Mmd.Trading.Execution;

namespace Mmd.Exchanges.Paper;

// The markets' candles: minute bars of their trades since the venue started, and before that a synthetic past, the same
// random walk run backward from the start price, so that a chart or an analysis has history on a fresh venue.
public sealed partial class PaperExchange
{
    /// <summary>How far back the synthetic past reaches, and how long the minute bars of trades are kept.</summary>
    public static readonly TimeSpan CandleHistory = TimeSpan.FromDays(2);

    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, List<Candle>> _minuteBars = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Candle[]> _syntheticPast = new(StringComparer.Ordinal);
    private readonly Dictionary<string, decimal> _startMids = new(StringComparer.Ordinal);

    /// <summary>
    /// The candles of <paramref name="symbol"/> that open in [<paramref name="from"/>, <paramref name="to"/>), oldest
    /// first (the last may be forming); null for a symbol the venue does not list.
    /// </summary>
    public IReadOnlyList<Candle>? Candles(string symbol, TimeSpan interval, DateTimeOffset from, DateTimeOffset to)
    {
        lock (_gate)
        {
            if (!_markets.TryGetValue(symbol, out var market)) return null;
            if (!_syntheticPast.TryGetValue(symbol, out var past)) _syntheticPast[symbol] = past = SyntheticPast(market);
            var first = CandleIntervals.Floor(from, interval);
            var minutes = past.Concat(_minuteBars.GetValueOrDefault(symbol) ?? []).Where(c => c.Time >= first && c.Time < to);
            return CandleIntervals.Aggregate(minutes, interval).Where(c => c.Time >= from).ToList();
        }
    }

    private void RecordTrade(PaperMarket market, decimal price, decimal quantity, DateTimeOffset now)
    {
        if (!_minuteBars.TryGetValue(market.Spec.Symbol, out var bars)) _minuteBars[market.Spec.Symbol] = bars = [];
        var minute = CandleIntervals.Floor(now, Minute);
        if (bars.Count > 0 && bars[^1].Time == minute)
        {
            var bar = bars[^1];
            bars[^1] = bar with { High = Math.Max(bar.High, price), Low = Math.Min(bar.Low, price), Close = price, Volume = bar.Volume + quantity };
            return;
        }
        bars.Add(new Candle(minute, price, price, price, price, quantity));
        var kept = (int)(CandleHistory / Minute);
        if (bars.Count > kept + 60) bars.RemoveRange(0, bars.Count - kept);
    }

    /// <summary>
    /// Minute bars for <see cref="CandleHistory"/> before the venue started, ending at the price it started at: four
    /// 15-second steps a minute at the venue's volatility, drawn from the seed and the base asset (a spot market and its
    /// perpetual share one past, as they walk together), and about the background flow's volume.
    /// </summary>
    private Candle[] SyntheticPast(PaperMarket market)
    {
        var spec = market.Spec;
        var rng = new SplitMix64(_settings.Seed ^ Fnv1a(spec.BaseAsset));
        var count = (int)(CandleHistory / Minute);
        var bars = new Candle[count];
        var end = CandleIntervals.Floor(_started, Minute);
        var sigma = (double)_settings.VolatilityPct / 100 * Math.Sqrt(15);
        var floor = spec.TickSize * 100m;
        var price = _startMids.GetValueOrDefault(spec.Symbol, market.Mid);
        Span<decimal> steps = stackalloc decimal[5];
        for (var i = count - 1; i >= 0; i--)
        {
            steps[4] = price;
            for (var s = 3; s >= 0; s--)
                steps[s] = Math.Max(floor, spec.RoundPrice(steps[s + 1] * (decimal)(1 - sigma * rng.NextGaussian())));
            var (high, low) = (steps[0], steps[0]);
            foreach (var p in steps) (high, low) = (Math.Max(high, p), Math.Min(low, p));
            var volume = spec.RoundQuantity(_settings.FlowRate * 60m * _settings.LevelNotional / price * (decimal)(0.5 + rng.NextDouble()));
            bars[i] = new Candle(end - Minute * (count - i), steps[0], high, low, steps[4], volume);
            price = steps[0];
        }
        return bars;
    }

    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text) hash = (hash ^ c) * 1099511628211UL;
        return hash;
    }
}
