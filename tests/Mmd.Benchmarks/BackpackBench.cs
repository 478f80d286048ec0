using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Mmd.Emulators.Backpack;
using Mmd.Exchanges.Backpack;
using Mmd.Exchanges.Paper;
using Mmd.TestKit;
using Mmd.Trading.Engine;
using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;
using Mmd.Trading.Risk;
using Mmd.Trading.Strategies.SpotMarketMaking;

namespace Mmd.Benchmarks;

/// <summary>
/// The Backpack connector against the loopback emulator, real sockets end to end:
/// (1) book event at the venue -> first signed order request arriving back at it, through the real engine and strategy;
/// (2) the sustained request rate the client-side token bucket lets through;
/// (3) a dropped WebSocket -> a consistent book again (connect, subscribe, REST snapshot).
/// </summary>
public static class BackpackBench
{
    private const string Symbol = "SOL_USDC";
    private const string Key = BackpackTestKeys.ApiKey;
    private const string Secret = BackpackTestKeys.Secret;

    public static async Task RunAsync(int moves)
    {
        using var market = new PaperExchange(new PaperSettings { VolatilityPct = 0m, FlowRate = 0m }, TimeProvider.System);
        await using var emulator = await BackpackEmulator.StartAsync(market, TimeProvider.System);
        Console.WriteLine($"emulator on {emulator.RestUrl}; {Environment.ProcessorCount} cores");
        await WireLatencyAsync(market, emulator, moves);
        await RateLimiterAsync(emulator);
        await ReconnectAsync(market, emulator);
    }

    private static BackpackConnector Connect(BackpackEmulator emulator, string instance, int requestsPerSecond, int burst) =>
        new(new BackpackOptions { RestBaseUrl = emulator.RestUrl, WebSocketUrl = emulator.WebSocketUrl, RequestsPerSecond = requestsPerSecond, Burst = burst },
            BackpackCredentials.Parse(Key, Secret), instance, BackpackClientIds.DefaultTag(instance), TimeProvider.System);

    private static async Task WireLatencyAsync(PaperExchange market, BackpackEmulator emulator, int moves)
    {
        await using var connector = Connect(emulator, "lat", 1000, 100);
        await connector.ConnectAsync(default);
        var engine = new InstanceEngine(
            new EngineOptions { InstanceName = "lat", Symbol = Symbol, RefreshInterval = TimeSpan.FromHours(1), RefreshTolerancePct = 0.05m },
            connector, new SpotMarketMaker(new SpotMarketMakerConfig { SpreadPct = 0.2m, OrderQuantity = 0.1m, Levels = 1, RebalanceEnabled = false }),
            new RiskEngine(new RiskLimits { MaxOrdersPerSecond = 1000, PriceBandPct = 50m }, TimeProvider.System), new InMemoryTradingJournal(),
            TimeProvider.System, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var run = engine.RunAsync(stop.Token);
        await Until.TrueAsync(() => engine.State == EngineState.Running && emulator.Faults.Requests.Count(r => r.Path == "/api/v1/order" && r.Method == "POST") >= 2, "quoting");

        var anyOrder = new List<double>();
        var place = new List<double>();
        var mid = market.Mid(Symbol)!.Value;
        const int warmup = 20;
        for (var i = 0; i < warmup + moves; i++)
        {
            await Task.Delay(150);
            mid *= (i & 1) == 0 ? 1.0008m : 1 / 1.0008m; // beyond the 0.05 % tolerance, inside the 0.1 % half-spread: both quotes are replaced, none is crossed
            var seen = emulator.Faults.Requests.Count;
            var t0 = DateTimeOffset.UtcNow;
            market.SetMid(Symbol, market.Instruments.Single(s => s.Symbol == Symbol).RoundPrice(mid));
            await Until.TrueAsync(() => emulator.Faults.Requests.Skip(seen).Any(r => r.Path == "/api/v1/order" && r.Method == "POST"), "a new quote arrives");
            if (i < warmup) continue;
            var requests = emulator.Faults.Requests.Skip(seen).Where(r => r.Path == "/api/v1/order").ToList();
            anyOrder.Add((requests[0].At - t0).TotalMicroseconds);
            place.Add((requests.First(r => r.Method == "POST").At - t0).TotalMicroseconds);
        }
        await stop.CancelAsync();
        await run;
        Print($"book move at the venue -> first order request (cancel or place) on the wire ({moves} moves)", anyOrder);
        Print("book move at the venue -> first new quote (POST /api/v1/order) on the wire", place);
    }

    private static async Task RateLimiterAsync(BackpackEmulator emulator)
    {
        const int rate = 10, burst = 10, requests = 110;
        await using var connector = Connect(emulator, "rate", rate, burst);
        var seen = emulator.Faults.Requests.Count;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, requests).Select(_ => connector.GetOpenOrdersAsync(Symbol, default)));
        watch.Stop();
        var arrivals = emulator.Faults.Requests.Skip(seen).Select(r => r.At).Order().ToList();
        var busiest = arrivals.Select((t, i) => arrivals.Skip(i).TakeWhile(u => u - t < TimeSpan.FromSeconds(1)).Count()).Max();
        var sustained = (requests - burst) / (arrivals[^1] - arrivals[burst - 1]).TotalSeconds;
        Console.WriteLine(FormattableString.Invariant(
            $"rate limiter at {rate}/s, burst {burst}: {requests} concurrent requests took {watch.Elapsed.TotalSeconds:0.00} s; sustained {sustained:0.00} req/s after the burst; busiest 1-s window {busiest} requests"));
    }

    private static async Task ReconnectAsync(PaperExchange market, BackpackEmulator emulator)
    {
        await using var connector = Connect(emulator, "reconnect", 100, 10);
        var samples = new List<double>();
        for (var i = 0; i < 30; i++)
        {
            using var stop = new CancellationTokenSource();
            var book = new OrderBook(Symbol);
            var synced = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
            var reading = Read(connector, book, synced, stop.Token);
            await synced.Task.WaitAsync(TimeSpan.FromSeconds(10));
            var dropped = DateTimeOffset.UtcNow;
            emulator.DropWebSockets();
            try { await reading.WaitAsync(TimeSpan.FromSeconds(10)); } catch (Exception ex) when (ex is not TimeoutException) { }
            // What the engine does next (after its backoff): subscribe again, which fetches a snapshot.
            var again = new OrderBook(Symbol);
            var resynced = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
            var rereading = Read(connector, again, resynced, stop.Token);
            var at = await resynced.Task.WaitAsync(TimeSpan.FromSeconds(10));
            if (i > 0) samples.Add((at - dropped).TotalMilliseconds * 1000);
            await stop.CancelAsync();
            try { await rereading; } catch (OperationCanceledException) { }
        }
        Print("WebSocket dropped -> consistent book again (reconnect, subscribe, REST snapshot; excludes the engine's backoff)", samples);
    }

    private static Task Read(BackpackConnector connector, OrderBook book, TaskCompletionSource<DateTimeOffset> synced, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        await foreach (var e in connector.StreamOrderBookAsync(book.Symbol, cancellationToken))
        {
            if (e is BookSnapshotEvent s)
            {
                book.ApplySnapshot(s.Sequence, s.Bids, s.Asks, s.Time);
                synced.TrySetResult(DateTimeOffset.UtcNow);
            }
            else if (e is BookDeltaEvent d) book.ApplyDelta(d.FirstSequence, d.LastSequence, d.Bids, d.Asks, d.Time);
        }
    }, CancellationToken.None);

    private static void Print(string title, List<double> microseconds)
    {
        microseconds.Sort();
        double P(double q) => microseconds[Math.Min(microseconds.Count - 1, (int)(q * microseconds.Count))];
        Console.WriteLine(FormattableString.Invariant($"{title}: n={microseconds.Count} p50 {P(0.50) / 1000:0.000} ms, p90 {P(0.90) / 1000:0.000} ms, p99 {P(0.99) / 1000:0.000} ms"));
    }
}
