using Mmd.Exchanges.Paper;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Strategies;
using Mmd.Trading.Strategies.Grid;

namespace Mmd.Trading.Tests.Strategies;

public class SpotGridTests
{
    private const string Spot = "SOL_USDC";
    private static readonly Primitives.InstrumentSpec Sol = PaperMarkets.Find(Spot)!;

    private static SpotGridConfig Config(decimal lower = 140m, decimal upper = 160m, int levels = 5, decimal? quantity = 1m, GridMode mode = GridMode.Arithmetic) =>
        new() { Lower = lower, Upper = upper, Levels = levels, OrderQuantity = quantity, Mode = mode, FeeAllowancePct = 0.1m };

    private static StrategyFill Fill(Side side, int level, decimal price, decimal quantity, decimal remaining = 0m, decimal fee = 0m, string feeAsset = "USDC") =>
        new(side, price, quantity, fee, feeAsset, true, OrderPurpose.Quote, level, price, remaining);

    [Fact]
    public void ArithmeticLevels_IncludeBothBounds()
    {
        Assert.Equal([140m, 145m, 150m, 155m, 160m], GridLevels.Build(Sol, 140m, 160m, 5, GridMode.Arithmetic));
    }

    [Fact]
    public void GeometricLevels_HaveEqualRatios_AndEndAtTheUpperBound()
    {
        var levels = GridLevels.Build(Sol, 100m, 200m, 5, GridMode.Geometric);
        Assert.Equal(100m, levels[0]);
        Assert.Equal(200m, levels[^1]); // the seed's docs listed 140 ... 155.16 for 140-160; the code (and this) ends at the bound
        Assert.Equal([100m, 118.92m, 141.42m, 168.18m, 200m], levels);
    }

    [Fact]
    public void LevelsTooCloseForTheTick_AreMerged()
    {
        Assert.Equal([150m, 150.01m], GridLevels.Build(Sol, 150m, 150.01m, 5, GridMode.Arithmetic));
    }

    [Fact]
    public void Start_BuysBelowThePrice_SellsInventoryAbove_OneOrderPerInterval()
    {
        var grid = new SpotGrid(Config());
        var decision = grid.Decide(Views.At(Spot, 151.99m, 152.01m, @base: 10m));
        // Levels 140 145 150 155 160; mid 152: intervals [140,145] [145,150] [150,155] buy at 140 145 150; [155,160] sells at 160.
        Assert.Equal([(Side.Buy, 0, 140m), (Side.Buy, 1, 145m), (Side.Buy, 2, 150m), (Side.Sell, 4, 160m)],
            decision.Quotes.Select(q => (q.Side, q.Level, q.Price)).OrderBy(q => q.Price));
        Assert.All(decision.Quotes, q => Assert.Equal(1m, q.Quantity));
        Assert.DoesNotContain(decision.Quotes, q => q.Price == 155m); // the level nearest above the price is the free one
    }

    [Fact]
    public void CompletedBuy_PlacesTheSellOneLevelUp_WithTheFeeAllowance_AndLocksTheLevel()
    {
        var grid = new SpotGrid(Config());
        grid.Decide(Views.At(Spot, 151.99m, 152.01m, @base: 10m));
        grid.OnFill(Fill(Side.Buy, 2, 150m, 1m));
        var quotes = grid.Decide(Views.At(Spot, 149.99m, 150.01m, @base: 11m)).Quotes;
        Assert.DoesNotContain(quotes, q => q.Side == Side.Buy && q.Price == 150m);
        var sell = Assert.Single(quotes, q => q.Side == Side.Sell && q.Price == 155m);
        Assert.Equal(0.99m, sell.Quantity); // 1 x (1 - 0.1 %) = 0.999, floored to the 0.01 step
        Assert.Equal(1, grid.Figures(Views.At(Spot, 149.99m, 150.01m)).Grid!.LockedLevels);
    }

    [Fact]
    public void Bug15_SpotGridProfit_IsBookedWhenTheRoundTripCompletes_NotWhenTheSellIsPlaced()
    {
        var grid = new SpotGrid(Config());
        grid.Decide(Views.At(Spot, 151.99m, 152.01m, @base: 10m));
        grid.OnFill(Fill(Side.Buy, 2, 150m, 1m));
        grid.Decide(Views.At(Spot, 149.99m, 150.01m, @base: 11m)); // the sell at 155 is now wanted
        Assert.Equal(0m, grid.Profit);
        Assert.Equal(0, grid.RoundTrips);

        grid.OnFill(Fill(Side.Sell, 3, 155m, 0.5m, remaining: 0.49m)); // partial: nothing booked yet
        Assert.Equal(0m, grid.Profit);
        grid.OnFill(Fill(Side.Sell, 3, 155m, 0.49m));
        Assert.Equal(1, grid.RoundTrips);
        Assert.Equal(5m * 0.99m, grid.Profit);
        // The interval buys again at 150.
        var quotes = grid.Decide(Views.At(Spot, 154.99m, 155.01m, @base: 10m)).Quotes;
        Assert.Contains(quotes, q => q.Side == Side.Buy && q.Price == 150m && q.Quantity == 1m);
    }

    [Fact]
    public void InventorySoldAbove_CompletesItsRoundTripWhenBoughtBack()
    {
        var grid = new SpotGrid(Config());
        grid.Decide(Views.At(Spot, 151.99m, 152.01m, @base: 10m));
        grid.OnFill(Fill(Side.Sell, 4, 160m, 1m));
        Assert.Equal(0, grid.RoundTrips);
        var quotes = grid.Decide(Views.At(Spot, 159.99m, 160.01m, @base: 9m)).Quotes;
        Assert.Contains(quotes, q => q.Side == Side.Buy && q.Level == 3 && q.Price == 155m);
        grid.OnFill(Fill(Side.Buy, 3, 155m, 1m));
        Assert.Equal(1, grid.RoundTrips);
        Assert.Equal(5m, grid.Profit);
    }

    [Fact]
    public void PartialFill_LeavesTheRestOfTheOrderWanted_AsItsRemainingSize()
    {
        var grid = new SpotGrid(Config());
        grid.Decide(Views.At(Spot, 151.99m, 152.01m, @base: 10m));
        grid.OnFill(Fill(Side.Buy, 2, 150m, 0.4m, remaining: 0.6m));
        var quotes = grid.Decide(Views.At(Spot, 149.99m, 150.01m, @base: 10.4m)).Quotes;
        Assert.Equal(0.6m, Assert.Single(quotes, q => q.Side == Side.Buy && q.Price == 150m).Quantity);
        Assert.DoesNotContain(quotes, q => q.Side == Side.Sell && q.Price == 155m);
    }

    [Fact]
    public void DuplicateGridOrders_NeverTwoOrdersAtOnePrice()
    {
        // Interval [150,155] bought (sell at 155 wanted); interval [155,160] sold its inventory (buy at 155 wanted).
        // Our own buy and sell at 155 would cross each other: the buy waits until the sell has filled.
        var grid = new SpotGrid(Config());
        grid.Decide(Views.At(Spot, 151.99m, 152.01m, @base: 10m));
        grid.OnFill(Fill(Side.Buy, 2, 150m, 1m));
        grid.OnFill(Fill(Side.Sell, 4, 160m, 1m));
        var quotes = grid.Decide(Views.At(Spot, 151.99m, 152.01m, @base: 10m)).Quotes;
        Assert.Equal(quotes.Count, quotes.Select(q => q.Price).Distinct().Count());
        Assert.Contains(quotes, q => q.Side == Side.Sell && q.Price == 155m);
    }

    [Fact]
    public void MissingFunds_LeaveTheFarthestLevelsOut()
    {
        var grid = new SpotGrid(Config());
        var quotes = grid.Decide(Views.At(Spot, 151.99m, 152.01m, quote: 300m, @base: 0m)).Quotes;
        // 300 USDC buys at 150 and 145 (295), not at 140; no base for the sell at 160.
        Assert.Equal([145m, 150m], quotes.Select(q => q.Price).OrderBy(p => p));
    }

    [Fact]
    public void AutoRange_IsTheMidPlusMinusThePercent_AndAutoQuantityTheSeedsFormula()
    {
        var grid = new SpotGrid(new SpotGridConfig { AutoRange = true, PriceRangePct = 2m, Levels = 5 });
        grid.Decide(Views.At(Spot, 149.99m, 150.01m, quote: 3000m, @base: 10m));
        Assert.Equal([147m, 148.5m, 150m, 151.5m, 153m], grid.Levels);
        // 2 buy intervals (147, 148.5) and 2 sell ones: min(3000 / 2 x 0.95 / 150, 10 / 2 x 0.95) = min(9.5, 4.75).
        Assert.Equal(4.75m, SpotGrid.AutoQuantity(Sol, 3000m, 10m, 150m, 2, 2));
        Assert.Equal(9.5m, SpotGrid.AutoQuantity(Sol, 3000m, 0m, 150m, 2, 0)); // one-sided, as upstream
    }

    [Fact]
    public void Bug13_SpotAdjustGridRange_Works()
    {
        var grid = new SpotGrid(Config());
        grid.Decide(Views.At(Spot, 151.99m, 152.01m, @base: 10m));
        grid.Adjust(150m, 170m);
        var quotes = grid.Decide(Views.At(Spot, 151.99m, 152.01m, @base: 10m)).Quotes;
        Assert.Equal([150m, 155m, 160m, 165m, 170m], grid.Levels);
        Assert.Equal([(Side.Buy, 150m), (Side.Sell, 160m), (Side.Sell, 165m), (Side.Sell, 170m)],
            quotes.Select(q => (q.Side, q.Price)).OrderBy(q => q.Price));
        Assert.Throws<ArgumentException>(() => grid.Adjust(170m, 150m));
    }

    [Fact]
    public void AFillOfAnOrderFromBeforeTheAdjustment_MovesNothing()
    {
        var grid = new SpotGrid(Config());
        grid.Decide(Views.At(Spot, 151.99m, 152.01m, @base: 10m));
        grid.Adjust(150m, 170m);
        grid.Decide(Views.At(Spot, 151.99m, 152.01m, @base: 10m));
        grid.OnFill(Fill(Side.Buy, 1, 145m, 1m)); // level 1 is 155 now, not 145
        Assert.Equal(0, grid.Figures(Views.At(Spot, 151.99m, 152.01m)).Grid!.BuyFills);
    }

    [Fact]
    public void AfterARestart_AnIntervalResumesFromItsRestingOrder()
    {
        // Before the restart the buy at 150 had filled and its sell (0.99) rests at 155; the price is 152 again.
        var grid = new SpotGrid(Config());
        grid.OnAdopted([new AdoptedOrder(Side.Sell, 3, 155m, 0.99m, 0.99m)]);
        var quotes = grid.Decide(Views.At(Spot, 151.99m, 152.01m, @base: 10m)).Quotes;
        Assert.Contains(new DesiredQuote(Side.Sell, 3, 155m, 0.99m), quotes);
        Assert.DoesNotContain(quotes, q => q.Side == Side.Buy && q.Price == 150m); // not bought twice
        grid.OnFill(Fill(Side.Sell, 3, 155m, 0.99m));
        Assert.Equal((1L, 5m * 0.99m), (grid.RoundTrips, grid.Profit));
    }

    [Fact]
    public void AfterARestart_AnInventorySellResumesAsInventory_FromTheLastRunsIntervalStates()
    {
        // The last run sold inventory at 160 (interval [155,160]); its order still rests. Without the interval states it was
        // taken as a bought unit: the level counted as locked, and its fill booked a round trip that was not one.
        var before = new SpotGrid(Config());
        before.Decide(Views.At(Spot, 151.99m, 152.01m, @base: 10m));
        var figures = before.Figures(Views.At(Spot, 151.99m, 152.01m));
        Assert.Equal(0, figures.Grid!.LockedLevels);

        var grid = new SpotGrid(Config());
        grid.OnRestored(figures);
        grid.OnAdopted([new AdoptedOrder(Side.Sell, 4, 160m, 1m, 1m)]);
        grid.Decide(Views.At(Spot, 151.99m, 152.01m, @base: 10m));
        Assert.Equal(0, grid.Figures(Views.At(Spot, 151.99m, 152.01m)).Grid!.LockedLevels);
        grid.OnFill(Fill(Side.Sell, 4, 160m, 1m));
        Assert.Equal(0L, grid.RoundTrips); // a sale of inventory opens the round trip
        grid.Decide(Views.At(Spot, 159.99m, 160.01m, @base: 9m));
        grid.OnFill(Fill(Side.Buy, 3, 155m, 1m));
        Assert.Equal((1L, 5m), (grid.RoundTrips, grid.Profit)); // its buy back one level down closes it
    }

    [Fact]
    public void AfterARestart_AnOrderFilledInPartBeforeIt_BooksItsRoundTripAtItsPrices()
    {
        // Bought 1 at 150; its sell of 0.99 at 155 had filled 0.5 when the worker was killed.
        var before = new SpotGrid(Config());
        before.Decide(Views.At(Spot, 151.99m, 152.01m, @base: 10m));
        before.OnFill(Fill(Side.Buy, 2, 150m, 1m));
        before.Decide(Views.At(Spot, 149.99m, 150.01m, @base: 11m));
        var figures = before.Figures(Views.At(Spot, 149.99m, 150.01m));

        var grid = new SpotGrid(Config());
        grid.OnRestored(figures);
        grid.OnAdopted([new AdoptedOrder(Side.Sell, 3, 155m, 0.99m, 0.49m)]);
        grid.Decide(Views.At(Spot, 154.99m, 155.01m, @base: 10.5m));
        grid.OnFill(Fill(Side.Sell, 3, 155m, 0.49m));
        Assert.Equal((1L, 5m * 0.99m), (grid.RoundTrips, grid.Profit)); // was (76.72 - 150) x 0.99: the 0.5 sold before counted at 0
    }
}
