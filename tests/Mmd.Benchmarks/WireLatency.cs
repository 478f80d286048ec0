using Microsoft.Extensions.Logging.Abstractions;
using Mmd.Emulators.Faults;
using Mmd.Exchanges.Paper;
using Mmd.TestKit;
using Mmd.Trading.Engine;
using Mmd.Trading.Execution;
using Mmd.Trading.Risk;
using Mmd.Trading.Strategies;

namespace Mmd.Benchmarks;

/// <summary>
/// Book event at a loopback venue -> the first signed order request arriving back at it, through a real engine and
/// strategy on a real connector: the mid is moved beyond the refresh tolerance and inside the half-spread, so both quotes
/// are replaced and none is crossed. Times are the venue's own (the emulator's request log).
/// </summary>
internal static class WireLatency
{
    public static async Task MeasureAsync(string venue, IExchangeConnector connector, string symbol, PaperExchange market, string paperSymbol, FaultPlan requests,
        string orderPath, IStrategy strategy, int moves, TimeSpan? pace = null)
    {
        var engine = new InstanceEngine(
            new EngineOptions { InstanceName = "lat", Symbol = symbol, RefreshInterval = TimeSpan.FromHours(1), RefreshTolerancePct = 0.05m },
            connector, strategy, new RiskEngine(new RiskLimits { MaxOrdersPerSecond = 1000, PriceBandPct = 50m }, TimeProvider.System), new InMemoryTradingJournal(),
            TimeProvider.System, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var run = engine.RunAsync(stop.Token);
        await Until.TrueAsync(() => engine.State == EngineState.Running && requests.Requests.Count(r => r.Path == orderPath && r.Method == "POST") >= 2, "quoting");

        var anyOrder = new List<double>();
        var measuredFrom = 0;
        var place = new List<double>();
        var mid = market.Mid(paperSymbol)!.Value;
        const int warmup = 20;
        for (var i = 0; i < warmup + moves; i++)
        {
            await Task.Delay(pace ?? TimeSpan.FromMilliseconds(150));
            mid *= (i & 1) == 0 ? 1.0008m : 1 / 1.0008m; // beyond the 0.05 % tolerance, inside the 0.1 % half-spread
            var seen = requests.Requests.Count;
            var t0 = DateTimeOffset.UtcNow;
            market.SetMid(paperSymbol, market.Instruments.Single(s => s.Symbol == paperSymbol).RoundPrice(mid));
            await Until.TrueAsync(() => requests.Requests.Skip(seen).Any(r => r.Path == orderPath && r.Method == "POST"), "a new quote arrives");
            if (i < warmup)
            {
                measuredFrom = requests.Requests.Count;
                continue;
            }
            var sent = requests.Requests.Skip(seen).Where(r => r.Path == orderPath).ToList();
            anyOrder.Add((sent[0].At - t0).TotalMicroseconds);
            place.Add((sent.First(r => r.Method == "POST").At - t0).TotalMicroseconds);
        }
        var measured = requests.Requests.Skip(measuredFrom).ToList();
        await Until.TrueAsync(() => engine.Quiescent, "the last answers are in");
        // Stats built a second after them: the latency figures are summarized at most once a second.
        var summarized = DateTimeOffset.UtcNow.AddSeconds(1);
        await Until.TrueAsync(() => engine.LatestStats?.Time > summarized, "the figures include the last answers");
        var own = engine.LatestStats!.Latency;
        await stop.CancelAsync();
        await run;
        Print($"{venue}: book move at the venue -> first signed order request (cancel or place) on the wire ({moves} moves)", anyOrder);
        Print($"{venue}: book move at the venue -> first new quote (POST {orderPath}) on the wire", place);
        // What each move cost the venue's rate budget, by kind of request (ids in paths taken out).
        var kinds = measured.GroupBy(r => r.Method + " " + string.Join('/', r.Path.Split('/').Select(s => s.Length > 2 && s.All(char.IsAsciiDigit) ? "{id}" : s)))
            .Select(g => FormattableString.Invariant($"{g.Key} {(double)g.Count() / moves:0.00}"));
        Console.WriteLine($"{venue}: requests a move: {string.Join(", ", kinds)}");
        // The worker's own figures (what `mmctl status` shows), warm-up included: the reaction excludes the wire both ways.
        if (own is not null)
            foreach (var (kind, summary) in new[] { ("book to order", own.Reaction), ("place", own.Place), ("cancel", own.Cancel) })
                Console.WriteLine(FormattableString.Invariant(
                    $"{venue}: the engine's own {kind} (last minute): n={summary.Samples} p50 {summary.P50.TotalMilliseconds:0.000} ms, p99 {summary.P99.TotalMilliseconds:0.000} ms, max {summary.Max.TotalMilliseconds:0.000} ms"));
    }

    public static void Print(string title, List<double> microseconds)
    {
        microseconds.Sort();
        double P(double q) => microseconds[Math.Min(microseconds.Count - 1, (int)(q * microseconds.Count))];
        Console.WriteLine(FormattableString.Invariant($"{title}: n={microseconds.Count} p50 {P(0.50) / 1000:0.000} ms, p90 {P(0.90) / 1000:0.000} ms, p99 {P(0.99) / 1000:0.000} ms"));
    }
}
