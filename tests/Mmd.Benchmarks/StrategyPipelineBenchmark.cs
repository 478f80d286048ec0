using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Time.Testing;
using Mmd.Exchanges.Paper;
using Mmd.Trading.Engine;
using Mmd.Trading.MarketData;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Risk;
using Mmd.Trading.Strategies;
using Mmd.Trading.Strategies.SpotMarketMaking;

namespace Mmd.Benchmarks;

/// <summary>
/// The synchronous part of one book event: apply the delta, ask the spot market maker, reconcile with the
/// live quotes, risk-check what must be placed. (The latency harness measures the whole engine, channel included.)
/// </summary>
[MemoryDiagnoser]
public class StrategyPipelineBenchmark
{
    private readonly InstrumentSpec _spec = PaperMarkets.Find("SOL_USDC")!;
    private OrderBook _book = null!;
    private StrategyView _view = null!;
    private SpotMarketMaker _strategy = null!;
    private RiskEngine _risk = null!;
    private OrderTracker _tracker = null!;
    private long _sequence;
    private int _step;

    [GlobalSetup]
    public void Setup()
    {
        _book = new OrderBook(_spec.Symbol);
        _book.ApplySnapshot(1, Enumerable.Range(1, 20).Select(i => new BookLevel(150m - i * 0.03m, 5m)).ToArray(),
            Enumerable.Range(1, 20).Select(i => new BookLevel(150m + i * 0.03m, 5m)).ToArray(), DateTimeOffset.UnixEpoch);
        _sequence = 1;
        _view = new StrategyView { Instrument = _spec, Book = _book, Trigger = StrategyTrigger.Book };
        _view.Balances = new Dictionary<string, Mmd.Trading.Execution.Balance> { ["SOL"] = new("SOL", 100m, 0m), ["USDC"] = new("USDC", 10_000m, 0m) };
        _strategy = new SpotMarketMaker(new SpotMarketMakerConfig { SpreadPct = 0.2m, OrderQuantity = 0.5m, Levels = 3, RebalanceEnabled = false });
        _risk = new RiskEngine(new RiskLimits { MaxOrdersPerSecond = int.MaxValue, MaxPosition = 1000m, MaxOrderNotional = 100_000m }, new FakeTimeProvider());
        _tracker = new OrderTracker("bench");
    }

    /// <summary>Each event moves the touch by one tick alternately up and down: quotes stay within tolerance (the common case).</summary>
    [Benchmark]
    public int BookEvent_QuotesKept() => Step(0.01m);

    /// <summary>Each event moves the market 0.2 %: every quote is replaced (the worst case).</summary>
    [Benchmark]
    public int BookEvent_AllQuotesReplaced() => Step(0.30m);

    private readonly BookLevel[] _bidDelta = new BookLevel[2];
    private readonly BookLevel[] _askDelta = new BookLevel[2];

    private int Step(decimal move)
    {
        var up = (_step++ & 1) == 0;
        var shift = up ? move : -move;
        var bid = _book.BestBid!.Value;
        var ask = _book.BestAsk!.Value;
        _bidDelta[0] = bid with { Quantity = 0 };
        _bidDelta[1] = new BookLevel(bid.Price + shift, 5m);
        _askDelta[0] = ask with { Quantity = 0 };
        _askDelta[1] = new BookLevel(ask.Price + shift, 5m);
        _sequence++;
        _book.ApplyDelta(_sequence, _sequence, _bidDelta, _askDelta, DateTimeOffset.UnixEpoch);
        _view.BestBid = _book.BestBid!.Value.Price;
        _view.BestAsk = _book.BestAsk!.Value.Price;

        var decision = _strategy.Decide(_view);
        var plan = QuoteReconciler.Plan(decision.Quotes, _tracker.Live, 0.05m, forceRefresh: false);
        var now = DateTimeOffset.UnixEpoch;
        foreach (var cancel in plan.Cancels) _tracker.ApplyCancelResult(cancel, new Mmd.Trading.Execution.CancelOrderResult(Mmd.Trading.Execution.CommandOutcome.Accepted, null), now);
        var context = new RiskContext(_view.Mid, 0m, 0m, 0m);
        var sent = 0;
        foreach (var quote in plan.Places)
        {
            var order = new TrackedOrder
            {
                ClientOrderId = "bench_" + (++_orderId).ToString(System.Globalization.CultureInfo.InvariantCulture), Symbol = _spec.Symbol, Side = quote.Side,
                Type = Mmd.Trading.Execution.OrderType.Limit, TimeInForce = Mmd.Trading.Execution.TimeInForce.Gtc, Price = quote.Price, Quantity = quote.Quantity,
                PostOnly = true, Level = quote.Level, CreatedAt = now,
            };
            if (!_risk.Check(order.ToRequest(), context).Allowed) continue;
            _tracker.Add(order);
            _tracker.MarkSubmitted(order, now);
            sent++;
        }
        _tracker.TakeChanged();
        _tracker.PruneTerminal(DateTimeOffset.MaxValue);
        return sent;
    }

    private long _orderId;
}
