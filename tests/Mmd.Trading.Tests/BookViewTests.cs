using Mmd.TestKit;
using Mmd.Trading.Engine;
using Mmd.Trading.Primitives;
using Mmd.Trading.Strategies.Hedge;

namespace Mmd.Trading.Tests;

/// <summary>The operator's look at the books an engine holds (mmctl book): the venue's levels, our resting size marked.</summary>
public class BookViewTests
{
    [Fact]
    public async Task ReadBooks_ShowsTheVenuesLevels_BestFirst_WithOurRestingSizeAtOurPrices()
    {
        await using var h = new EngineHarness();
        _ = h.Start();
        await h.QuotingAsync();

        // The venue has the quotes; the engine's book has them once their deltas have come through the stream.
        BookView view = null!;
        await Until.TrueAsync(async () => (view = Assert.Single(await h.Engine.ReadBooksAsync(20, CancellationToken.None))).Bids.Concat(view.Asks).Count(l => l.Own > 0) == 6,
            "every quote of ours in the engine's book");
        Assert.Equal(("quoted", "paper", EngineHarness.Symbol), (view.Market, view.Venue, view.Symbol));
        Assert.NotNull(view.UpdatedAt);
        Assert.Equal(view.Bids.Select(l => l.Price).OrderDescending(), view.Bids.Select(l => l.Price));
        Assert.Equal(view.Asks.Select(l => l.Price).Order(), view.Asks.Select(l => l.Price));
        // Every quote of ours (three a side, 0.5 each) at its price, inside the venue's size there; nothing of ours elsewhere.
        var ours = h.OpenOrders().ToDictionary(o => (o.Side, o.Price!.Value), o => o.Quantity - o.FilledQuantity);
        Assert.Equal(6, ours.Count);
        var levels = view.Bids.Select(l => (Side.Buy, l)).Concat(view.Asks.Select(l => (Side.Sell, l))).ToList();
        foreach (var (side, level) in levels)
        {
            Assert.Equal(ours.GetValueOrDefault((side, level.Price)), level.Own);
            Assert.InRange(level.Own, 0m, level.Quantity);
        }
        Assert.Equal(ours.Keys.Order(), levels.Where(x => x.l.Own > 0).Select(x => (x.Item1, x.l.Price)).Order());

        Assert.Equal(2, (await h.Engine.ReadBooksAsync(2, CancellationToken.None))[0].Bids.Count);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => h.Engine.ReadBooksAsync(0, CancellationToken.None));
    }

    [Fact]
    public async Task ACrossMarketHedge_ShowsItsOtherMarketsBookToo()
    {
        var config = new MakerTakerHedgeConfig { OrderQuantity = 0.5m, MaxSlippagePct = 0.5m, MinProfitabilityPct = 0.1m, RefreshTolerancePct = 0m };
        await using var h = new EngineHarness("xemm", config, hedgeSymbol: "SOL_USDC_PERP");
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 2, "a quote a side on the spot");

        var views = await h.Engine.ReadBooksAsync(5, CancellationToken.None);
        Assert.Equal([("quoted", "SOL_USDC"), ("hedge", "SOL_USDC_PERP")], views.Select(v => (v.Market, v.Symbol)));
        Assert.All(views, v => Assert.Equal((5, 5), (v.Bids.Count, v.Asks.Count)));
        Assert.All(views[1].Bids.Concat(views[1].Asks), l => Assert.Equal(0m, l.Own)); // the hedges trade there; nothing of ours rests
    }
}
