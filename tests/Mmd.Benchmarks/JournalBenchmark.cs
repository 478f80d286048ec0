using BenchmarkDotNet.Attributes;
using Microsoft.EntityFrameworkCore;
using Mmd.Persistence;
using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;

namespace Mmd.Benchmarks;

/// <summary>What journaling costs on SQLite (WAL, synchronous=NORMAL): six new quotes in one write, and one fill.</summary>
public class JournalBenchmark
{
    private string _path = "";
    private SqliteTradingJournal _journal = null!;
    private long _n;

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"mmd-bench-{Guid.NewGuid():N}.db");
        var database = MmdDatabase.OpenAsync(_path, CancellationToken.None).GetAwaiter().GetResult();
        _journal = new SqliteTradingJournal(database, "bench", "paper");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _journal.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(_path + suffix);
    }

    [Benchmark]
    public Task SaveSixNewOrders()
    {
        var now = DateTimeOffset.UtcNow;
        var orders = Enumerable.Range(0, 6).Select(i => new TrackedOrder
        {
            ClientOrderId = "bench_" + (++_n).ToString(System.Globalization.CultureInfo.InvariantCulture), Symbol = "SOL_USDC",
            Side = i % 2 == 0 ? Side.Buy : Side.Sell, Type = OrderType.Limit, TimeInForce = TimeInForce.Gtc, Price = 150m + i, Quantity = 0.5m,
            PostOnly = true, Level = i / 2, CreatedAt = now,
        }).ToList();
        return _journal.SaveOrdersAsync(orders, CancellationToken.None);
    }

    [Benchmark]
    public Task<bool> RecordFill() =>
        _journal.RecordFillAsync(new VenueFill("T" + (++_n).ToString(System.Globalization.CultureInfo.InvariantCulture), "1", "bench_1", "SOL_USDC", Side.Buy, 150m, 0.5m, 0.015m, "USDC", true, DateTimeOffset.UtcNow),
            OrderPurpose.Quote, CancellationToken.None);
}
