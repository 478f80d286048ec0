using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Mmd.Exchanges.Paper;
using Mmd.Persistence;
using Mmd.TestKit;
using Mmd.Trading.Engine;
using Mmd.Trading.Risk;
using Mmd.Trading.Strategies.SpotMarketMaking;

namespace Mmd.Benchmarks;

/// <summary>
/// A worker's start on a long-lived journal: every journaled fill is replayed into the cumulative figures before the
/// first quote. Builds a journal of N fills, then starts the real engine on it (SQLite journal, paper venue) and times
/// the start to six quotes resting, with the managed heap's peak and the bytes allocated.
/// </summary>
public static class JournalReplayBench
{
    public static async Task RunAsync(int fills)
    {
        using var dir = new TempDirectory();
        var db = await MmdDatabase.OpenAsync(dir.Combine("journal.db"), CancellationToken.None);
        var built = Stopwatch.StartNew();
        await FillAsync(db, fills);
        Console.WriteLine(FormattableString.Invariant($"journal of {fills:N0} fills built in {built.Elapsed.TotalSeconds:0.0} s ({new FileInfo(db.Path).Length / 1e6:0} MB)"));
        for (var run = 1; run <= 3; run++) await StartOnceAsync(db, run);
    }

    private static async Task StartOnceAsync(JournalDatabase db, int run)
    {
        using var exchange = new PaperExchange(new PaperSettings { VolatilityPct = 0m, FlowRate = 0m }, TimeProvider.System);
        await using var journal = new SqliteTradingJournal(db, "bench", "paper");
        using var engine = new InstanceEngine(
            new EngineOptions { InstanceName = "bench", Symbol = "SOL_USDC", RefreshInterval = TimeSpan.FromHours(1) },
            new PaperConnector(exchange, "bench"),
            new SpotMarketMaker(new SpotMarketMakerConfig { SpreadPct = 0.2m, OrderQuantity = 0.5m, Levels = 3, RebalanceEnabled = false }),
            new RiskEngine(new RiskLimits(), TimeProvider.System), journal, TimeProvider.System, NullLogger.Instance);
        GC.Collect();
        var heapBefore = GC.GetTotalMemory(true);
        var allocatedBefore = GC.GetTotalAllocatedBytes(true);
        long peak = 0;
        using var stop = new CancellationTokenSource();
        var started = Stopwatch.StartNew();
        var running = Task.Run(() => engine.RunAsync(stop.Token));
        while (exchange.OpenOrders("bench", "SOL_USDC").Count < 6)
        {
            peak = Math.Max(peak, GC.GetTotalMemory(false));
            if (running.IsCompleted) await running; // a failed start says why
            await Task.Delay(1);
        }
        var quoting = started.Elapsed;
        var allocated = GC.GetTotalAllocatedBytes(true) - allocatedBefore;
        await stop.CancelAsync();
        var result = await running;
        Console.WriteLine(FormattableString.Invariant(
            $"start {run}: six quotes resting after {quoting.TotalMilliseconds:0} ms; {result.Startup!.JournalFills:N0} fills replayed after a checkpoint of {result.Startup.CheckpointFills:N0}; managed heap peak +{(peak - heapBefore) / 1e6:0} MB, allocated {allocated / 1e6:0} MB"));
    }

    /// <summary>Fills of an instance that quoted 0.5 a side around 150, with the fields a venue gives.</summary>
    private static async Task FillAsync(JournalDatabase db, int fills)
    {
        await using var connection = new SqliteConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO fills ("Instance", "Venue", "Symbol", "TradeId", "VenueOrderId", "ClientOrderId", "Side", "Price", "Quantity", "Fee", "FeeAsset", "IsMaker", "Purpose", "TimestampMs")
            VALUES ('bench', 'paper', 'SOL_USDC', $trade, $venueId, $id, $side, $price, '0.5', '0.015', 'USDC', 1, 'Quote', $ts)
            """;
        var trade = insert.Parameters.Add("$trade", SqliteType.Text);
        var venueId = insert.Parameters.Add("$venueId", SqliteType.Text);
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var side = insert.Parameters.Add("$side", SqliteType.Text);
        var price = insert.Parameters.Add("$price", SqliteType.Text);
        var ts = insert.Parameters.Add("$ts", SqliteType.Integer);
        var start = DateTimeOffset.UtcNow.AddDays(-30).ToUnixTimeMilliseconds();
        for (var i = 0; i < fills; i++)
        {
            trade.Value = "T" + i;
            venueId.Value = "V" + (i / 2);
            id.Value = "bench_old" + (i / 2);
            side.Value = i % 2 == 0 ? "Buy" : "Sell";
            price.Value = i % 2 == 0 ? "149.85" : "150.15";
            ts.Value = start + i;
            await insert.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
    }
}
