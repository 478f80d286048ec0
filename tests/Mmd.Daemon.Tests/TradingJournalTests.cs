using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Mmd.Persistence;
using Mmd.Trading.Engine;
using Mmd.TestKit;
using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Stats;

namespace Mmd.Daemon.Tests;

public class TradingJournalTests
{
    internal static readonly DateTimeOffset T = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000);

    internal static VenueFill Fill(string tradeId, decimal price = 150.123456789m) =>
        new(tradeId, "V1", "mm_1", "SOL_USDC", Side.Buy, price, 0.5m, 0.0150123m, "USDC", true, T);

    [Fact]
    public async Task Fill_RecordedOnce_PerTradeId()
    {
        using var dir = new TempDirectory();
        var db = await MmdDatabase.OpenAsync(dir.Combine("j.db"), CancellationToken.None);
        await using var journal = new SqliteTradingJournal(db, "mm", "paper");
        Assert.True(await journal.RecordFillAsync(Fill("T1"), OrderPurpose.Quote, CancellationToken.None));
        Assert.False(await journal.RecordFillAsync(Fill("T1"), OrderPurpose.Quote, CancellationToken.None));
        Assert.True(await journal.RecordFillAsync(Fill("T2"), OrderPurpose.Rebalance, CancellationToken.None));
        var fills = await journal.ReadFillsAsync(FillQuery.All, CancellationToken.None).ToListAsync();
        Assert.Equal(["T1", "T2"], fills.Select(f => f.Fill.TradeId));
        Assert.Equal(OrderPurpose.Rebalance, fills[1].Purpose);
    }

    [Fact]
    public async Task ATradeBetweenTwoOfOurOrders_IsRecordedAsBothItsFills_EachOnce()
    {
        // Our IOC hedge trading with our own resting quote (where the venue's self-trade prevention lets it) is one trade
        // id with a fill on each side. Keyed by trade id alone, the journal kept the first and refused the other.
        using var dir = new TempDirectory();
        var db = await MmdDatabase.OpenAsync(dir.Combine("j.db"), CancellationToken.None);
        await using var journal = new SqliteTradingJournal(db, "mm", "paper");
        var ask = Fill("T1") with { ClientOrderId = "mm_2", Side = Side.Sell, IsMaker = false };
        Assert.True(await journal.RecordFillAsync(Fill("T1"), OrderPurpose.Quote, CancellationToken.None));
        Assert.True(await journal.RecordFillAsync(ask, OrderPurpose.Hedge, CancellationToken.None));
        Assert.False(await journal.RecordFillAsync(ask, OrderPurpose.Hedge, CancellationToken.None));
        Assert.False(await journal.RecordFillAsync(Fill("T1"), OrderPurpose.Quote, CancellationToken.None));
        var fills = await journal.ReadFillsAsync(FillQuery.All, CancellationToken.None).ToListAsync();
        Assert.Equal([("mm_1", Side.Buy), ("mm_2", Side.Sell)], fills.Select(f => (f.Fill.ClientOrderId, f.Fill.Side)));
    }

    [Fact]
    public async Task AJournalKeyedByTradeIdAlone_IsMigrated_ItsFillsKept_AndTakesTheOtherSideOfATrade()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("j.db");
        var db = await MmdDatabase.OpenAsync(path, CancellationToken.None);
        await using (var journal = new SqliteTradingJournal(db, "mm", "paper"))
            Assert.True(await journal.RecordFillAsync(Fill("T1"), OrderPurpose.Quote, CancellationToken.None));
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            // The file as the migration before FillSide left it: the unique key without the side.
            await connection.OpenAsync();
            await using var back = connection.CreateCommand();
            back.CommandText = """
                DROP INDEX "IX_fills_Venue_Symbol_TradeId_Side";
                CREATE UNIQUE INDEX "IX_fills_Venue_Symbol_TradeId" ON "fills" ("Venue", "Symbol", "TradeId");
                DELETE FROM "__EFMigrationsHistory" WHERE "MigrationId" LIKE '%_FillSide';
                """;
            await back.ExecuteNonQueryAsync();
        }
        SqliteConnection.ClearAllPools();
        var migrated = await MmdDatabase.OpenAsync(path, CancellationToken.None);
        await using var reopened = new SqliteTradingJournal(migrated, "mm", "paper");
        Assert.False(await reopened.RecordFillAsync(Fill("T1"), OrderPurpose.Quote, CancellationToken.None));
        Assert.True(await reopened.RecordFillAsync(Fill("T1") with { ClientOrderId = "mm_2", Side = Side.Sell }, OrderPurpose.Hedge, CancellationToken.None));
        Assert.Equal(2, (await reopened.ReadFillsAsync(FillQuery.All, CancellationToken.None).ToListAsync()).Count);
    }

    [Fact]
    public async Task AFiguresCheckpoint_CoversTheNewestFillOfItsMarket_AndTheQueriesPickTheFillsAroundIt()
    {
        using var dir = new TempDirectory();
        var db = await MmdDatabase.OpenAsync(dir.Combine("j.db"), CancellationToken.None);
        // A cross-market hedge's two markets and another instance, writing between each other's fills.
        await using var quotes = new SqliteTradingJournal(db, "x", "paper", "SOL_USDC");
        await using var hedge = new SqliteTradingJournal(db, "x", "paper", "SOL_USDC_PERP");
        await using var other = new SqliteTradingJournal(db, "y", "paper");
        VenueFill Of(string trade, string order, int minute, string symbol = "SOL_USDC") =>
            Fill(trade) with { ClientOrderId = order, Symbol = symbol, Timestamp = T.AddMinutes(minute) };
        await quotes.RecordFillAsync(Of("Q1", "x_1", 0), OrderPurpose.Quote, CancellationToken.None);
        await other.RecordFillAsync(Of("Y1", "y_1", 1), OrderPurpose.Quote, CancellationToken.None);
        await quotes.RecordFillAsync(Of("Q2", "x_2", 2), OrderPurpose.Quote, CancellationToken.None);
        await hedge.RecordFillAsync(Of("H1", "x_3", 3, "SOL_USDC_PERP"), OrderPurpose.Hedge, CancellationToken.None);
        await quotes.RecordFillAsync(Of("Q3", "x_1", 4), OrderPurpose.Quote, CancellationToken.None);
        await other.RecordFillAsync(Of("Y2", "y_1", 5), OrderPurpose.Quote, CancellationToken.None);

        var stats = new TradingStatistics("SOL", "USDC");
        foreach (var f in await quotes.ReadFillsAsync(FillQuery.All, CancellationToken.None).ToListAsync()) stats.Apply(f.Fill, false);
        var checkpoint = stats.ToCheckpoint(T.AddMinutes(6), T.AddMinutes(2), new Dictionary<string, DateTimeOffset> { ["F1"] = T.AddMinutes(2) });
        await quotes.SaveCheckpointAsync(checkpoint, CancellationToken.None);
        await hedge.SaveCheckpointAsync(new TradingStatistics("SOL", "USDC").ToCheckpoint(T, null, new Dictionary<string, DateTimeOffset>()), CancellationToken.None);

        // Read back by a new journal (a restarted worker): the row is Q3's, not the other instance's newer Y2.
        await using var restarted = new SqliteTradingJournal(db, "x", "paper", "SOL_USDC");
        var loaded = await restarted.LoadCheckpointAsync(CancellationToken.None);
        var rows = (await restarted.ReadFillsAsync(FillQuery.All, CancellationToken.None).ToListAsync()).ToDictionary(f => f.Fill.TradeId, f => f.Row);
        Assert.Equal(rows["Q3"], loaded!.LastFillRow);
        Assert.Equivalent(checkpoint, loaded.Figures, strict: true);
        var hedgeLoaded = await new SqliteTradingJournal(db, "x", "paper", "SOL_USDC_PERP").LoadCheckpointAsync(CancellationToken.None);
        Assert.True(hedgeLoaded!.LastFillRow > rows["Q2"] && hedgeLoaded.LastFillRow < rows["Q3"]); // H1's

        async Task<string[]> Read(FillQuery query) => [.. (await restarted.ReadFillsAsync(query, CancellationToken.None).ToListAsync()).Select(f => f.Fill.TradeId)];
        var covered = new FillQuery { UpToRow = loaded.LastFillRow };
        Assert.Equal(["Q1", "Q3"], await Read(covered with { Orders = ["x_1"] }));
        Assert.Equal(["Q2", "Q3"], await Read(covered with { From = T.AddMinutes(2) }));
        Assert.Empty(await Read(new FillQuery { AfterRow = loaded.LastFillRow }));

        // Fills of other markets only: the next checkpoint covers the same row; one of its own: that one.
        await other.RecordFillAsync(Of("Y3", "y_1", 6), OrderPurpose.Quote, CancellationToken.None);
        await restarted.SaveCheckpointAsync(checkpoint, CancellationToken.None);
        Assert.Equal(rows["Q3"], (await quotes.LoadCheckpointAsync(CancellationToken.None))!.LastFillRow);
        await restarted.RecordFillAsync(Of("Q4", "x_4", 7), OrderPurpose.Quote, CancellationToken.None);
        await other.RecordFillAsync(Of("Y4", "y_1", 8), OrderPurpose.Quote, CancellationToken.None);
        await restarted.SaveCheckpointAsync(checkpoint, CancellationToken.None);
        var q4 = Assert.Single(await restarted.ReadFillsAsync(new FillQuery { AfterRow = rows["Q3"] }, CancellationToken.None).ToListAsync());
        Assert.Equal(q4.Row, (await quotes.LoadCheckpointAsync(CancellationToken.None))!.LastFillRow);
    }

    [Fact]
    public async Task AFiguresCheckpointOfAnotherShape_IsNotLoaded()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("j.db");
        var db = await MmdDatabase.OpenAsync(path, CancellationToken.None);
        await using (var journal = new SqliteTradingJournal(db, "mm", "paper"))
            await journal.SaveCheckpointAsync(new TradingStatistics("SOL", "USDC").ToCheckpoint(T, null, new Dictionary<string, DateTimeOffset>()), CancellationToken.None);
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """UPDATE figures_checkpoints SET "Json" = '{"Figures": 12}'""";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }
        await using var restarted = new SqliteTradingJournal(db, "mm", "paper");
        Assert.Null(await restarted.LoadCheckpointAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Decimals_StoredAsText_RoundTripExactly()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("j.db");
        var db = await MmdDatabase.OpenAsync(path, CancellationToken.None);
        await using var journal = new SqliteTradingJournal(db, "mm", "paper");
        await journal.RecordFillAsync(Fill("T1", 0.1m + 0.2m), OrderPurpose.Quote, CancellationToken.None);
        Assert.Equal(0.3m, (await journal.ReadFillsAsync(FillQuery.All, CancellationToken.None).ToListAsync()).Single().Fill.Price);

        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT typeof(Price), Price FROM fills";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("text", reader.GetString(0));
        Assert.Equal("0.3", reader.GetString(1));
    }

    [Fact]
    public async Task Orders_Upserted_OpenOnesReloaded()
    {
        using var dir = new TempDirectory();
        var db = await MmdDatabase.OpenAsync(dir.Combine("j.db"), CancellationToken.None);
        await using var journal = new SqliteTradingJournal(db, "mm", "paper");
        var open = Order("mm_1");
        var done = Order("mm_2");
        await journal.SaveOrdersAsync([open, done], CancellationToken.None);
        open.Restore(OrderStatus.Open, "V1", 0.25m, T, null);
        done.Restore(OrderStatus.Filled, "V2", 1m, T, null);
        await journal.SaveOrdersAsync([open, done], CancellationToken.None);

        var reloaded = Assert.Single(await journal.LoadOpenOrdersAsync(CancellationToken.None));
        Assert.Equal("mm_1", reloaded.ClientOrderId);
        Assert.Equal(OrderStatus.Open, reloaded.Status);
        Assert.Equal("V1", reloaded.VenueOrderId);
        Assert.Equal(0.25m, reloaded.FilledQuantity);
        Assert.Equal(150.05m, reloaded.Price);
        Assert.Equal(2, reloaded.Level);
        Assert.Null(reloaded.QuotedPrice);
    }

    [Fact]
    public async Task AQuotePlacedAwayFromItsPrice_ReloadsWithTheStrategysPrice()
    {
        using var dir = new TempDirectory();
        var db = await MmdDatabase.OpenAsync(dir.Combine("j.db"), CancellationToken.None);
        await using var journal = new SqliteTradingJournal(db, "mm", "paper");
        var behind = new TrackedOrder
        {
            ClientOrderId = "mm_1", Symbol = "SOL_USDC", Side = Side.Sell, Type = OrderType.Limit, TimeInForce = TimeInForce.Gtc,
            Price = 153.01m, QuotedPrice = 150.00m, Quantity = 0.99m, PostOnly = true, Level = 2, CreatedAt = T,
        };
        await journal.SaveOrdersAsync([behind], CancellationToken.None);
        behind.Restore(OrderStatus.Open, "V1", 0m, T, null);
        await journal.SaveOrdersAsync([behind], CancellationToken.None);

        var reloaded = Assert.Single(await journal.LoadOpenOrdersAsync(CancellationToken.None));
        Assert.Equal((153.01m, 150.00m, 150.00m), (reloaded.Price, reloaded.QuotedPrice, reloaded.StrategyPrice));
    }

    [Fact]
    public async Task AnEndedOrdersPurpose_IsStillReadBack_AnotherInstancesIsNot()
    {
        using var dir = new TempDirectory();
        var db = await MmdDatabase.OpenAsync(dir.Combine("j.db"), CancellationToken.None);
        await using var journal = new SqliteTradingJournal(db, "mm", "paper");
        var hedge = Order("mm_1", OrderPurpose.Hedge);
        hedge.Restore(OrderStatus.Filled, "V1", 1m, T, null);
        await journal.SaveOrdersAsync([hedge], CancellationToken.None);
        await using var other = new SqliteTradingJournal(db, "mm2", "paper");

        Assert.Equal(OrderPurpose.Hedge, await journal.LoadOrderPurposeAsync("mm_1", CancellationToken.None));
        Assert.Null(await journal.LoadOrderPurposeAsync("mm_9", CancellationToken.None));
        Assert.Null(await other.LoadOrderPurposeAsync("mm_1", CancellationToken.None));
    }

    [Fact]
    public async Task ANewOrderOnAnIdAnEndedOrderOfLongAgoHeld_TakesTheRowWhole_AndIsTheLastOrder()
    {
        // Backpack's numbered ids come round every four million orders: the journal may still hold the earlier order.
        using var dir = new TempDirectory();
        var db = await MmdDatabase.OpenAsync(dir.Combine("j.db"), CancellationToken.None);
        var runs = new RunStore(db);
        var first = await runs.StartAsync("mm", 100, T, CancellationToken.None);
        await using (var earlier = new SqliteTradingJournal(db, "mm", "backpack", runId: first))
        {
            var hedge = Order("mm_7", OrderPurpose.Hedge);
            hedge.Restore(OrderStatus.Filled, "V1", 1m, T, null);
            await earlier.SaveOrdersAsync([hedge, Order("mm_8")], CancellationToken.None);
            Assert.Equal("mm_8", await earlier.LoadLastClientOrderIdAsync(CancellationToken.None));
        }
        var second = await runs.StartAsync("mm", 200, T.AddDays(3), CancellationToken.None);
        await using var journal = new SqliteTradingJournal(db, "mm", "backpack", runId: second);
        var later = T.AddDays(3);
        var quote = new TrackedOrder
        {
            ClientOrderId = "mm_7", Symbol = "SOL_USDC_PERP", Side = Side.Sell, Type = OrderType.Limit, TimeInForce = TimeInForce.Gtc,
            Price = 151.5m, Quantity = 0.4m, PostOnly = true, Level = 1, CreatedAt = later, Purpose = OrderPurpose.Quote,
        };
        await journal.SaveOrdersAsync([quote], CancellationToken.None);
        Assert.Equal("mm_7", await journal.LoadLastClientOrderIdAsync(CancellationToken.None));
        quote.Restore(OrderStatus.Open, "V9", 0m, later, null);
        await journal.SaveOrdersAsync([quote], CancellationToken.None); // an update keeps the row, and it stays the last order
        Assert.Equal("mm_7", await journal.LoadLastClientOrderIdAsync(CancellationToken.None));

        var reloaded = (await journal.LoadOpenOrdersAsync(CancellationToken.None)).Single(o => o.ClientOrderId == "mm_7");
        Assert.Equal(("SOL_USDC_PERP", Side.Sell, 151.5m, 0.4m, 0m, 1, later, OrderStatus.Open, "V9"),
            (reloaded.Symbol, reloaded.Side, reloaded.Price, reloaded.Quantity, reloaded.FilledQuantity, reloaded.Level, reloaded.CreatedAt, reloaded.Status, reloaded.VenueOrderId));
        Assert.Equal(OrderPurpose.Quote, await journal.LoadOrderPurposeAsync("mm_7", CancellationToken.None));
        Assert.True(await RunStore.JournaledOrdersAsync(dir.Combine("j.db"), "mm", 200, CancellationToken.None)); // the row is the later run's
        await using var paper = new SqliteTradingJournal(db, "mm", "paper");
        Assert.Null(await paper.LoadLastClientOrderIdAsync(CancellationToken.None)); // per venue
    }

    [Fact]
    public async Task EachMarketOfACrossMarketHedge_ReadsBackOnlyItsOwnOrdersAndFills()
    {
        using var dir = new TempDirectory();
        var db = await MmdDatabase.OpenAsync(dir.Combine("j.db"), CancellationToken.None);
        // The same symbol on two venues, and another symbol on the first: three markets, one instance.
        await using var quotes = new SqliteTradingJournal(db, "x", "paper", "SOL_USDC");
        await using var hedgeElsewhere = new SqliteTradingJournal(db, "x", "backpack", "SOL_USDC");
        await using var hedgePerp = new SqliteTradingJournal(db, "x", "paper", "SOL_USDC_PERP");
        await quotes.SaveOrdersAsync([Order("x_1")], CancellationToken.None);
        await hedgeElsewhere.SaveOrdersAsync([Order("x_2")], CancellationToken.None);
        await hedgePerp.SaveOrdersAsync([Order("x_3", "SOL_USDC_PERP")], CancellationToken.None);
        await quotes.RecordFillAsync(Fill("T1"), OrderPurpose.Quote, CancellationToken.None);
        await hedgeElsewhere.RecordFillAsync(Fill("T1"), OrderPurpose.Hedge, CancellationToken.None); // one trade id, two venues: two fills
        await hedgePerp.RecordFillAsync(Fill("T2") with { Symbol = "SOL_USDC_PERP" }, OrderPurpose.Hedge, CancellationToken.None);

        Assert.Equal("x_1", Assert.Single(await quotes.LoadOpenOrdersAsync(CancellationToken.None)).ClientOrderId);
        Assert.Equal("x_2", Assert.Single(await hedgeElsewhere.LoadOpenOrdersAsync(CancellationToken.None)).ClientOrderId);
        Assert.Equal("x_3", Assert.Single(await hedgePerp.LoadOpenOrdersAsync(CancellationToken.None)).ClientOrderId);
        Assert.Equal(OrderPurpose.Quote, Assert.Single(await quotes.ReadFillsAsync(FillQuery.All, CancellationToken.None).ToListAsync()).Purpose);
        Assert.Equal(OrderPurpose.Hedge, Assert.Single(await hedgeElsewhere.ReadFillsAsync(FillQuery.All, CancellationToken.None).ToListAsync()).Purpose);
        Assert.Equal("T2", Assert.Single(await hedgePerp.ReadFillsAsync(FillQuery.All, CancellationToken.None).ToListAsync()).Fill.TradeId);
        // An instance of one market reads all of its venue's rows, as before.
        await using var single = new SqliteTradingJournal(db, "x", "paper");
        Assert.Equal(2, (await single.LoadOpenOrdersAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Database_IsInWalMode()
    {
        using var dir = new TempDirectory();
        var db = await MmdDatabase.OpenAsync(dir.Combine("j.db"), CancellationToken.None);
        await using var context = new MmdDbContext(MmdDatabase.Options(db.Path));
        var mode = await context.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync();
        Assert.Equal("wal", Assert.Single(mode));
    }

    [Fact]
    public void Model_HasNoChangesWithoutAMigration()
    {
        // Fails when an entity changes and nobody ran `dotnet ef migrations add`.
        using var context = new MmdDbContext(MmdDatabase.Options(":memory:"));
        Assert.False(context.Database.HasPendingModelChanges(), "the EF model has changes without a migration: run dotnet ef migrations add <Name> --project daemon/Mmd.Persistence");
    }

    [Fact]
    public async Task Runs_StartAndEnd()
    {
        using var dir = new TempDirectory();
        var db = await MmdDatabase.OpenAsync(dir.Combine("j.db"), CancellationToken.None);
        var runs = new RunStore(db);
        var id = await runs.StartAsync("mm", 1234, T, CancellationToken.None);
        await runs.EndAsync(id, T.AddMinutes(5), 0, "signal", CancellationToken.None);
        await using var context = new MmdDbContext(MmdDatabase.Options(db.Path));
        var run = await context.Runs.SingleAsync();
        Assert.Equal((1234, 0, "signal"), (run.Pid, run.ExitCode!.Value, run.Reason!));
    }

    private static TrackedOrder Order(string id, string symbol = "SOL_USDC") => Order(id, OrderPurpose.Quote, symbol);

    private static TrackedOrder Order(string id, OrderPurpose purpose, string symbol = "SOL_USDC") => new()
    {
        ClientOrderId = id, Symbol = symbol, Side = Side.Buy, Type = OrderType.Limit, TimeInForce = TimeInForce.Gtc,
        Price = 150.05m, Quantity = 1m, PostOnly = true, Level = 2, CreatedAt = T, Purpose = purpose,
    };

    [Fact]
    public async Task ATrippedKillSwitch_IsReadBack_FromTheLatestSnapshot_WithItsReason()
    {
        using var dir = new TempDirectory();
        var db = await MmdDatabase.OpenAsync(dir.Combine("j.db"), CancellationToken.None);
        await using var journal = new SqliteTradingJournal(db, "mm", "paper");
        Assert.Null(await journal.LoadTrippedKillSwitchAsync(CancellationToken.None));
        Trading.Stats.StatsSnapshot Snapshot(bool tripped, string? reason) => new()
        {
            Instance = "mm", Venue = "paper", Symbol = "SOL_USDC", BaseAsset = "SOL", QuoteAsset = "USDC", Time = T, SessionStart = T,
            Session = new Trading.Stats.StatsFigures(), Cumulative = new Trading.Stats.StatsFigures(), KillSwitchTripped = tripped, KillSwitchReason = reason,
        };
        await journal.SaveStatsAsync(Snapshot(true, "drawdown 6 from peak 1 reached the limit 5"), replaceLatest: false, CancellationToken.None);
        Assert.Equal("drawdown 6 from peak 1 reached the limit 5", await journal.LoadTrippedKillSwitchAsync(CancellationToken.None));
        await journal.SaveStatsAsync(Snapshot(true, null), replaceLatest: false, CancellationToken.None); // a snapshot from before the reason was kept
        Assert.Equal("tripped in an earlier run", await journal.LoadTrippedKillSwitchAsync(CancellationToken.None));
        await journal.SaveStatsAsync(Snapshot(false, null), replaceLatest: false, CancellationToken.None); // cleared by an operator's start
        Assert.Null(await journal.LoadTrippedKillSwitchAsync(CancellationToken.None));
    }

    [Fact]
    public async Task TheLastStrategyFigures_AreReadBack_FromTheLatestSnapshot()
    {
        using var dir = new TempDirectory();
        var db = await MmdDatabase.OpenAsync(dir.Combine("j.db"), CancellationToken.None);
        await using var journal = new SqliteTradingJournal(db, "grid", "paper");
        Assert.Null(await journal.LoadLastStrategyFiguresAsync(CancellationToken.None));
        Trading.Stats.StatsSnapshot Snapshot(decimal lower, decimal profit) => new()
        {
            Instance = "grid", Venue = "paper", Symbol = "SOL_USDC", BaseAsset = "SOL", QuoteAsset = "USDC", Time = T, SessionStart = T,
            Session = new Trading.Stats.StatsFigures(), Cumulative = new Trading.Stats.StatsFigures(), Strategy = "spot_grid",
            StrategyFigures = new Trading.Stats.StrategyFigures
            {
                Grid = new Trading.Stats.GridFigures("arithmetic", "spot", lower, 160m, 5, 3, 2, 2, profit, 2, 2, 1, 0),
                GridIntervals = [new(Side.Buy, 0m, 0m, false), new(Side.Sell, 0.99m, 148.5m, false), new(Side.Sell, 0m, 0m, true)],
                LastProtectiveAction = "none", LastProtectiveActionAt = T,
            },
        };
        await journal.SaveStatsAsync(Snapshot(140m, 4.95m), replaceLatest: false, CancellationToken.None);
        await journal.SaveStatsAsync(Snapshot(141.5m, 9.9m), replaceLatest: false, CancellationToken.None);
        var last = await journal.LoadLastStrategyFiguresAsync(CancellationToken.None);
        Assert.Equal(new Trading.Stats.GridFigures("arithmetic", "spot", 141.5m, 160m, 5, 3, 2, 2, 9.9m, 2, 2, 1, 0), last!.Grid);
        Assert.Equal(("none", T), (last.LastProtectiveAction, last.LastProtectiveActionAt));
        Assert.Equal([new(Side.Buy, 0m, 0m, false), new(Side.Sell, 0.99m, 148.5m, false), new(Side.Sell, 0m, 0m, true)], last.GridIntervals!);
    }

    [Fact]
    public async Task Prune_DeletesEndedOrdersAndSnapshotsFromBeforeTheCutoff_KeepsOpenOrdersFillsAndTheLatestSnapshot()
    {
        using var dir = new TempDirectory();
        var db = await MmdDatabase.OpenAsync(dir.Combine("j.db"), CancellationToken.None);
        var cutoff = T.AddDays(30);
        TrackedOrder Ended(string id, DateTimeOffset at, OrderStatus status = OrderStatus.Cancelled)
        {
            var o = Order(id);
            o.Restore(status, "v-" + id, status == OrderStatus.Filled ? 1m : 0m, at, null);
            return o;
        }
        Trading.Stats.StatsSnapshot Snapshot(DateTimeOffset at) => new()
        {
            Instance = "mm", Venue = "paper", Symbol = "SOL_USDC", BaseAsset = "SOL", QuoteAsset = "USDC", Time = at, SessionStart = T,
            Session = new Trading.Stats.StatsFigures(), Cumulative = new Trading.Stats.StatsFigures(),
        };
        await using (var other = new SqliteTradingJournal(db, "other", "paper"))
        {
            await other.SaveOrdersAsync([Ended("other_1", T)], CancellationToken.None);
            await other.SaveStatsAsync(Snapshot(T), replaceLatest: false, CancellationToken.None);
        }
        await using var journal = new SqliteTradingJournal(db, "mm", "paper");
        var old = Enumerable.Range(0, 4500).Select(i => Ended($"mm_old{i}", T.AddMinutes(i % 60), i % 3 == 0 ? OrderStatus.Filled : OrderStatus.Cancelled)).ToList();
        await journal.SaveOrdersAsync([.. old, Ended("mm_rej", T, OrderStatus.Rejected), Ended("mm_recent", cutoff.AddSeconds(1)), Order("mm_open")], CancellationToken.None);
        await journal.RecordFillAsync(new VenueFill("t1", "v-mm_old0", "mm_old0", "SOL_USDC", Side.Buy, 150m, 1m, 0m, "USDC", true, T), OrderPurpose.Quote, CancellationToken.None);
        await journal.SaveStatsAsync(Snapshot(T), replaceLatest: false, CancellationToken.None);
        await journal.SaveStatsAsync(Snapshot(T.AddDays(1)), replaceLatest: false, CancellationToken.None);

        // 4501 ended orders: three batches, each a short hold of the writer.
        Assert.Equal(4501 + 1, await journal.PruneAsync(cutoff, CancellationToken.None));

        await using var read = new MmdDbContext(MmdDatabase.Options(db.Path));
        Assert.Equal(["mm_open", "mm_recent", "other_1"], read.Orders.Select(o => o.ClientOrderId).AsEnumerable().Order(StringComparer.Ordinal));
        Assert.Equal(1, await read.Fills.CountAsync()); // the fill of a pruned order stays: the trading record
        Assert.Equal([("mm", T.AddDays(1).ToUnixTimeMilliseconds()), ("other", T.ToUnixTimeMilliseconds())],
            read.StatsSnapshots.Select(x => new { x.Instance, x.TimeMs }).AsEnumerable().Select(x => (x.Instance, x.TimeMs)).Order());
        Assert.Equal(0, await journal.PruneAsync(cutoff, CancellationToken.None)); // the latest snapshot stays, however old
        Assert.Single(await journal.LoadOpenOrdersAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ASnapshotThatReplacesTheLatest_RewritesThisRunsLastRow_AndTheNextPeriodAddsOne()
    {
        using var dir = new TempDirectory();
        var db = await MmdDatabase.OpenAsync(dir.Combine("j.db"), CancellationToken.None);
        Trading.Stats.StatsSnapshot Snapshot(decimal profit) => new()
        {
            Instance = "grid", Venue = "paper", Symbol = "SOL_USDC", BaseAsset = "SOL", QuoteAsset = "USDC", Time = T, SessionStart = T,
            Session = new Trading.Stats.StatsFigures(), Cumulative = new Trading.Stats.StatsFigures(), Strategy = "spot_grid",
            StrategyFigures = new Trading.Stats.StrategyFigures { Grid = new Trading.Stats.GridFigures("arithmetic", "spot", 140m, 160m, 5, 3, 2, 2, profit, 2, 2, 1, 0) },
        };
        await using (var earlier = new SqliteTradingJournal(db, "grid", "paper"))
            await earlier.SaveStatsAsync(Snapshot(1m), replaceLatest: false, CancellationToken.None);
        await using var journal = new SqliteTradingJournal(db, "grid", "paper");
        await journal.SaveStatsAsync(Snapshot(2m), replaceLatest: true, CancellationToken.None); // nothing of this run's yet: added
        await journal.SaveStatsAsync(Snapshot(3m), replaceLatest: true, CancellationToken.None);
        Assert.Equal(3m, (await journal.LoadLastStrategyFiguresAsync(CancellationToken.None))!.Grid!.Profit);
        await journal.SaveStatsAsync(Snapshot(4m), replaceLatest: false, CancellationToken.None);
        await journal.SaveStatsAsync(Snapshot(5m), replaceLatest: true, CancellationToken.None);
        Assert.Equal(5m, (await journal.LoadLastStrategyFiguresAsync(CancellationToken.None))!.Grid!.Profit);

        await using var read = new MmdDbContext(MmdDatabase.Options(db.Path));
        var profits = read.StatsSnapshots.OrderBy(x => x.Id).AsEnumerable()
            .Select(x => System.Text.Json.JsonDocument.Parse(x.Json).RootElement.GetProperty("StrategyFigures").GetProperty("Grid").GetProperty("Profit").GetString()).ToList();
        Assert.Equal(["1", "3", "5"], profits); // the earlier run's row is never rewritten
    }

    [Fact]
    public async Task WhetherARunJournaledAnOrder_IsReadByItsPid_AndAnOrderKeepsTheRunThatFirstWroteIt()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("j.db");
        Assert.False(await RunStore.JournaledOrdersAsync(path, "mm", 100, CancellationToken.None)); // no journal: nothing was sent
        Assert.False(File.Exists(path), "asking does not create the journal");

        var db = await MmdDatabase.OpenAsync(path, CancellationToken.None);
        var runs = new RunStore(db);
        var first = await runs.StartAsync("mm", 100, T, CancellationToken.None);
        await using (var journal = new SqliteTradingJournal(db, "mm", "paper", runId: first))
            await journal.SaveOrdersAsync([Order("mm_1")], CancellationToken.None);
        var second = await runs.StartAsync("mm", 200, T, CancellationToken.None);
        await using (var journal = new SqliteTradingJournal(db, "mm", "paper", runId: second))
        {
            var adopted = Order("mm_1");
            adopted.Restore(OrderStatus.Cancelled, "V1", 0m, T, null);
            await journal.SaveOrdersAsync([adopted], CancellationToken.None); // the second run only cancelled the first's order
        }

        Assert.True(await RunStore.JournaledOrdersAsync(path, "mm", 100, CancellationToken.None));
        Assert.False(await RunStore.JournaledOrdersAsync(path, "mm", 200, CancellationToken.None));
        Assert.False(await RunStore.JournaledOrdersAsync(path, "mm", 300, CancellationToken.None)); // never got as far as its run row
        Assert.False(await RunStore.JournaledOrdersAsync(path, "other", 100, CancellationToken.None));

        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var damage = connection.CreateCommand();
        damage.CommandText = "ALTER TABLE orders DROP COLUMN RunId"; // a journal the run mark cannot be read from
        await damage.ExecuteNonQueryAsync();
        Assert.Null(await RunStore.JournaledOrdersAsync(path, "mm", 200, CancellationToken.None));
    }
}
