using Mmd.Trading.Execution;
using Mmd.TestKit;
using Mmd.Trading.Primitives;
using Mmd.Trading.Risk;
using Mmd.Trading.Strategies;
using Mmd.Trading.Strategies.Grid;
using Mmd.Trading.Strategies.PerpMarketMaking;
using Mmd.Trading.Strategies.SpotMarketMaking;

namespace Mmd.Trading.Tests.Strategies;

/// <summary>Operator commands run on the engine loop: pause, resume, and live parameter changes.</summary>
public class StrategyCommandTests
{
    [Fact]
    public async Task Pause_PullsEveryQuote_Resume_PutsThemBack()
    {
        await using var h = new EngineHarness();
        _ = h.Start();
        await h.QuotingAsync();
        Assert.Null(await h.Engine.ExecuteAsync(new PauseQuoting(), CancellationToken.None).DefaultTimeout());
        await Until.TrueAsync(() => h.OpenOrders().Count == 0, "quotes are pulled");
        await h.StatsAsync(s => s.QuotingPaused, "the stats say paused");
        // Still paused after the book moves and the timer fires.
        h.Exchange.SetMid(EngineHarness.Symbol, h.Exchange.Mid(EngineHarness.Symbol)!.Value + 1m);
        h.Time.Advance(TimeSpan.FromSeconds(2));
        await Task.Delay(50);
        Assert.Empty(h.OpenOrders());

        Assert.Null(await h.Engine.ExecuteAsync(new ResumeQuoting(), CancellationToken.None).DefaultTimeout());
        await h.QuotingAsync();
        await h.StatsAsync(s => !s.QuotingPaused, "the stats say quoting");
    }

    [Fact]
    public async Task UpdateConfig_MovesTheQuotesToTheNewSpreadAndSize_AtOnce()
    {
        await using var h = new EngineHarness();
        _ = h.Start();
        await h.QuotingAsync();
        var mid = h.Exchange.Mid(EngineHarness.Symbol)!.Value;
        var wider = new SpotMarketMakerConfig { SpreadPct = 1m, OrderQuantity = 0.7m, Levels = 2, RebalanceEnabled = false };
        Assert.Null(await h.Engine.ExecuteAsync(new UpdateConfig(wider), CancellationToken.None).DefaultTimeout());
        await h.QuotingAsync(perSide: 2);
        await Until.TrueAsync(() => h.OpenOrders().All(o => o.Quantity == 0.7m), "the new size rests");
        Assert.Equal(h.Exchange.Instruments.Single(i => i.Symbol == EngineHarness.Symbol).RoundPrice(mid - mid * 0.005m),
            h.OurBestBid());
    }

    [Fact]
    public async Task CancelAllOnSymbol_TakesEveryOrderOnTheSymbolAndAccount_AndPauses()
    {
        await using var h = new EngineHarness();
        _ = h.Start();
        await h.QuotingAsync();
        var low = h.Exchange.Levels(EngineHarness.Symbol, Side.Buy, 50).Min(l => l.Price) - 1m;
        // Another instance on the same account, and an order placed by hand.
        h.Exchange.Place(h.Name, new PlaceOrderRequest(EngineHarness.Symbol, "other_1", Side.Buy, OrderType.Limit, TimeInForce.Gtc, low, 0.1m));
        h.Exchange.Place(h.Name, new PlaceOrderRequest(EngineHarness.Symbol, "by-hand", Side.Buy, OrderType.Limit, TimeInForce.Gtc, low - 1m, 0.1m));
        Assert.Equal(8, h.Exchange.OpenOrders(h.Name, EngineHarness.Symbol).Count);

        Assert.Null(await h.Engine.ExecuteAsync(new CancelAllOnSymbol(), CancellationToken.None).DefaultTimeout());
        Assert.Empty(h.Exchange.OpenOrders(h.Name, EngineHarness.Symbol));
        await h.StatsAsync(s => s.QuotingPaused, "the instance is paused");
        h.Exchange.SetMid(EngineHarness.Symbol, h.Exchange.Mid(EngineHarness.Symbol)!.Value * 1.01m); // a new book: a running strategy would quote
        await h.StatsAsync(s => s.QuotingPaused && s.OpenBuyOrders == 0, "still paused, no quote");
        Assert.Empty(h.Exchange.OpenOrders(h.Name, EngineHarness.Symbol));
    }

    [Fact]
    public async Task UpdateConfig_OfAnotherStrategy_IsRefused_AndChangesNothing()
    {
        await using var h = new EngineHarness();
        _ = h.Start();
        await h.QuotingAsync();
        var error = await h.Engine.ExecuteAsync(new UpdateConfig(new PerpMarketMakerConfig { SpreadPct = 1m }), CancellationToken.None).DefaultTimeout();
        Assert.Equal("spot_market_making cannot become perp_market_making while running", error);
        await h.QuotingAsync();
    }

    [Fact]
    public async Task GridRangeChange_RebuildsTheGridThere_OtherGridChangesAreRefused()
    {
        var config = new SpotGridConfig { Lower = 140m, Upper = 160m, Levels = 5, OrderQuantity = 1m };
        await using var h = new EngineHarness("grid", config, new RiskLimits { PriceBandPct = 50m });
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 4, "the grid rests");

        Assert.Equal("only the range of a running grid can change; restart the instance for the other parameters",
            await h.Engine.ExecuteAsync(new UpdateConfig(config with { Levels = 7 }), CancellationToken.None).DefaultTimeout());
        Assert.Null(await h.Engine.ExecuteAsync(new UpdateConfig(config with { Lower = 145m, Upper = 165m }), CancellationToken.None).DefaultTimeout());
        await Until.TrueAsync(() => h.OpenOrders().Select(o => o.Price!.Value).Order().SequenceEqual([145m, 155m, 160m, 165m]),
            "the grid rests on 145-165 (mid 150: buys at 145, sells of inventory at 155, 160, 165)");
        // The new range is saved with the next housekeeping tick, not a minute later: a restart rebuilds on it.
        await h.WaitAsync(() => { lock (h.Journal.Stats) return h.Journal.Stats.LastOrDefault()?.StrategyFigures?.Grid is { Lower: 145m, Upper: 165m }; },
            "a stats snapshot with the new range is saved");
    }
}
