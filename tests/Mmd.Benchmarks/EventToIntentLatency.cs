using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Mmd.Exchanges.Paper;
using Mmd.TestKit;
using Mmd.Trading.Engine;
using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;
using Mmd.Trading.Primitives;
using Mmd.Trading.Risk;
using Mmd.Trading.Strategies.SpotMarketMaking;

namespace Mmd.Benchmarks;

/// <summary>
/// Book event -> order intents handed to the connector, through the real <see cref="InstanceEngine"/> (channel,
/// loop, strategy, reconciler, risk, tracker, journal port with the in-memory journal). Every event moves the
/// market 0.2 %, so every one of the six quotes is replaced: the worst case. Prints p50/p90/p99 of the time to the
/// first and to the last of the six placements.
/// </summary>
public static class EventToIntentLatency
{
    /// <param name="events">Measured events (after a warm-up of 2,000).</param>
    /// <param name="pace">
    /// Quiet time after each event's six placements before the next event. Zero sends back to back, so an event may
    /// queue behind the previous one's completions (the load figure); a pause of a few hundred microseconds lets the
    /// engine finish them first, as between real book updates (the reaction-time figure).
    /// </param>
    public static async Task RunAsync(int events, TimeSpan pace)
    {
        var connector = new LatencyConnector();
        var engine = new InstanceEngine(
            new EngineOptions { InstanceName = "bench", Symbol = "SOL_USDC", RefreshInterval = TimeSpan.FromHours(1), RefreshTolerancePct = 0.05m },
            connector,
            new SpotMarketMaker(new SpotMarketMakerConfig { SpreadPct = 0.2m, OrderQuantity = 0.5m, Levels = 3, RebalanceEnabled = false }),
            new RiskEngine(new RiskLimits { MaxOrdersPerSecond = int.MaxValue }, TimeProvider.System),
            new InMemoryTradingJournal(), TimeProvider.System, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var run = engine.RunAsync(stop.Token);

        var first = new List<double>(events);
        var last = new List<double>(events);
        long sequence = 1;
        var mid = 150m;
        await connector.Book.Writer.WriteAsync(Snapshot(mid, sequence));
        await connector.WaitPlacedAsync(6);
        const int warmup = 2_000;
        for (var i = 0; i < warmup + events; i++)
        {
            mid += (i & 1) == 0 ? 0.30m : -0.30m;
            sequence++;
            connector.Reset();
            // The event exists (decoded off the wire) before the clock starts.
            var delta = Delta(mid, sequence);
            var started = Stopwatch.GetTimestamp();
            connector.EventStarted = started;
            await connector.Book.Writer.WriteAsync(delta);
            await connector.WaitPlacedAsync(6);
            if (pace > TimeSpan.Zero) SpinFor(pace);
            if (i < warmup) continue;
            first.Add(Stopwatch.GetElapsedTime(started, connector.FirstPlace).TotalMicroseconds);
            last.Add(Stopwatch.GetElapsedTime(started, connector.LastPlace).TotalMicroseconds);
        }
        await stop.CancelAsync();
        await run;
        Console.WriteLine(FormattableString.Invariant($"pace between events: {pace.TotalMicroseconds:0} us"));
        Print("book event -> first intent handed to the connector", first);
        Print("book event -> all six intents handed (three bids, three asks replaced)", last);
    }

    // Spinning rather than sleeping keeps the timer's resolution (about 1 ms) out of the pacing.
    private static void SpinFor(TimeSpan pace)
    {
        var until = Stopwatch.GetTimestamp() + (long)(pace.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until) Thread.SpinWait(20);
    }

    private static void Print(string title, List<double> samples)
    {
        samples.Sort();
        double P(double q) => samples[(int)Math.Min(samples.Count - 1, Math.Round(q * (samples.Count - 1)))];
        Console.WriteLine(FormattableString.Invariant($"{title}: n={samples.Count} p50={P(0.50):0.0} us p90={P(0.90):0.0} us p99={P(0.99):0.0} us max={samples[^1]:0.0} us"));
    }

    // The book: 20 levels a side, 3 cents apart, around the mid; each event shifts all of it.
    private static BookSnapshotEvent Snapshot(decimal mid, long sequence) =>
        new("SOL_USDC", sequence, Levels(mid, -1), Levels(mid, 1), DateTimeOffset.UtcNow);

    private static BookDeltaEvent Delta(decimal mid, long sequence)
    {
        var previous = mid + ((sequence & 1) == 0 ? -0.30m : 0.30m);
        var bids = Levels(previous, -1).Select(l => l with { Quantity = 0 }).Concat(Levels(mid, -1)).ToArray();
        var asks = Levels(previous, 1).Select(l => l with { Quantity = 0 }).Concat(Levels(mid, 1)).ToArray();
        return new BookDeltaEvent("SOL_USDC", sequence, sequence, bids, asks, DateTimeOffset.UtcNow);
    }

    private static BookLevel[] Levels(decimal mid, int direction) =>
        Enumerable.Range(1, 20).Select(i => new BookLevel(mid + direction * i * 0.03m, 5m)).ToArray();

    private sealed class LatencyConnector : IExchangeConnector
    {
        private int _placed;
        private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _target = int.MaxValue;
        private long _ids;

        // As a socket receive does, delivering an event continues the reader on the delivering thread.
        public Channel<MarketDataEvent> Book { get; } = Channel.CreateUnbounded<MarketDataEvent>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });
        public long EventStarted { get; set; }
        public long FirstPlace { get; private set; }
        public long LastPlace { get; private set; }

        public void Reset()
        {
            _placed = 0;
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public Task WaitPlacedAsync(int count)
        {
            _target = count;
            return Volatile.Read(ref _placed) >= count ? Task.CompletedTask : _done.Task;
        }

        public string Venue => "bench";
        public ConnectorCapabilities Capabilities => ConnectorCapabilities.Spot | ConnectorCapabilities.PostOnly;
        public Task<IReadOnlyList<InstrumentSpec>> GetInstrumentsAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<InstrumentSpec>>([PaperMarkets.Find("SOL_USDC")!]);
        public Task<IReadOnlyList<Balance>> GetBalancesAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<Balance>>([new("SOL", 100m, 0m), new("USDC", 100_000m, 0m)]);
        public Task<IReadOnlyList<Position>> GetPositionsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<Position>>([]);
        public Task<IReadOnlyList<VenueOrder>> GetOpenOrdersAsync(string symbol, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<VenueOrder>>([]);
        public Task<VenueOrder?> GetOrderAsync(string symbol, string clientOrderId, CancellationToken cancellationToken) => Task.FromResult<VenueOrder?>(null);
        public Task<IReadOnlyList<VenueFill>> GetFillsAsync(string symbol, DateTimeOffset since, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<VenueFill>>([]);
        public Task<int> CancelAllAsync(string symbol, string? clientOrderIdPrefix, CancellationToken cancellationToken) => Task.FromResult(0);
        public Task<IReadOnlyList<FundingPayment>> GetFundingPaymentsAsync(string symbol, DateTimeOffset since, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<FundingPayment>>([]);

        public Task<PlaceOrderResult> PlaceOrderAsync(PlaceOrderRequest request, CancellationToken cancellationToken)
        {
            var now = Stopwatch.GetTimestamp();
            var n = Interlocked.Increment(ref _placed);
            if (n == 1) FirstPlace = now;
            LastPlace = now;
            var order = new VenueOrder((++_ids).ToString(System.Globalization.CultureInfo.InvariantCulture), request.ClientOrderId, request.Symbol, request.Side, request.Type,
                request.TimeInForce, request.Price, request.Quantity, 0m, VenueOrderStatus.Open, request.PostOnly, request.ReduceOnly, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
            if (n >= _target) _done.TrySetResult();
            return Task.FromResult(PlaceOrderResult.Accepted(order));
        }

        public Task<CancelOrderResult> CancelOrderAsync(CancelOrderRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new CancelOrderResult(CommandOutcome.Accepted, null));

        public IAsyncEnumerable<MarketDataEvent> StreamOrderBookAsync(string symbol, CancellationToken cancellationToken) => Book.Reader.ReadAllAsync(cancellationToken);

        public IAsyncEnumerable<AccountEvent> StreamAccountAsync(string symbol, CancellationToken cancellationToken) => Never(cancellationToken);

        private static async IAsyncEnumerable<AccountEvent> Never([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            yield break;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
