using Mmd.Alerts;
using Mmd.Persistence;
using Mmd.TestKit;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using static Mmd.Daemon.Tests.TradingJournalTests;

namespace Mmd.Daemon.Tests.Alerts;

/// <summary>The daily digest: once after each UTC midnight, every instance's day that ended, from its journal.</summary>
public sealed class DailyDigestTests
{
    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void ItIsDueOnceAfterEachMidnight_NotForTheDayTheDaemonStartedOn()
    {
        var digest = new DailyDigest(new DateOnly(2026, 12, 6));
        Assert.Null(digest.Due(At("2026-12-06T08:00:00Z")));
        Assert.Null(digest.Due(At("2026-12-06T23:59:59Z")));
        Assert.Equal(new DateOnly(2026, 12, 6), digest.Due(At("2026-12-07T00:00:01Z")));
        Assert.Null(digest.Due(At("2026-12-07T00:00:02Z")));
        Assert.Equal(new DateOnly(2026, 12, 7), digest.Due(At("2026-12-08T00:00:00Z")));
    }

    [Fact]
    public async Task EachInstanceThatTraded_GetsItsDay_FromItsJournal_AndOneThatDidNot_Nothing()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("mm.db");
        var db = await MmdDatabase.OpenAsync(path, CancellationToken.None);
        await using (var journal = new SqliteTradingJournal(db, "mm", "paper"))
        {
            var day = At("2026-12-05T10:00:00Z");
            await journal.RecordFillAsync(Fill("T1") with { Price = 150m, Quantity = 0.5m, Fee = 0.015m, IsMaker = true, Timestamp = day }, OrderPurpose.Quote, CancellationToken.None);
            await journal.RecordFillAsync(Fill("T2") with { Side = Side.Sell, Price = 151m, Quantity = 0.25m, Fee = 0.0001m, FeeAsset = "SOL", IsMaker = false,
                Timestamp = day.AddHours(2) }, OrderPurpose.Hedge, CancellationToken.None);
            await journal.RecordFillAsync(Fill("T3") with { Timestamp = day.AddDays(1) }, OrderPurpose.Quote, CancellationToken.None); // the next day
        }
        var now = At("2026-12-06T00:00:01Z");
        var alerts = await DailyDigest.ForAsync([("mm", path), ("idle", path), ("new", null)], new DateOnly(2026, 12, 5), now, CancellationToken.None);
        var alert = Assert.Single(alerts);
        Assert.Equal((AlertLevel.Info, "mm", "daily", now), (alert.Level, alert.Instance, alert.Condition, alert.Time));
        Assert.Equal("2026-12-05: 2 fills (1 buy, 1 sell), bought 0.5, sold 0.25, volume 112.75, maker 66.5 %, fees 0.0001 SOL + 0.015 USDC", alert.Message);
        Assert.Equal("[INFO] mm: 2026-12-05: 2 fills (1 buy, 1 sell), bought 0.5, sold 0.25, volume 112.75, maker 66.5 %, fees 0.0001 SOL + 0.015 USDC", alert.Text);
    }
}
