using System.Diagnostics;
using Mmd.Emulators.Backpack;
using Mmd.Exchanges.Backpack;
using Mmd.Exchanges.Paper;
using Mmd.TestKit;
using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;
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
        await WireLatency.MeasureAsync("backpack", connector, Symbol, market, Symbol, emulator.Faults, "/api/v1/order",
            new SpotMarketMaker(new SpotMarketMakerConfig { SpreadPct = 0.2m, OrderQuantity = 0.1m, Levels = 1, RebalanceEnabled = false }), moves);
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
        WireLatency.Print("WebSocket dropped -> consistent book again (reconnect, subscribe, REST snapshot; excludes the engine's backoff)", samples);
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
}
