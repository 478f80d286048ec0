using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Time.Testing;
using Mmd.Exchanges.Paper;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Benchmarks;

/// <summary>
/// What the paper venue's durability costs once its history is full (2 000 terminal orders kept): one quote placed and
/// cancelled, two synced saves. A save appends what changed and rewrites a small snapshot, whatever the history holds.
/// </summary>
public class PaperPersistenceBenchmark
{
    private const string Symbol = "SOL_USDC";
    private string _dir = "";
    private PaperExchange _venue = null!;
    private decimal _price;
    private long _n;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), $"mmd-bench-paper-{Guid.NewGuid():N}");
        _venue = new PaperExchange(new PaperSettings { VolatilityPct = 0m, FlowRate = 0m, StateDirectory = _dir, Account = "bench" }, new FakeTimeProvider());
        _price = _venue.Levels(Symbol, Side.Buy, 50).Min(l => l.Price) - 1m;
        for (var i = 0; i < 2_100; i++) PlaceAndCancel();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _venue.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark]
    public void PlaceAndCancel()
    {
        var id = "bench_" + (++_n).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _venue.Place("bench", new PlaceOrderRequest(Symbol, id, Side.Buy, OrderType.Limit, TimeInForce.Gtc, _price, 0.1m, PostOnly: true));
        _venue.Cancel("bench", new CancelOrderRequest(Symbol, null, id));
    }
}
