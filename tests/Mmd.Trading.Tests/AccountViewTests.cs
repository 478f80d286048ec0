using Mmd.TestKit;
using Mmd.Trading.Engine;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;
using Mmd.Trading.Strategies.Hedge;

namespace Mmd.Trading.Tests;

/// <summary>The operator's look at the venue account an engine trades on (mmctl account), read from the venue.</summary>
public class AccountViewTests
{
    [Fact]
    public async Task ReadAccounts_GivesTheVenuesBalances_AndCountsOurOrdersApartFromAnyoneElses()
    {
        await using var h = new EngineHarness();
        _ = h.Start();
        await h.QuotingAsync();
        // An order on the same account and symbol that is not the instance's (placed by hand), far from the quotes.
        Assert.True(h.Exchange.Place(h.Name, new PlaceOrderRequest(EngineHarness.Symbol, "hand1", Side.Buy, OrderType.Limit, TimeInForce.Gtc, 50m, 1m)).Outcome == CommandOutcome.Accepted);

        var view = Assert.Single(await h.Engine.ReadAccountsAsync(CancellationToken.None));
        Assert.Equal(("quoted", "paper", EngineHarness.Symbol, false, null), (view.Market, view.Venue, view.Symbol, view.SameAccountAsQuoted, view.Error));
        Assert.Equal((6, 1), (view.OwnOpenOrders, view.OtherOpenOrders));
        Assert.Equal(h.Time.GetUtcNow(), view.ReadAt);
        // The venue's balances as it keeps them, the quotes' and the hand order's holds in locked.
        var venue = h.Exchange.Balances(h.Name).Where(b => b.Total != 0).OrderBy(b => b.Asset, StringComparer.Ordinal).ToList();
        Assert.Equal(venue, view.Balances);
        Assert.All(view.Balances.Where(b => b.Asset is "SOL" or "USDC"), b => Assert.True(b.Locked > 0, $"{b.Asset} holds for the resting orders"));
        Assert.Equal(2, view.Balances.Count(b => b.Asset is "SOL" or "USDC"));
        Assert.Empty(view.Positions);
    }

    [Fact]
    public async Task ACrossMarketHedge_OnTheSameAccount_ShowsItOnce_WithEveryPositionOfTheAccount()
    {
        var config = new MakerTakerHedgeConfig { OrderQuantity = 0.5m, MaxSlippagePct = 0.5m, MinProfitabilityPct = 0.1m, RefreshTolerancePct = 0m };
        await using var h = new EngineHarness("xemm", config, hedgeSymbol: "SOL_USDC_PERP");
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 2, "a quote a side on the spot");
        // A position on the perpetual taken by hand: the account's, so it is shown though the engine did not take it.
        Assert.True(h.Exchange.Place(h.Name, new PlaceOrderRequest("SOL_USDC_PERP", "hand1", Side.Buy, OrderType.Market, TimeInForce.Ioc, null, 2m)).Outcome == CommandOutcome.Accepted);

        var views = await h.Engine.ReadAccountsAsync(CancellationToken.None);
        Assert.Equal([("quoted", "SOL_USDC", false), ("hedge", "SOL_USDC_PERP", true)], views.Select(v => (v.Market, v.Symbol, v.SameAccountAsQuoted)));
        var position = Assert.Single(views[0].Positions);
        Assert.Equal(("SOL_USDC_PERP", 2m), (position.Symbol, position.Quantity));
        Assert.NotEmpty(views[0].Balances);
        Assert.Equal((0, 0, 0, 0), (views[1].Balances.Count, views[1].Positions.Count, views[1].OwnOpenOrders, views[1].OtherOpenOrders));
        Assert.Equal((2, 0), (views[0].OwnOpenOrders, views[0].OtherOpenOrders));
    }

    [Fact]
    public async Task AVenueThatFailsOrDoesNotAnswer_IsReportedInItsView_AndTheEngineTradesOn()
    {
        ScriptedConnector scripted = null!;
        await using var h = new EngineHarness(wrap: c => scripted = new ScriptedConnector(c));
        _ = h.Start();
        await h.QuotingAsync();

        scripted.BeforeBalances = _ => throw new HttpRequestException("502 Bad Gateway");
        var failed = Assert.Single(await h.Engine.ReadAccountsAsync(CancellationToken.None));
        Assert.Equal(("502 Bad Gateway", 0, 0), (failed.Error, failed.Balances.Count, failed.OwnOpenOrders));

        scripted.BeforeBalances = ct => Task.Delay(Timeout.Infinite, ct);
        var read = h.Engine.ReadAccountsAsync(CancellationToken.None);
        await h.WaitAsync(() => read.IsCompleted, "the read gives up after 5 s of the engine's time", TimeSpan.FromMilliseconds(500));
        Assert.Equal("the venue did not answer within 5 s", Assert.Single(await read).Error);
        Assert.Equal(EngineState.Running, h.Engine.State);

        scripted.BeforeBalances = null;
        Assert.Null(Assert.Single(await h.Engine.ReadAccountsAsync(CancellationToken.None)).Error);
    }
}
