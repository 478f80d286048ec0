using Mmd.TestKit;
using Mmd.Trading.Engine;
using Mmd.Trading.Primitives;
using Mmd.Trading.Risk;
using Mmd.Trading.Strategies;
using Mmd.Trading.Strategies.SpotMarketMaking;

namespace Mmd.Trading.Tests;

/// <summary>An instance given capital (several on one account) trades from its part of the account, not the whole of it.</summary>
public class InstanceCapitalTests
{
    // Sized from its balances (no fixed quantity): each quote 5 % of the quote or base it sees, three a side.
    private static readonly SpotMarketMakerConfig AutoSized = new() { SpreadPct = 0.2m, OrderQuantity = null, Levels = 3, RebalanceEnabled = false, RefreshTolerancePct = 0.05m };
    private static readonly Dictionary<string, decimal> Capital = new() { ["SOL"] = 2m, ["USDC"] = 300m };

    [Fact]
    public async Task AMarketMaker_SizesItsQuotesFromItsCapital_AndItsFillsMoveItsPart_AcrossARestart()
    {
        var journal = new InMemoryTradingJournal();
        await using var h = new EngineHarness(config: AutoSized, journal: journal, capital: Capital);
        _ = h.Start();
        await h.QuotingAsync();
        // The paper account holds 10000 USDC and 100 SOL: sized from the whole of it, a bid would be 3.33 and an ask 5.
        Assert.All(h.OpenOrders(), o => Assert.Equal(0.1m, o.Quantity));
        await h.StatsAsync(s => s.Capital.Count == 2, "the stats show the capital");
        var before = h.Engine.LatestStats!;
        Assert.Equal((2m, 300m), (before.BaseBalance, before.QuoteBalance));
        Assert.Equal([new CapitalLine("SOL", 2m, 0m, 100m), new CapitalLine("USDC", 300m, 0m, 10_000m)], before.Capital);

        var (bestBid, _) = h.SweepDownToOurBestBid();
        await Until.TrueAsync(() => journal.Fills.Count == 1, "the fill is journaled");
        var fill = journal.Fills[0].Fill;
        Assert.Equal("USDC", fill.FeeAsset);
        var paid = bestBid * 0.1m + fill.Fee;
        // Its part moves with the fill; the account's balances as the venue reads them next.
        await h.StatsAsync(s => s.Capital[0].Traded == 0.1m && s.Capital[1].Account == 10_000m - paid, "the fill moves the instance's part");
        Assert.Equal(2.1m, h.Engine.LatestStats!.BaseBalance);
        Assert.Equal(300m - paid, h.Engine.LatestStats!.QuoteBalance);
        Assert.Equal(new CapitalLine("USDC", 300m, -paid, 10_000m - paid), h.Engine.LatestStats.Capital[1]);
        await h.StopAsync();

        // The next run counts its part on from the journal's fills, not from what it was given.
        await using var again = new EngineHarness(config: AutoSized, journal: journal, exchange: h.Exchange, capital: Capital);
        _ = again.Start();
        await again.StatsAsync(s => s.Capital.Count == 2 && again.Engine.State == EngineState.Running, "the restarted instance shows its capital");
        Assert.Equal((2.1m, 300m - paid), (again.Engine.LatestStats!.BaseBalance, again.Engine.LatestStats.QuoteBalance));
    }

    [Fact]
    public async Task CapitalInAnAssetTheMarketDoesNotTrade_FailsTheStart_BeforeAnyOrder_NamingIt()
    {
        await using var h = new EngineHarness(config: AutoSized, capital: new Dictionary<string, decimal> { ["ETH"] = 1m, ["USDC"] = 300m });
        var failed = await Assert.ThrowsAsync<ReconciliationFailedException>(() => h.Start().DefaultTimeout());
        Assert.EndsWith("capital names ETH, which this instance does not trade (SOL_USDC trades SOL against USDC); allot SOL or USDC", failed.Message);
        Assert.Empty(h.Exchange.OpenOrders(h.Name, h.Market));
        Assert.Empty(h.Journal.Orders);
    }

    [Fact]
    public async Task WithoutCapital_TheWholeAccountIsTheInstances()
    {
        await using var h = new EngineHarness(config: AutoSized);
        _ = h.Start();
        await h.QuotingAsync();
        Assert.All(h.OpenOrders(), o => Assert.True(o.Side == Side.Buy ? o.Quantity > 3m : o.Quantity == 5m, $"{o.Side} {o.Quantity}"));
        await h.StatsAsync(s => s.BaseBalance > 0, "the stats show the balances");
        Assert.Empty(h.Engine.LatestStats!.Capital);
        Assert.Equal((100m, 10_000m), (h.Engine.LatestStats.BaseBalance, h.Engine.LatestStats.QuoteBalance));
    }

    [Fact]
    public async Task TheOperatorsNewCapital_ResizesTheQuotesLive_ARefusedOneChangesNothing_AndNoneGivesTheWholeAccountBack()
    {
        await using var h = new EngineHarness(config: AutoSized, capital: Capital);
        _ = h.Start();
        await h.QuotingAsync();
        Assert.All(h.OpenOrders(), o => Assert.Equal(0.1m, o.Quantity));

        var refused = await h.Engine.ExecuteAsync(new UpdateConfig(AutoSized) { Capital = new Dictionary<string, decimal> { ["ETH"] = 1m } }, CancellationToken.None);
        Assert.StartsWith("capital names ETH", refused);
        // The capital alone (the strategy's parameters as they are: no config).
        Assert.Null(await h.Engine.ExecuteAsync(new UpdateConfig(null) { Capital = new Dictionary<string, decimal> { ["SOL"] = 4m, ["USDC"] = 600m } }, CancellationToken.None));
        await h.WaitAsync(() => h.OpenOrders() is { Count: 6 } open && open.All(o => o.Quantity == 0.2m), "the quotes resized to the new capital");
        await h.StatsAsync(s => s.Capital is [{ Allotted: 4m }, { Allotted: 600m }], "the stats show the new capital");

        Assert.Null(await h.Engine.ExecuteAsync(new UpdateConfig(AutoSized), CancellationToken.None));
        await h.WaitAsync(() => h.OpenOrders() is { Count: 6 } open && open.All(o => o.Quantity > 3m), "sized from the whole account again");
        await h.StatsAsync(s => s.Capital.Count == 0 && s.QuoteBalance == 10_000m, "no capital in the stats");
    }
}
