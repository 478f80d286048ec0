using System.Globalization;
using GrpcMM.Protos.V1;
using Mmd.Hosting;
using Mmd.Trading.Engine;
using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;
using Mmd.Trading.Primitives;

namespace Mmd.Worker;

/// <summary>
/// <c>mmctl analyze NAME</c> in the worker: the quoted market's last closed candles from its venue (the paper venue's:
/// the instance's own market) and the engine's book, read into <see cref="MarketAnalysis"/>, as its message.
/// </summary>
public static class MarketAnalysisRead
{
    /// <summary>The book levels a side the analysis reads (the liquidity within 1 % of the mid).</summary>
    private const int BookDepth = 50;

    /// <exception cref="InvalidOperationException">The engine is not live, or the venue gave no candles (said why).</exception>
    public static async Task<MarketAnalysisView> ReadAsync(InstanceEngine engine, string intervalName, int count, TimeProvider time, CancellationToken cancellationToken)
    {
        var interval = CandleIntervals.Parse(intervalName) ?? throw new InvalidOperationException($"interval '{intervalName}' is not one of {CandleIntervals.Names}");
        var (since, until) = MarketAnalysis.ClosedSpan(time.GetUtcNow(), interval, count);
        var (instrument, candles) = await engine.ReadCandlesAsync(interval, since, until, cancellationToken);
        if (candles.Count == 0) throw new InvalidOperationException($"the venue has no {intervalName} candles of {instrument.Symbol} in the last {count} intervals (no trades)");
        var view = (await engine.ReadBooksAsync(BookDepth, cancellationToken))[0];
        var book = new BookSummary(new BookSnapshotEvent(view.Symbol, 1, [.. view.Bids.Select(l => new BookLevel(l.Price, l.Quantity))],
            [.. view.Asks.Select(l => new BookLevel(l.Price, l.Quantity))], view.UpdatedAt ?? time.GetUtcNow()));
        return ToMessage(view.Venue, view.Symbol, intervalName, new MarketAnalysis(candles, book, spot: instrument.Kind == InstrumentKind.Spot));
    }

    public static MarketAnalysisView ToMessage(string venue, string symbol, string interval, MarketAnalysis a)
    {
        static string Figure(decimal? value, int places = 8) => value is { } v ? TextTable.Plain(Math.Round(v, places)) : "";
        return new MarketAnalysisView
        {
            Venue = venue,
            Symbol = symbol,
            Interval = interval,
            Candles = (uint)a.Candles,
            LastClose = Figure(a.Last),
            MovingAverages = { a.MovingAverages.Select(m => Figure(m)) },
            Trend = a.Trend ?? "",
            VolatilityPct = Figure(a.VolatilityPct, 6),
            VersusLongAveragePct = Figure(a.VersusLongAveragePct, 4),
            Mid = Figure(a.Book.Mid),
            Spread = Figure(a.Book.Spread),
            BidsWithin1Pct = Figure(a.Book.BidsNearMid),
            AsksWithin1Pct = Figure(a.Book.AsksNearMid),
            Imbalance = Figure(a.Book.Imbalance, 4),
            SuggestedSpreadPct = Figure(a.SpreadPct),
            SuggestedLevels = (uint)a.Levels,
            SuggestedBaseTargetPct = Figure(a.Rebalance?.Target),
            SuggestedRebalanceThresholdPct = Figure(a.Rebalance?.Threshold),
        };
    }
}
