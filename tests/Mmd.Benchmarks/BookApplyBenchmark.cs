using BenchmarkDotNet.Attributes;
using Mmd.Trading.MarketData;

namespace Mmd.Benchmarks;

/// <summary>L2 level updates per second on one core: a 200-level book, updates near the touch (as venues send them).</summary>
[MemoryDiagnoser]
public class BookApplyBenchmark
{
    private const int Updates = 100_000;
    private readonly OrderBook _book = new("SOL_USDC");
    private BookLevel[] _bids = [];
    private BookLevel[] _asks = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        var bids = Enumerable.Range(0, 200).Select(i => new BookLevel(100m - i * 0.01m, 1m + i)).ToArray();
        var asks = Enumerable.Range(0, 200).Select(i => new BookLevel(100.01m + i * 0.01m, 1m + i)).ToArray();
        _book.ApplySnapshot(1, bids, asks, DateTimeOffset.UnixEpoch);
        // 80 % of updates within 20 ticks of the touch, one in ten removes a level (and a later one re-adds it).
        BookLevel Next(bool bid)
        {
            var depth = rng.NextDouble() < 0.8 ? rng.Next(0, 20) : rng.Next(20, 200);
            var price = bid ? 100m - depth * 0.01m : 100.01m + depth * 0.01m;
            return new BookLevel(price, rng.NextDouble() < 0.1 ? 0m : rng.Next(1, 500) / 10m);
        }
        _bids = Enumerable.Range(0, Updates / 2).Select(_ => Next(true)).ToArray();
        _asks = Enumerable.Range(0, Updates / 2).Select(_ => Next(false)).ToArray();
    }

    [Benchmark(OperationsPerInvoke = Updates)]
    public long ApplyLevelUpdates()
    {
        var sequence = _book.Sequence;
        // One delta per 10 level changes of each side, as a busy venue stream would batch them.
        for (var i = 0; i < _bids.Length; i += 10)
        {
            sequence++;
            _book.ApplyDelta(sequence, sequence, _bids.AsSpan(i, 10), _asks.AsSpan(i, 10), DateTimeOffset.UnixEpoch);
        }
        return _book.Sequence;
    }
}
