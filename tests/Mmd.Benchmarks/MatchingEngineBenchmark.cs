using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Time.Testing;
using Mmd.Exchanges.Paper;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Benchmarks;

/// <summary>Orders per second through the paper venue (validation, funds, matching, settlement, streams): half rest, half take.</summary>
[MemoryDiagnoser]
public class MatchingEngineBenchmark
{
    private const int Orders = 10_000;
    private PaperExchange _exchange = null!;
    private long _n;

    [IterationSetup]
    public void Setup()
    {
        _exchange?.Dispose();
        _exchange = new PaperExchange(new PaperSettings
        {
            VolatilityPct = 0m, FlowRate = 0m,
            InitialBalances = new Dictionary<string, decimal> { ["USDC"] = 1_000_000_000m, ["SOL"] = 10_000_000m },
        }, new FakeTimeProvider());
    }

    [Benchmark(OperationsPerInvoke = Orders)]
    public int PlaceRestAndTake()
    {
        var accepted = 0;
        for (var i = 0; i < Orders; i++)
        {
            var n = ++_n;
            // Alternate: a maker quote just inside the background, then a taker crossing it.
            var request = (n & 1) == 0
                ? new PlaceOrderRequest("SOL_USDC", "m_" + n, Side.Sell, OrderType.Limit, TimeInForce.Gtc, 150.00m, 0.5m, PostOnly: true)
                : new PlaceOrderRequest("SOL_USDC", "t_" + n, Side.Buy, OrderType.Limit, TimeInForce.Ioc, 150.00m, 0.5m);
            if (_exchange.Place((n & 1) == 0 ? "maker" : "taker", request).Outcome == CommandOutcome.Accepted) accepted++;
        }
        return accepted;
    }
}
