using GrpcMM.Protos.V1;
using Mmd.Persistence;
using Mmd.TestKit;
using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using OrderPurpose = Mmd.Trading.Orders.OrderPurpose;
using OrderStatus = Mmd.Trading.Orders.OrderStatus;
using Mmd.Trading.Primitives;

namespace Mmd.EndToEnd.Tests;

/// <summary>An instance's journal under a real daemon keeps ended orders for journalRetentionDays, fills for good.</summary>
public sealed class JournalRetentionEndToEndTests
{
    [Fact]
    public async Task AWorker_PrunesEndedOrdersOlderThanTheRetention_AndKeepsTheirFills()
    {
        await using var d = await DaemonUnderTest.StartAsync(settings: new() { ["journalRetentionDays"] = 7 });
        var path = Path.Combine(d.StateDir, "instances", "old", "journal.db");
        // An earlier run's journal: orders that ended 8 days and 6 days ago, and a fill of the older one.
        var now = DateTimeOffset.UtcNow;
        var db = await MmdDatabase.OpenAsync(path, CancellationToken.None);
        await using (var earlier = new SqliteTradingJournal(db, "old", "paper"))
        {
            await earlier.SaveOrdersAsync([Ended("old_week", now.AddDays(-8)), Ended("old_days", now.AddDays(-6))], CancellationToken.None);
            await earlier.RecordFillAsync(new VenueFill("past-1", "v-old_week", "old_week", "SOL_USDC", Side.Buy, 150m, 0.01m, 0m, "USDC", true, now.AddDays(-8)),
                OrderPurpose.Quote, CancellationToken.None);
        }

        var start = await d.MmctlAsync("start", "--template", "paper-spot-mm", "old");
        Assert.True(start.ExitCode == 0, start.ToString());
        await d.WaitForAsync("old", i => i.State == InstanceState.Running && i.Stats?.OpenBuyOrders > 0, "running and quoting");
        await Until.TrueAsync(async () => !(await JournalQuery.ClientOrderIdsAsync(path)).Contains("old_week"), "the 8-day-old order pruned",
            TimeSpan.FromSeconds(30));

        var ids = await JournalQuery.ClientOrderIdsAsync(path);
        Assert.Contains("old_days", ids); // within the 7 days
        Assert.Contains(ids, id => id.StartsWith("old_", StringComparison.Ordinal) && id is not "old_days"); // this run's quotes
        Assert.Contains(await JournalQuery.FillsAsync(path), f => f.TradeId == "past-1"); // fills are the trading record
        var logs = await d.MmctlAsync("logs", "old");
        Assert.Contains("journal pruned: 1 ended orders and stats snapshots", logs.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, (await d.MmctlAsync("stop", "old")).ExitCode);
    }

    private static TrackedOrder Ended(string id, DateTimeOffset at)
    {
        var order = new TrackedOrder
        {
            ClientOrderId = id, Symbol = "SOL_USDC", Side = Side.Buy, Type = OrderType.Limit, TimeInForce = TimeInForce.Gtc,
            Price = 140m, Quantity = 0.5m, PostOnly = true, Level = 0, CreatedAt = at,
        };
        order.Restore(OrderStatus.Cancelled, "v-" + id, 0m, at, null);
        return order;
    }
}
