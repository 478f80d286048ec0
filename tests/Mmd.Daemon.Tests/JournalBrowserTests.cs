using Mmd.Persistence;
using Mmd.TestKit;
using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Risk;
using static Mmd.Daemon.Tests.TradingJournalTests;

namespace Mmd.Daemon.Tests;

/// <summary>The operator's read of a journal (mmctl orders, mmctl fills): a real SQLite file, read while its writer has it open.</summary>
public sealed class JournalBrowserTests
{
    [Fact]
    public async Task Orders_AreTheInstancesOwn_NewestCreatedFirst_OpenOnesOrEveryState_WithSinceAndLimit()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("j.db");
        var db = await MmdDatabase.OpenAsync(path, CancellationToken.None);
        await using var journal = new SqliteTradingJournal(db, "mm", "paper");
        await using var other = new SqliteTradingJournal(db, "zz", "paper");
        var orders = Enumerable.Range(1, 4).Select(i => Created($"mm_{i}", T.AddMinutes(i))).ToArray();
        await journal.SaveOrdersAsync(orders, CancellationToken.None);
        await other.SaveOrdersAsync([Created("zz_1", T.AddMinutes(9))], CancellationToken.None);
        orders[1].Restore(OrderStatus.Filled, "V2", 1m, T.AddMinutes(5), null);
        orders[2].Restore(OrderStatus.Rejected, null, 0m, T.AddMinutes(5), "post-only order would cross");
        // The oldest changes last: it keeps its place, which is its creation's.
        orders[0].Restore(OrderStatus.PartiallyFilled, "V1", 0.25m, T.AddMinutes(6), null);
        await journal.SaveOrdersAsync([orders[1], orders[2]], CancellationToken.None);
        await journal.SaveOrdersAsync([orders[0]], CancellationToken.None);

        // The ids, newest first, and "+ more" when the limit left some out.
        async Task<string> Read(bool all, long since = long.MinValue, int limit = 50)
        {
            var (rows, truncated) = await JournalBrowser.OrdersAsync(path, "mm", all, since, limit, CancellationToken.None);
            return string.Join(" ", rows.Select(r => r.ClientOrderId)) + (truncated ? " + more" : "");
        }
        Assert.Equal("mm_4 mm_1", await Read(all: false));
        Assert.Equal("mm_4 mm_3 mm_2 mm_1", await Read(all: true));
        Assert.Equal("mm_4 mm_3 + more", await Read(all: true, limit: 2));
        Assert.Equal("mm_4 mm_3", await Read(all: true, since: T.AddMinutes(3).ToUnixTimeMilliseconds()));

        var (all, _) = await JournalBrowser.OrdersAsync(path, "mm", true, long.MinValue, 50, CancellationToken.None);
        var rejected = all.Single(o => o.ClientOrderId == "mm_3");
        Assert.Equal(("Rejected", "post-only order would cross", (string?)null), (rejected.Status, rejected.LastError, rejected.VenueOrderId));
        var partial = all.Single(o => o.ClientOrderId == "mm_1");
        Assert.Equal(("PartiallyFilled", "V1", 0.25m, 1m, (decimal?)150.05m, "Buy", "Quote", 2, "paper"),
            (partial.Status, partial.VenueOrderId, partial.FilledQuantity, partial.Quantity, partial.Price, partial.Side, partial.Purpose, partial.Level, partial.Venue));
        Assert.Equal((T.AddMinutes(1).ToUnixTimeMilliseconds(), T.AddMinutes(6).ToUnixTimeMilliseconds()), (partial.CreatedAtMs, partial.UpdatedAtMs));
    }

    private static TrackedOrder Created(string id, DateTimeOffset at) => new()
    {
        ClientOrderId = id, Symbol = "SOL_USDC", Side = Side.Buy, Type = OrderType.Limit, TimeInForce = TimeInForce.Gtc,
        Price = 150.05m, Quantity = 1m, PostOnly = true, Level = 2, CreatedAt = at, Purpose = OrderPurpose.Quote,
    };

    [Fact]
    public async Task Fills_AreTheInstancesOwn_NewestFirstByTime_ExactDecimals_WithSinceAndLimit()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("j.db");
        var db = await MmdDatabase.OpenAsync(path, CancellationToken.None);
        await using var journal = new SqliteTradingJournal(db, "mm", "paper");
        await using var other = new SqliteTradingJournal(db, "zz", "paper");
        // Journaled out of time order (a fill reported late): listed by the venue's time.
        await journal.RecordFillAsync(Fill("T1") with { Timestamp = T }, OrderPurpose.Quote, CancellationToken.None);
        await journal.RecordFillAsync(Fill("T3", 150.5m) with { Timestamp = T.AddMinutes(2) }, OrderPurpose.Quote, CancellationToken.None);
        await journal.RecordFillAsync(Fill("T2") with { Timestamp = T.AddMinutes(1), ClientOrderId = null }, OrderPurpose.Rebalance, CancellationToken.None);
        await other.RecordFillAsync(Fill("Z1") with { Timestamp = T.AddMinutes(3) }, OrderPurpose.Quote, CancellationToken.None);

        async Task<string> Read(long since = long.MinValue, int limit = 50)
        {
            var (rows, truncated) = await JournalBrowser.FillsAsync(path, "mm", since, limit, CancellationToken.None);
            return string.Join(" ", rows.Select(r => r.TradeId)) + (truncated ? " + more" : "");
        }
        Assert.Equal("T3 T2 T1", await Read());
        Assert.Equal("T3 + more", await Read(limit: 1));
        Assert.Equal("T3 T2", await Read(since: T.AddMinutes(1).ToUnixTimeMilliseconds()));

        var (fills, _) = await JournalBrowser.FillsAsync(path, "mm", long.MinValue, 50, CancellationToken.None);
        Assert.Equal((150.5m, 0.5m, 0.0150123m, "USDC", true, "Buy", "V1", "mm_1", "paper", "SOL_USDC"),
            (fills[0].Price, fills[0].Quantity, fills[0].Fee, fills[0].FeeAsset, fills[0].IsMaker, fills[0].Side, fills[0].VenueOrderId, fills[0].ClientOrderId, fills[0].Venue, fills[0].Symbol));
        Assert.Equal(150.123456789m, fills[2].Price);
        Assert.Equal(("Rebalance", (string?)null), (fills[1].Purpose, fills[1].ClientOrderId));
    }

    [Fact]
    public async Task TheDailyReport_AddsUpEachUtcDaysFills_Exactly_AndTakesEachDaysNetPnlFromItsLastSnapshot()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("j.db");
        var db = await MmdDatabase.OpenAsync(path, CancellationToken.None);
        await using var journal = new SqliteTradingJournal(db, "mm", "paper");
        await using var other = new SqliteTradingJournal(db, "zz", "paper");
        var day1 = DateTimeOffset.Parse("2026-11-23T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var day2 = day1.AddHours(23); // 09:00 the next day
        await journal.RecordFillAsync(Fill("T1") with { Price = 150m, Quantity = 0.5m, Fee = 0.015m, IsMaker = true, Timestamp = day1 }, OrderPurpose.Quote, CancellationToken.None);
        await journal.RecordFillAsync(Fill("T2") with { Side = Side.Sell, Price = 151m, Quantity = 0.25m, Fee = 0.0001m, FeeAsset = "SOL", IsMaker = false,
            Timestamp = day1.AddHours(13).AddMinutes(59) }, OrderPurpose.Hedge, CancellationToken.None); // 23:59
        await journal.RecordFillAsync(Fill("T3") with { Side = Side.Sell, Price = 152m, Quantity = 0.5m, Fee = -0.01m, IsMaker = true, Timestamp = day2 },
            OrderPurpose.Quote, CancellationToken.None);
        await other.RecordFillAsync(Fill("Z1") with { Timestamp = day2 }, OrderPurpose.Quote, CancellationToken.None);

        Trading.Stats.StatsSnapshot Snapshot(DateTimeOffset at, DayStart? start, decimal? today) => new()
        {
            Instance = "mm", Venue = "paper", Symbol = "SOL_USDC", BaseAsset = "SOL", QuoteAsset = "USDC", Time = at, SessionStart = day1,
            Session = new Trading.Stats.StatsFigures(), Cumulative = new Trading.Stats.StatsFigures(), DayStart = start, TodayNetPnl = today,
        };
        await journal.SaveStatsAsync(Snapshot(day1, null, null), false, CancellationToken.None); // from before the day was kept
        await journal.SaveStatsAsync(Snapshot(day1.AddHours(1), new DayStart(new DateOnly(2026, 11, 23), 5m), -1.5m), false, CancellationToken.None);
        await journal.SaveStatsAsync(Snapshot(day1.AddHours(13), new DayStart(new DateOnly(2026, 11, 23), 5m), -2.25m), false, CancellationToken.None);
        await journal.SaveStatsAsync(Snapshot(day2, new DayStart(new DateOnly(2026, 11, 24), 2.75m), 0.4m), false, CancellationToken.None);
        Assert.Equal(new DayStart(new DateOnly(2026, 11, 24), 2.75m), await journal.LoadDayStartAsync(CancellationToken.None)); // what a restart reads

        var days = await JournalBrowser.DailyAsync(path, "mm", new DateOnly(2026, 11, 1), CancellationToken.None);
        Assert.Equal([new DateOnly(2026, 11, 24), new DateOnly(2026, 11, 23)], days.Select(d => d.Day));
        var (second, first) = (days[0], days[1]);
        Assert.Equal((1L, 0L, 1L, 0m, 0.5m, 76m, 76m, (decimal?)0.4m), (second.Fills, second.BuyFills, second.SellFills, second.Bought, second.Sold,
            second.QuoteVolume, second.MakerQuoteVolume, second.NetPnl));
        Assert.Equal(-0.01m, Assert.Single(second.FeesByAsset).Value);
        Assert.Equal((2L, 1L, 1L, 0.5m, 0.25m, 112.75m, 75m, (decimal?)-2.25m), (first.Fills, first.BuyFills, first.SellFills, first.Bought, first.Sold,
            first.QuoteVolume, first.MakerQuoteVolume, first.NetPnl));
        Assert.Equal((0.015m, 0.0001m), (first.FeesByAsset["USDC"], first.FeesByAsset["SOL"]));
        Assert.Equal([new DateOnly(2026, 11, 24)], (await JournalBrowser.DailyAsync(path, "mm", new DateOnly(2026, 11, 24), CancellationToken.None)).Select(d => d.Day));
    }

    [Fact]
    public async Task AFileThatIsNotAJournal_IsDatabaseUnusable_NamingItsPath()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("j.db");
        await File.WriteAllTextAsync(path, "not a database, just text that is long enough to be read as a header");
        var ex = await Assert.ThrowsAsync<DatabaseUnusableException>(() => JournalBrowser.FillsAsync(path, "mm", long.MinValue, 50, CancellationToken.None));
        Assert.Equal(path, ex.Path);
        Assert.StartsWith(path, ex.Message, StringComparison.Ordinal);
    }
}
