using Microsoft.Extensions.Logging.Testing;
using Mmd.Exchanges.Paper;
using Mmd.TestKit;
using Mmd.Trading.Engine;
using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Risk;
using Mmd.Trading.Strategies;
using Mmd.Trading.Strategies.Grid;
using Mmd.Trading.Strategies.Hedge;
using Mmd.Trading.Strategies.PerpMarketMaking;

namespace Mmd.Trading.Tests.Strategies;

/// <summary>Each strategy on the paper venue, driven by a scripted price path: the fills, position and PnL the path must produce.</summary>
public class StrategyScenarioTests
{
    private static PaperSettings Path(string symbol, params (double Seconds, decimal Price)[] points) => EngineHarness.QuietMarket() with
    {
        PricePaths = new Dictionary<string, PricePath> { [symbol] = new(points.Select(p => (TimeSpan.FromSeconds(p.Seconds), p.Price))) },
    };

    [Fact]
    public async Task SpotGrid_DownThroughTwoLevels_ThenUpThroughThem_BooksTwoRoundTrips()
    {
        var config = new SpotGridConfig { Lower = 140m, Upper = 160m, Levels = 5, OrderQuantity = 1m, FeeAllowancePct = 0.1m };
        await using var h = new EngineHarness("grid", config, new RiskLimits { PriceBandPct = 20m },
            market: Path(EngineHarness.Symbol, (0, 152m), (10, 143m), (20, 158m)));
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 4, "the grid's four orders rest");
        await h.RunPathAsync(TimeSpan.FromSeconds(21));
        var result = await h.StopAsync();

        // Down: the buys at 150 and 145 fill; up: their sells at 150 and 155 (0.99 each, the fee allowance held back) fill.
        var fills = h.Journal.Fills.Select(f => f.Fill).ToList();
        Assert.Equal([(Side.Buy, 150m, 1m), (Side.Buy, 145m, 1m), (Side.Sell, 150m, 0.99m), (Side.Sell, 155m, 0.99m)],
            fills.Select(f => (f.Side, f.Price, f.Quantity)));
        Assert.All(fills, f => Assert.True(f.IsMaker));
        var grid = result.FinalStats.StrategyFigures!.Grid!;
        Assert.Equal(2, grid.RoundTrips);
        Assert.Equal((150m - 145m) * 0.99m + (155m - 150m) * 0.99m, grid.Profit);
        Assert.Equal(0.02m, result.FinalStats.Session.Position); // the held-back allowance
        // The trading figures match lots first-in first-out rather than per interval: the sells consume the 150 lot, then
        // 0.98 of the 145 lot, so the 0.02 left over is the 145 lot's: realized 9.85 there against the grid's 9.9.
        Assert.Equal(0.99m * 0m + 0.01m * 5m + 0.98m * 10m, result.FinalStats.Session.RealizedPnl);
        Assert.Equal(0.0002m * (150m + 145m + 0.99m * 150m + 0.99m * 155m), result.FinalStats.Session.FeesInQuote);
        Assert.Equal(0, result.OwnOrdersLeftOnVenue);
    }

    [Fact]
    public async Task SpotGrid_ARoundTripIsInTheJournalsLatestSnapshot_ASecondLater_NotAtTheNextPeriod()
    {
        // What a worker killed now would restart from is the journal's latest snapshot. It was saved once a minute, so a
        // worker killed 50 s into a period came back with a grid's round trips, fills and profit of 50 s before.
        var config = new SpotGridConfig { Lower = 140m, Upper = 160m, Levels = 5, OrderQuantity = 1m, FeeAllowancePct = 0.1m };
        await using var h = new EngineHarness("grid", config, new RiskLimits { PriceBandPct = 20m },
            market: Path(EngineHarness.Symbol, (0, 152m), (5, 152m), (10, 148m), (15, 156m), (30, 156m)));
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 4, "the grid's four orders rest");
        await h.RunPathAsync(TimeSpan.FromSeconds(30)); // the buy at 150 fills on the way down, its sell at 155 on the way up

        Assert.Equal(2, h.Journal.Fills.Count);
        Stats.GridFigures saved;
        int snapshots;
        lock (h.Journal.Stats) (saved, snapshots) = (h.Journal.Stats[^1].StrategyFigures!.Grid!, h.Journal.Stats.Count);
        Assert.Equal((1L, 1L, 1L, (155m - 150m) * 0.99m), (saved.BuyFills, saved.SellFills, saved.RoundTrips, saved.Profit));
        // Rewritten in place within the period: one snapshot for the run's first half-minute, not one per fill.
        Assert.Equal(1, snapshots);
        await h.StopAsync();
    }

    [Fact]
    public async Task SpotGrid_ALevelThePriceJumpedBackPast_SellsBehindTheTouch_WithoutChasingIt_AndBooksItsRoundTrip()
    {
        // The buys at 150 and 145 fill on a drop to 144; the sell of the 145 unit (at 150) reaches the venue only after the
        // price jumped back to 153. Before: the sell went out a tick over the bid, was replaced whenever the bid moved (the
        // desired 150 never matched it), and its fill, not at the level, was not the grid's: it sold again and again.
        var config = new SpotGridConfig { Lower = 140m, Upper = 160m, Levels = 5, OrderQuantity = 1m, FeeAllowancePct = 0.1m };
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = 1;
        await using var h = new EngineHarness("grid", config, new RiskLimits { PriceBandPct = 20m },
            market: Path(EngineHarness.Symbol, (0, 152m), (10, 152m), (10.2, 144m), (10.4, 144m), (10.6, 153m), (14.6, 152.5m), (20, 158m), (32, 158m)),
            wrap: c => new ScriptedConnector(c)
            {
                OnPlace = async (request, place) =>
                {
                    if (request is { Side: Side.Sell, Price: 150m } && Interlocked.Exchange(ref holding, 0) == 1)
                    {
                        held.SetResult();
                        await release.Task;
                    }
                    return await place(request);
                },
            });
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 4, "the grid's four orders rest");
        await h.RunPathAsync(TimeSpan.FromSeconds(10));
        h.Time.Advance(TimeSpan.FromMilliseconds(200));
        h.Exchange.Tick(); // 144: the buys at 150 and 145 fill
        await held.Task.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 2; i++)
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(200));
            h.Exchange.Tick(); // back to 153 while the sell is on its way
        }
        release.SetResult();
        await h.RunPathAsync(TimeSpan.FromSeconds(21.4));
        var result = await h.StopAsync();

        // The 150 sell bounced (post-only), and so did its retry a tick further; a sell a tick over a bid the engine had not
        // yet seen move may bounce too (then its retry). The one that rested a tick over the bid stayed there as the bid
        // fell to 152.5 (it was not chased), until the rise to 158 took it. When the engine saw 153 before the bounce came
        // back, the retry itself went a tick over the bid and rested: a retry is judged by its own price, so it was replaced
        // once, at once, by the grid's order there (seen under a loaded CI run). Never after the fall to 152.5.
        var sells = h.Journal.Orders.Values.Where(o => o.Template is { Side: Side.Sell, Level: 2 }).ToList();
        var behind = Assert.Single(sells, o => o.Status == OrderStatus.Filled).Template;
        var fall = DateTimeOffset.Parse("2026-11-23T12:00:14.600Z", System.Globalization.CultureInfo.InvariantCulture); // the harness starts at 12:00
        Assert.All(sells.Where(o => o.Template != behind), o => Assert.True(o.Status == OrderStatus.Rejected
            || (o is { Status: OrderStatus.Cancelled, Filled: 0m } && o.UpdatedAt < fall), $"{o.Status} at {o.UpdatedAt:HH:mm:ss.fff}, {o.Template.PostOnlyRetries} retries"));
        Assert.True(sells.Count(o => o.Status == OrderStatus.Cancelled) <= 1);
        Assert.InRange(sells.Count, 2, 5);
        Assert.Equal((150m, 0), (behind.QuotedPrice, behind.PostOnlyRetries));
        Assert.InRange(behind.Price!.Value, 152.5m, 153.1m);

        // Four fills, as the path asks: the two buys, the 145 unit sold behind the touch, the 150 unit at 155.
        var fills = h.Journal.Fills.Select(f => f.Fill).ToList();
        Assert.Equal([(Side.Buy, 150m, 1m), (Side.Buy, 145m, 1m), (Side.Sell, behind.Price!.Value, 0.99m), (Side.Sell, 155m, 0.99m)],
            fills.Select(f => (f.Side, f.Price, f.Quantity)));
        var grid = result.FinalStats.StrategyFigures!.Grid!;
        Assert.Equal((2, 2, 2), (grid.BuyFills, grid.SellFills, grid.RoundTrips));
        Assert.Equal((behind.Price!.Value - 145m) * 0.99m + (155m - 150m) * 0.99m, grid.Profit);
        Assert.Equal(0, result.OwnOrdersLeftOnVenue);
    }

    [Fact]
    public async Task PerpMarketMaking_Rally_CapsTheShort_ReducesAboveThreshold_StopLossCloses_AndQuotingGoesOn()
    {
        const string perp = "SOL_USDC_PERP";
        var config = new PerpMarketMakerConfig
        {
            SpreadPct = 0.2m, OrderQuantity = 0.5m, Levels = 3, TargetPosition = 0m, PositionThreshold = 1m, MaxPosition = 2m, StopLoss = 3m,
        };
        // Steps up: each jump runs through the asks we rest at the time.
        await using var h = new EngineHarness("perp", config, symbol: perp,
            market: Path(perp, (0, 150m), (2, 150m), (2.2, 150.6m), (4, 150.6m), (4.2, 151.5m), (6, 151.5m), (6.2, 153m), (10, 153m)));
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 6, "three quotes a side");
        var worst = 0m;
        for (var t = 0; t < 60; t++)
        {
            await h.RunPathAsync(TimeSpan.FromMilliseconds(200));
            worst = Math.Min(worst, h.Engine.LatestStats?.Cumulative.Position ?? 0m);
        }
        var result = await h.StopAsync();

        var fills = h.Journal.Fills;
        // The rally lifts our asks: the instance goes short, never past max (-2) even between decisions.
        Assert.Contains(fills, f => f.Purpose == OrderPurpose.Quote && f.Fill.Side == Side.Sell);
        Assert.True(worst >= -2m, $"position reached {worst}");
        // Closes are reduce-only market buys.
        var closes = fills.Where(f => f.Purpose == OrderPurpose.Reduce).Select(f => f.Fill).ToList();
        Assert.NotEmpty(closes);
        Assert.All(closes, c => Assert.Equal(Side.Buy, c.Side));
        var position = result.FinalStats.StrategyFigures!.Position!;
        Assert.True(position.StopLosses + position.Reductions > 0);
        // After the path the market rests at 154: what is left is within target + threshold, and quoting went on.
        Assert.True(Math.Abs(result.FinalStats.Cumulative.Position) <= 1m, $"final position {result.FinalStats.Cumulative.Position}");
        Assert.Equal(fills.Sum(f => f.Fill.Side == Side.Buy ? f.Fill.Quantity : -f.Fill.Quantity), result.FinalStats.Cumulative.Position);
        Assert.Equal(0, result.OwnOrdersLeftOnVenue);
    }

    [Fact]
    public async Task PerpMarketMaking_OnAVenueThatLetsAnAccountTradeWithItself_ItsMarketReductionsNeverBuyItsOwnAsks()
    {
        // Thin levels (0.1 to 0.3 a level): a market buy that reduces the short walks up the book to where our own asks
        // rest. Where the venue lets the account trade with itself, it bought them: the position stayed short, and the
        // next reduction did it again.
        const string perp = "SOL_USDC_PERP";
        var config = new PerpMarketMakerConfig
        {
            SpreadPct = 0.2m, OrderQuantity = 0.5m, Levels = 3, TargetPosition = 0m, PositionThreshold = 0.5m, MaxPosition = 2m,
        };
        await using var h = new EngineHarness("perp", config, symbol: perp,
            market: Path(perp, (0, 150m), (2, 150m), (2.2, 150.6m), (4, 150.6m), (4.2, 151.5m), (8, 151.5m)) with { LevelNotional = 30m });
        h.Exchange.AllowSelfTrades(h.Name);
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 6, "three quotes a side");
        await h.RunPathAsync(TimeSpan.FromSeconds(8));
        var result = await h.StopAsync();

        var fills = h.Journal.Fills.Select(f => f.Fill).ToList();
        Assert.Contains(h.Journal.Fills, f => f.Purpose == OrderPurpose.Reduce);
        Assert.DoesNotContain(fills.GroupBy(f => f.TradeId), t => t.Count() > 1); // no trade of ours with ourselves
        Assert.Equal(fills.Sum(f => f.Side == Side.Buy ? f.Quantity : -f.Quantity), result.FinalStats.Cumulative.Position);
        Assert.Equal(0, result.OwnOrdersLeftOnVenue);
    }

    [Fact]
    public async Task PerpMarketMaking_StopLossWithStopAction_EndsTheRun_Flat_WithNoOrderLeft()
    {
        const string perp = "SOL_USDC_PERP";
        var config = new PerpMarketMakerConfig
        {
            SpreadPct = 0.2m, OrderQuantity = 0.5m, Levels = 1, MaxPosition = 2m, PositionThreshold = 2m, StopLoss = 0.5m,
            ProtectiveAction = ProtectiveAction.Stop,
        };
        await using var h = new EngineHarness("perp", config, symbol: perp, market: Path(perp, (0, 150m), (1, 150m), (1.2, 150.5m), (2, 150.5m), (2.2, 152m)));
        var run = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 2, "a quote a side");
        for (var t = 0; t < 20 && !run.IsCompleted; t++) await h.RunPathAsync(TimeSpan.FromMilliseconds(200));
        var result = await run.DefaultTimeout();
        Assert.StartsWith("stop-loss", result.StopReason);
        Assert.Equal(0m, result.FinalStats.Cumulative.Position);
        Assert.Equal(0, result.OwnOrdersLeftOnVenue);
        Assert.Empty(h.OpenOrders());
    }

    [Fact]
    public async Task PerpGrid_Neutral_DownUpDown_ThreeRoundTrips_OneLongLeftCovered()
    {
        const string perp = "SOL_USDC_PERP";
        var config = new PerpGridConfig { Lower = 140m, Upper = 160m, Levels = 5, OrderQuantity = 1m, MaxPosition = 5m, Type = GridType.Neutral };
        await using var h = new EngineHarness("pgrid", config, new RiskLimits { PriceBandPct = 50m }, symbol: perp,
            market: Path(perp, (0, 150.5m), (5, 143m), (10, 152m), (15, 157m), (20, 149m), (21, 149m)));
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 5, "buys at 140 145 150, sells at 155 160");
        await h.RunPathAsync(TimeSpan.FromSeconds(22));
        var result = await h.StopAsync();

        // Down: the buys at 150 and 145 open longs; up: their closes sell at 150 and 155, and the short opened at 155
        // closes at 150 on the way down, where the level at 150 (free again) buys once more.
        var fills = h.Journal.Fills.Select(f => (f.Fill.Side, f.Fill.Price, f.Fill.Quantity)).OrderBy(f => f.Side).ThenBy(f => f.Price).ToList();
        Assert.Equal([(Side.Buy, 145m, 1m), (Side.Buy, 150m, 1m), (Side.Buy, 150m, 1m), (Side.Buy, 150m, 1m),
            (Side.Sell, 150m, 1m), (Side.Sell, 155m, 1m), (Side.Sell, 155m, 1m)], fills);
        var grid = result.FinalStats.StrategyFigures!.Grid!;
        Assert.Equal((3L, 15m), (grid.RoundTrips, grid.Profit));
        Assert.Equal(1m, result.FinalStats.Cumulative.Position);
        Assert.Equal(0, result.OwnOrdersLeftOnVenue);
    }

    [Fact]
    public async Task MakerTakerHedge_AJumpLiftsOurAsk_TheHedgeBuysItBack_FlatAgain()
    {
        const string perp = "SOL_USDC_PERP";
        var config = HedgeAtTheTouch(0.5m);
        await using var h = new EngineHarness("hedge", config, symbol: perp, market: Path(perp, (0, 150m), (2, 150m), (2.2, 150.6m), (4, 150.6m)));
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 2, "a quote a side at the touch");
        Assert.Equal([149.97m, 150.03m], h.OpenOrders().Select(o => o.Price!.Value).Order());
        await h.RunPathAsync(TimeSpan.FromSeconds(4));
        var result = await h.StopAsync();

        var fills = h.Journal.Fills.ToList();
        var maker = Assert.Single(fills, f => f.Purpose == OrderPurpose.Quote).Fill;
        Assert.Equal((Side.Sell, 150.03m, 0.5m, true), (maker.Side, maker.Price, maker.Quantity, maker.IsMaker));
        var hedge = Assert.Single(fills, f => f.Purpose == OrderPurpose.Hedge).Fill;
        Assert.Equal((Side.Buy, 0.5m, false), (hedge.Side, hedge.Quantity, hedge.IsMaker));
        Assert.True(hedge.Price <= 150.6m * 1.005m, $"the hedge paid {hedge.Price}, past its protection");
        Assert.Equal(0m, result.FinalStats.Cumulative.Position);
        Assert.Equal(1, result.FinalStats.StrategyFigures!.Hedge!.Hedges);
        Assert.Equal(0, result.OwnOrdersLeftOnVenue);
    }

    [Fact]
    public async Task MakerTakerHedge_OnAVenueThatLetsAnAccountTradeWithItself_TheHedgeNeverTakesOurOwnQuote()
    {
        // Quotes of 10 beside the crowd's 3 to 10 a level. The jump lifts our ask; the strategy quotes a new ask at the
        // touch and hedges there. Where the venue's self-trade prevention is off, the hedge bought our own new ask (a wash
        // trade paying both fees that left the position short), hedged again into the next new ask, and so on. Now the
        // hedge waits until our ask is off the book, and no ask is put back until it has ended.
        const string perp = "SOL_USDC_PERP";
        var config = HedgeAtTheTouch(10m);
        var log = new FakeLogger();
        await using var h = new EngineHarness("hedge", config, symbol: perp, market: Path(perp, (0, 150m), (2, 150m), (2.2, 150.6m), (4, 150.6m)), logger: log);
        h.Exchange.AllowSelfTrades(h.Name);
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 2, "a quote a side at the touch");
        await h.RunPathAsync(TimeSpan.FromSeconds(4));
        var result = await h.StopAsync();

        var fills = h.Journal.Fills.Select(f => f.Fill).ToList();
        Assert.DoesNotContain(fills.GroupBy(f => f.TradeId), t => t.Count() > 1); // no trade of ours with ourselves
        Assert.Equal(10m, fills.Where(f => f is { Side: Side.Sell, IsMaker: true }).Sum(f => f.Quantity));
        Assert.Equal(10m, fills.Where(f => f is { Side: Side.Buy, IsMaker: false }).Sum(f => f.Quantity));
        Assert.Equal(fills.Count, fills.Count(f => f.Side == Side.Sell == f.IsMaker)); // every buy a hedge, every sell a quote's
        Assert.Equal(0m, result.FinalStats.Cumulative.Position);
        Assert.Equal(0, result.FinalStats.StrategyFigures!.Hedge!.HedgeFailures);
        Assert.Equal(0, result.OwnOrdersLeftOnVenue);
        // The hedges waited, and the log says so once in these 4 s (it said so before every hedge).
        Assert.Single(log.Collector.GetSnapshot(), r => r.Message.Contains("waits for our own orders", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MakerTakerHedge_OurQuoteInTheWayIsSlowToCancel_TheHedgeGoesAfterASecond()
    {
        // Another account sells 4 into our bid of 10: the hedge sells 4, and the rest of our bid stands in its way. Its
        // cancel goes out, but the venue takes 10 s to answer: the hedge waits no longer than TakerHoldLimit, then goes
        // (here the paper venue's own prevention cancels the rest of our bid as the hedge reaches it).
        const string perp = "SOL_USDC_PERP";
        var config = HedgeAtTheTouch(10m);
        var slowCancels = false;
        EngineHarness? harness = null;
        await using var h = harness = new EngineHarness("hedge", config, symbol: perp, market: Path(perp, (0, 150m)),
            wrap: c => new ScriptedConnector(c)
            {
                OnCancel = async (request, cancel) =>
                {
                    if (Volatile.Read(ref slowCancels)) await Task.Delay(TimeSpan.FromSeconds(10), harness!.Time);
                    return await cancel(request);
                },
            });
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 2, "a quote a side at the touch");
        await h.RunPathAsync(TimeSpan.FromSeconds(1)); // the crowd's orders placed again: ours are first at their prices
        Volatile.Write(ref slowCancels, true);
        var bid = Assert.Single(h.OpenOrders(), o => o.Side == Side.Buy).Price!.Value;
        var sold = h.Exchange.Place("taker", new PlaceOrderRequest(perp, "taker1", Side.Sell, OrderType.Limit, TimeInForce.Ioc, bid, 4m));
        Assert.Equal(4m, sold.Order!.FilledQuantity);
        await h.WaitAsync(() => h.Journal.Fills.Any(f => f.Purpose == OrderPurpose.Hedge), "the hedge goes", TimeSpan.FromMilliseconds(10));
        Volatile.Write(ref slowCancels, false);
        h.Time.Advance(TimeSpan.FromSeconds(10)); // the cancels still on their way are answered
        await h.RunPathAsync(TimeSpan.FromSeconds(1));
        var result = await h.StopAsync();

        var fills = h.Journal.Fills.Select(f => f.Fill).ToList();
        var lifted = Assert.Single(fills, f => f is { Side: Side.Buy, IsMaker: true });
        var hedges = fills.Where(f => f is { Side: Side.Sell, IsMaker: false }).ToList();
        Assert.Equal(4m, hedges.Sum(f => f.Quantity));
        var waited = hedges.Min(f => f.Timestamp) - lifted.Timestamp;
        Assert.InRange(waited, InstanceEngine.TakerHoldLimit, InstanceEngine.TakerHoldLimit + TimeSpan.FromMilliseconds(100));
        Assert.Equal(0m, result.FinalStats.Cumulative.Position);
    }

    [Fact]
    public async Task MakerTakerHedge_AHedgeWithdrawnUnsent_WhileOurQuoteInItsWayIsFilledMore_IsNoFailedAttempt()
    {
        // Another account sells 4 into our bid of 10; the hedge waits for the rest of our bid to go, and its cancel is slow.
        // Meanwhile the account sells 3 more into it: the waiting hedge is withdrawn unsent and the strategy hedges 7. With
        // one attempt allowed, counting the withdrawn hedge as a failed attempt held quoting and counted a hedge failure.
        const string perp = "SOL_USDC_PERP";
        var config = HedgeAtTheTouch(10m) with { MaxHedgeAttempts = 1 };
        var (slowCancels, cancelAsked) = (false, false);
        EngineHarness? harness = null;
        await using var h = harness = new EngineHarness("hedge", config, symbol: perp, market: Path(perp, (0, 150m)),
            wrap: c => new ScriptedConnector(c)
            {
                OnCancel = async (request, cancel) =>
                {
                    if (Volatile.Read(ref slowCancels))
                    {
                        Volatile.Write(ref cancelAsked, true);
                        await Task.Delay(TimeSpan.FromSeconds(10), harness!.Time);
                    }
                    return await cancel(request);
                },
            });
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 2, "a quote a side at the touch");
        await h.RunPathAsync(TimeSpan.FromSeconds(1)); // the crowd's orders placed again: ours are first at their prices
        Volatile.Write(ref slowCancels, true);
        var bid = Assert.Single(h.OpenOrders(), o => o.Side == Side.Buy).Price!.Value;
        Assert.Equal(4m, h.Exchange.Place("taker", new PlaceOrderRequest(perp, "taker1", Side.Sell, OrderType.Limit, TimeInForce.Ioc, bid, 4m)).Order!.FilledQuantity);
        await h.WaitAsync(() => Volatile.Read(ref cancelAsked), "the hedge held, the rest of our bid in its way being cancelled", TimeSpan.FromMilliseconds(10));
        Assert.Equal(3m, h.Exchange.Place("taker", new PlaceOrderRequest(perp, "taker2", Side.Sell, OrderType.Limit, TimeInForce.Ioc, bid, 3m)).Order!.FilledQuantity);
        await h.WaitAsync(() => h.Journal.Fills.Any(f => f.Purpose == OrderPurpose.Hedge), "the hedge goes", TimeSpan.FromMilliseconds(10));
        Volatile.Write(ref slowCancels, false);
        h.Time.Advance(TimeSpan.FromSeconds(10)); // the cancels still on their way are answered
        await h.RunPathAsync(TimeSpan.FromSeconds(1));
        var result = await h.StopAsync();

        var hedgeOrders = h.Journal.Orders.Values.Where(o => o.Template.Purpose == OrderPurpose.Hedge).ToList();
        Assert.Equal(7m, Assert.Single(hedgeOrders).Template.Quantity); // the withdrawn hedge of 4 never went out
        var figures = result.FinalStats.StrategyFigures!.Hedge!;
        Assert.Equal((1L, 0L, false), (figures.Hedges, figures.HedgeFailures, figures.QuotingHeld));
        Assert.Equal(0m, result.FinalStats.Cumulative.Position);
    }

    [Fact]
    public async Task AQuoteLargerThanTheOthersAtItsPrice_StaysAtTheTouch_WhileTheBookCatchesUpWithIt()
    {
        // The venue acknowledges an order before its book shows it. The engine took our 10 out of a level that did not hold
        // it yet (the others' 3.8 at the touch), found nothing left, and moved the quote behind it: nine ticks in the first
        // 200 ms, until the order rate ran out.
        const string perp = "SOL_USDC_PERP";
        var config = HedgeAtTheTouch(10m);
        await using var h = new EngineHarness("hedge", config, symbol: perp, market: Path(perp, (0, 150m), (2, 150m)));
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 2, "a quote a side at the touch");
        await h.RunPathAsync(TimeSpan.FromSeconds(2));
        Assert.Equal([149.97m, 150.03m], h.OpenOrders().Select(o => o.Price!.Value).Order());
        var result = await h.StopAsync();
        Assert.Equal((2, 0), (result.FinalStats.OrdersPlaced, result.FinalStats.RiskDenials));
    }

    [Fact]
    public async Task MakerTakerHedge_AHedgeTheStreamReportsFilled_IsDone_ThoughTheVenuesAnswerIsSlow()
    {
        // Lighter's connector answers an order when its watch has seen it end, or else after reading it back at reads
        // paced seconds apart: its stream may report the hedge filled 30 s before the answer. The next hedge must not wait
        // for that answer (only a refusal does: it reaches the strategy with the answer).
        const string perp = "SOL_USDC_PERP";
        var config = HedgeAtTheTouch(0.5m);
        var secondHedge = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (hedges, secondBeforeFirstAnswered) = (0, false);
        EngineHarness? harness = null;
        await using var h = harness = new EngineHarness("hedge", config, symbol: perp, market: Path(perp, (0, 150m)),
            wrap: c => new ScriptedConnector(c)
            {
                OnPlace = async (request, place) =>
                {
                    if (request.TimeInForce != TimeInForce.Ioc) return await place(request);
                    if (Interlocked.Increment(ref hedges) > 1)
                    {
                        secondHedge.TrySetResult();
                        return await place(request);
                    }
                    var result = await place(request);
                    // While the answer is on its way, another account sells into our bid: a fill the strategy hedges.
                    var bid = harness!.OpenOrders().Where(o => o.Side == Side.Buy).Max(o => o.Price!.Value);
                    harness.Exchange.Place("taker", new PlaceOrderRequest(perp, "taker2", Side.Sell, OrderType.Limit, TimeInForce.Ioc, bid, 0.5m));
                    secondBeforeFirstAnswered = await Task.WhenAny(secondHedge.Task, Task.Delay(TimeSpan.FromSeconds(5))) == secondHedge.Task;
                    return result;
                },
            });
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 2, "a quote a side at the touch");
        await h.RunPathAsync(TimeSpan.FromSeconds(1)); // the crowd's orders placed again: ours are first at their prices
        var ask = Assert.Single(h.OpenOrders(), o => o.Side == Side.Sell).Price!.Value;
        Assert.Equal(0.5m, h.Exchange.Place("taker", new PlaceOrderRequest(perp, "taker1", Side.Buy, OrderType.Limit, TimeInForce.Ioc, ask, 0.5m)).Order!.FilledQuantity);
        await h.WaitAsync(() => Volatile.Read(ref hedges) >= 2, $"both hedges sent (hedges {Volatile.Read(ref hedges)}, position {h.Engine.LatestStats?.Cumulative.Position})", TimeSpan.FromMilliseconds(10));
        await h.StopAsync();
        Assert.True(secondBeforeFirstAnswered, "the second hedge waited for the first one's answer");
    }

    [Fact]
    public async Task MakerTakerHedge_AVenueThatTellsARefusalOnItsStreamBeforeAnsweringThePlace_TheRefusedHedgeIsNotSentAgainMeanwhile()
    {
        // Paradex answers an order NEW and closes it after, with a reason, on the orders channel; the connector's answer
        // follows. The refused reduce-only hedge had ended on the stream's word, so the strategy, not yet told of the
        // refusal, sent it again reduce-only: refused twice or three times, each counted as a failed attempt.
        const string perp = "SOL_USDC_PERP";
        var config = HedgeAtTheTouch(0.5m);
        ScriptedConnector? scripted = null;
        EngineHarness? harness = null;
        await using var h = harness = new EngineHarness("hedge", config, symbol: perp, market: Path(perp, (0, 150m), (2, 150m), (2.2, 150.6m), (6, 150.6m)),
            wrap: c => scripted = new ScriptedConnector(c)
            {
                OnPlace = async (request, place) =>
                {
                    var result = await place(request);
                    if (result.Code != RejectCode.ReduceOnlyWouldIncrease) return result;
                    scripted!.InjectRefusal(request, harness!.Time.GetUtcNow());
                    await harness.JournaledAsync(request.ClientOrderId, OrderStatus.Rejected); // the answer comes after the engine has heard the stream
                    return result;
                },
            });
        Assert.Equal(CommandOutcome.Accepted, h.Exchange.Place(h.Name, new PlaceOrderRequest(perp, "other_1", Side.Buy, OrderType.Market, TimeInForce.Ioc, null, 2m)).Outcome);
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 2, "a quote a side at the touch");
        await h.RunPathAsync(TimeSpan.FromSeconds(6));
        var result = await h.StopAsync();

        var hedges = h.Journal.Orders.Values.Where(o => o.Template.Purpose == OrderPurpose.Hedge).OrderBy(o => o.Template.CreatedAt).ToList();
        Assert.Equal([true, false], hedges.Select(o => o.Template.ReduceOnly)); // refused once, then plain
        Assert.Equal(0m, result.FinalStats.Cumulative.Position);
        Assert.Equal(0L, result.FinalStats.StrategyFigures!.Hedge!.HedgeFailures);
    }

    [Fact]
    public async Task MakerTakerHedge_OnAnAccountWhereAnotherHoldsTheOtherSide_TheRefusedReduceOnlyHedge_GoesPlainOnceTheVenueListsNoFillOfOursOnItsWay()
    {
        // Another instance's 2 long on the same account: when our ask is lifted, our short can never be bought back
        // reduce-only (the account is long). It used to be refused once a second for as long as the run lasted, unhedged.
        // The engine asks the venue for our fills; none explains the refusal, so the hedge goes plain at once.
        const string perp = "SOL_USDC_PERP";
        var config = HedgeAtTheTouch(0.5m);
        await using var h = new EngineHarness("hedge", config, symbol: perp, market: Path(perp, (0, 150m), (2, 150m), (2.2, 150.6m), (6, 150.6m)));
        var other = h.Exchange.Place(h.Name, new PlaceOrderRequest(perp, "other_1", Side.Buy, OrderType.Market, TimeInForce.Ioc, null, 2m));
        Assert.Equal(CommandOutcome.Accepted, other.Outcome);
        Assert.Equal(2m, AccountPosition(h, perp));
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 2, "a quote a side at the touch");
        await h.RunPathAsync(TimeSpan.FromSeconds(6));
        var result = await h.StopAsync();

        var hedges = h.Journal.Orders.Values.Where(o => o.Template.Purpose == OrderPurpose.Hedge)
            .OrderBy(o => o.Template.CreatedAt).ThenBy(o => o.Template.ReduceOnly ? 0 : 1).ToList();
        Assert.True(hedges.Count >= 2, $"{hedges.Count} hedges");
        Assert.True(hedges[0].Template.ReduceOnly, "the first hedge is reduce-only");
        Assert.True(hedges[1].Template.CreatedAt - hedges[0].Template.CreatedAt < ReduceOnlyRefusal.AnswerWait, "the plain hedge followed the venue's answer, not the wait for it");
        var fill = Assert.Single(h.Journal.Fills, f => f.Purpose == OrderPurpose.Hedge).Fill;
        Assert.Equal((Side.Buy, 0.5m), (fill.Side, fill.Quantity));
        Assert.False(hedges.Single(o => o.Template.ClientOrderId == fill.ClientOrderId).Template.ReduceOnly);
        Assert.Equal(0m, result.FinalStats.Cumulative.Position); // the instance's own: flat
        Assert.Equal(2m, AccountPosition(h, perp)); // the account's: the other instance's long, untouched
        Assert.Equal(0m, result.FinalStats.StrategyFigures!.Hedge!.Residual);
        Assert.Contains("hedging with plain IOCs", result.FinalStats.StrategyFigures.LastProtectiveAction, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MakerTakerHedge_AQuoteFillStillOnItsWay_ExplainsAReduceOnlyRefusal_AndNoPlainHedgeOvershoots()
    {
        // Our ask is lifted (short 0.5); as the reduce-only hedge goes out, our bid is hit too, which leaves the account
        // flat, and the account stream loses that fill. The venue refuses the hedge. Before, a refusal no fill explained
        // within a second sent the hedge plain: a buy of 0.5 that left the instance long. Now the engine asks the venue
        // for our fills, applies the bid's, and the instance is flat, with no plain hedge.
        const string perp = "SOL_USDC_PERP";
        var config = HedgeAtTheTouch(0.5m);
        EngineHarness? harness = null;
        var hit = 0;
        await using var h = harness = new EngineHarness("hedge", config, symbol: perp, market: Path(perp, (0, 150m), (2, 150m), (2.2, 150.6m), (9, 150.6m)),
            wrap: c => new ScriptedConnector(c)
            {
                DropFill = f => f is { Side: Side.Buy, IsMaker: true },
                OnPlace = (request, place) =>
                {
                    if (request is { Side: Side.Buy, ReduceOnly: true } && Interlocked.Exchange(ref hit, 1) == 0)
                    {
                        // Another account sells through everything bid at or above ours (ours included).
                        var ours = harness!.OpenOrders().Single(o => o.Side == Side.Buy);
                        var ahead = harness.Exchange.Levels(perp, Side.Buy, 50).Where(l => l.Price >= ours.Price).Sum(l => l.Quantity);
                        var sold = harness.Exchange.Place("taker", new PlaceOrderRequest(perp, "taker_1", Side.Sell, OrderType.Limit, TimeInForce.Ioc, ours.Price, ahead));
                        Assert.Equal(CommandOutcome.Accepted, sold.Outcome);
                    }
                    return place(request);
                },
            });
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 2, "a quote a side at the touch");
        await h.RunPathAsync(TimeSpan.FromSeconds(9));
        var result = await h.StopAsync();

        Assert.Equal(1, hit);
        var hedges = h.Journal.Orders.Values.Where(o => o.Template.Purpose == OrderPurpose.Hedge).ToList();
        var refused = Assert.Single(hedges);
        Assert.True(refused.Status == OrderStatus.Rejected && refused.Template.ReduceOnly, string.Join("; ", h.Journal.Fills.Select(f => f.Fill.ToString())) + " / " + string.Join("; ", h.Exchange.Fills(h.Name, perp, DateTimeOffset.MinValue).Select(f => f.ToString()))); // refused by the flat account; none sent plain
        var bid = Assert.Single(h.Journal.Fills, f => f.Fill.Side == Side.Buy).Fill; // the lost one, listed by the venue
        Assert.Equal((0.5m, true), (bid.Quantity, bid.IsMaker));
        Assert.Equal(0m, result.FinalStats.Cumulative.Position);
        Assert.Equal(0m, AccountPosition(h, perp));
    }

    /// <summary>A maker-taker hedge quoting <paramref name="quantity"/> at the touch, requoting at every move, hedging within 0.5 %.</summary>
    private static MakerTakerHedgeConfig HedgeAtTheTouch(decimal quantity) => new() { OrderQuantity = quantity, MaxSlippagePct = 0.5m, RefreshTolerancePct = 0m };

    private static decimal AccountPosition(EngineHarness h, string symbol) => h.Exchange.Positions(h.Name).SingleOrDefault(p => p.Symbol == symbol)?.Quantity ?? 0m;

    [Fact]
    public async Task MakerTakerHedge_ABidCancelledWhileTheBookStillShowsIt_IsNotTakenForTheMarketsTouch()
    {
        // The mid moves 0.02 down: the market's bid leaves 149.97 and ours is alone there, so it moves down to the market's.
        // The book stream falls silent as that cancel goes out, so the book keeps showing the cancelled bid. Before, the
        // cancelled bid was no longer ours to leave out: the quote went back to 149.97, then away once that was acked, on
        // and on (live: ten orders in 16 ms).
        const string perp = "SOL_USDC_PERP";
        var config = HedgeAtTheTouch(0.5m);
        EngineHarness? harness = null;
        ScriptedConnector? scripted = null;
        await using var h = harness = new EngineHarness("hedge", config, symbol: perp, market: Path(perp, (0, 150m), (2, 150m), (2.2, 149.98m), (10, 149.98m)),
            wrap: c => scripted = new ScriptedConnector(c)
            {
                OnCancel = (request, cancel) =>
                {
                    if (harness!.OpenOrders().Any(o => o.ClientOrderId == request.ClientOrderId && o.Side == Side.Buy)) scripted!.BookSilent = true;
                    return cancel(request);
                },
            });
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 2, "a quote a side at the touch");
        Assert.Equal([149.97m, 150.03m], h.OpenOrders().Select(o => o.Price!.Value).Order());
        await h.RunPathAsync(TimeSpan.FromSeconds(2.2));

        Assert.True(scripted!.BookSilent, "the bid was moved");
        var bids = h.Journal.Orders.Values.Where(o => o.Template is { Side: Side.Buy, Purpose: OrderPurpose.Quote }).Select(o => o.Template.Price!.Value).ToList();
        Assert.Equal(2, bids.Count);
        Assert.Equal(149.97m, bids.Max());
        var ourBid = Assert.Single(h.OpenOrders(), o => o.Side == Side.Buy).Price!.Value;
        Assert.True(ourBid < 149.97m, $"our bid {ourBid}");
    }

    // Cross-market: quotes on SOL_USDC, hedges on SOL_USDC_PERP. The spot is lifted to 150.6 while the perp stays at 150.
    private static PaperSettings SpotJumpsPerpStays() => EngineHarness.QuietMarket() with
    {
        PricePaths = new Dictionary<string, PricePath>
        {
            ["SOL_USDC"] = new([(TimeSpan.Zero, 150m), (TimeSpan.FromSeconds(2), 150m), (TimeSpan.FromSeconds(2.2), 150.6m), (TimeSpan.FromSeconds(4), 150.6m)]),
            ["SOL_USDC_PERP"] = new([(TimeSpan.Zero, 150m), (TimeSpan.FromSeconds(4), 150m)]),
        },
    };

    private static MakerTakerHedgeConfig CrossMarketHedge() =>
        new() { OrderQuantity = 0.5m, MaxSlippagePct = 0.5m, MinProfitabilityPct = 0.1m, RefreshTolerancePct = 0m };

    [Fact]
    public async Task MakerTakerHedge_AcrossMarkets_TheSpotAskIsLifted_TheHedgeBuysThePerp_EachMarketJournaledApart()
    {
        await using var h = new EngineHarness("xemm", CrossMarketHedge(), market: SpotJumpsPerpStays(), hedgeSymbol: "SOL_USDC_PERP");
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 2, "a quote a side");
        // No closer to the perp's touch (149.97 / 150.03) than 0.1 %.
        Assert.Equal([149.82m, 150.19m], h.OpenOrders().Select(o => o.Price!.Value).Order());
        await h.RunPathAsync(TimeSpan.FromSeconds(4));
        var result = await h.StopAsync();

        var maker = Assert.Single(h.Journal.Fills);
        Assert.Equal((OrderPurpose.Quote, "SOL_USDC", Side.Sell, 150.19m, 0.5m, true),
            (maker.Purpose, maker.Fill.Symbol, maker.Fill.Side, maker.Fill.Price, maker.Fill.Quantity, maker.Fill.IsMaker));
        var hedge = Assert.Single(h.HedgeJournal!.Fills);
        Assert.Equal((OrderPurpose.Hedge, "SOL_USDC_PERP", Side.Buy, 150.03m, 0.5m, false),
            (hedge.Purpose, hedge.Fill.Symbol, hedge.Fill.Side, hedge.Fill.Price, hedge.Fill.Quantity, hedge.Fill.IsMaker));
        Assert.All(h.HedgeJournal.Orders.Values, o => Assert.Equal("SOL_USDC_PERP", o.Template.Symbol));
        Assert.All(h.Journal.Orders.Values, o => Assert.Equal("SOL_USDC", o.Template.Symbol));

        var figures = result.FinalStats.StrategyFigures!.Hedge!;
        Assert.Equal((-0.5m, 0.5m, 0m, 1L), (result.FinalStats.Cumulative.Position, figures.Market!.Cumulative.Position, figures.Residual, figures.Hedges));
        Assert.Equal(("paper", "SOL_USDC_PERP"), (figures.Market.Venue, figures.Market.Symbol));
        // Short the spot from 150.19, long the perp from 150.03: each leg is valued at its own mid, both legs' fees paid.
        var spotMid = result.FinalStats.Mid!.Value;
        var perpMid = figures.Market.Mid!.Value;
        var fees = result.FinalStats.Cumulative.FeesInQuote + figures.Market.Cumulative.FeesInQuote;
        Assert.Equal((150.19m - spotMid) * 0.5m + (perpMid - 150.03m) * 0.5m - fees,
            result.FinalStats.Cumulative.NetPnl + figures.Market.Cumulative.NetPnl, 6);
        Assert.Equal(0, result.OwnOrdersLeftOnVenue);
        Assert.Empty(h.Exchange.OpenOrders("xemm", "SOL_USDC_PERP"));
    }

    /// <summary>
    /// Cross-market on the synthetic market of the paper-xemm template (a random walk, random taker flow) for two simulated
    /// minutes: the furthest the spot position went, and the fills on each side.
    /// </summary>
    private static async Task<(decimal Furthest, int Buys, int Sells)> XemmOnASyntheticMarketAsync(decimal? inventoryRange)
    {
        var market = new PaperSettings { Seed = 23, VolatilityPct = 0.02m, FlowRate = 3m, InitialBalances = new Dictionary<string, decimal> { ["USDC"] = 10000m, ["SOL"] = 10m } };
        var config = CrossMarketHedge() with { MinProfitabilityPct = 0.02m, RefreshTolerancePct = 0.02m, InventoryRange = inventoryRange };
        await using var h = new EngineHarness("xemm", config, new RiskLimits { MaxPosition = 5m, PriceBandPct = 5m }, market: market, hedgeSymbol: "SOL_USDC_PERP");
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 2, "a quote a side");
        var furthest = 0m;
        for (var t = TimeSpan.Zero; t < TimeSpan.FromMinutes(2); t += TimeSpan.FromMilliseconds(200))
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(200));
            h.Exchange.Tick();
            await h.SettledAsync(poll: TimeSpan.FromMilliseconds(1)); // 600 steps: the default 10 ms poll took 8 s a run
            var position = h.Journal.Fills.Sum(f => f.Fill.Side == Side.Buy ? f.Fill.Quantity : -f.Fill.Quantity);
            furthest = Math.Max(furthest, Math.Abs(position));
        }
        var result = await h.StopAsync();
        Assert.Equal(0, result.OwnOrdersLeftOnVenue);
        return (furthest, h.Journal.Fills.Count(f => f.Fill.Side == Side.Buy), h.Journal.Fills.Count(f => f.Fill.Side == Side.Sell));
    }

    [Fact]
    public async Task MakerTakerHedge_AcrossMarkets_AnInventoryRange_KeepsTheSpotPositionWithinIt_WhereItDriftedToTheRiskLimit()
    {
        // Without a range the spot position walks off with the fills: here it reached 4.7 of the risk limit's 5, and the
        // live paper-xemm template sat at its limit within 90 s, quoting one side only from there.
        var free = await XemmOnASyntheticMarketAsync(inventoryRange: null);
        var ranged = await XemmOnASyntheticMarketAsync(inventoryRange: 1.5m);

        Assert.True(free.Furthest > 1.5m, $"without a range the position went {free.Furthest} at the furthest ({free.Buys} buys, {free.Sells} sells)");
        Assert.True(ranged.Furthest <= 1.5m, $"with a range of 1.5 it went {ranged.Furthest}");
        Assert.True(ranged.Buys >= 10 && ranged.Sells >= 10, $"and it kept trading both sides: {ranged.Buys} buys, {ranged.Sells} sells");
    }

    [Fact]
    public async Task MakerTakerHedge_ATolerance_LetsAQuoteLagBehindItsPrice_NeverRestPastProfitability()
    {
        await using var h = new EngineHarness("xemm", CrossMarketHedge() with { RefreshTolerancePct = 0.05m }, market: EngineHarness.QuietMarket(),
            hedgeSymbol: "SOL_USDC_PERP");
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 2, "a quote a side");
        decimal OurBid() => h.OpenOrders().Single(o => o.Side == Side.Buy).Price!.Value;
        Assert.Equal(149.82m, OurBid()); // the perp's bid 149.97 less 0.1 %

        // The perp's bid falls 0.03 (0.02 %, inside the tolerance): a bid of 149.82 would now lose on its hedge. Replaced.
        h.Exchange.SetMid("SOL_USDC_PERP", 149.97m);
        await h.RunPathAsync(TimeSpan.FromSeconds(0.4));
        Assert.Equal(149.79m, OurBid()); // 149.94 / 1.001
        // Back up: the bid may rise to 149.82 again, and 149.79 is within the tolerance of it. Kept, queue place and all.
        var bid = h.OpenOrders().Single(o => o.Side == Side.Buy).ClientOrderId;
        h.Exchange.SetMid("SOL_USDC_PERP", 150m);
        await h.RunPathAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(bid, h.OpenOrders().Single(o => o.Side == Side.Buy).ClientOrderId);
    }

    [Fact]
    public async Task MakerTakerHedge_QuotesThatUsedTheOrderRate_DoNotHoldBackTheHedgeOfAFill()
    {
        // Three orders a second: the two quotes, then (fake time standing still) the re-quote of the lifted ask would take
        // the third and the hedge would wait a second, its attempt spent. A quarter of the rate is kept for protective orders.
        await using var h = new EngineHarness("xemm", CrossMarketHedge(), risk: new RiskLimits { MaxOrdersPerSecond = 3 }, market: EngineHarness.QuietMarket(),
            hedgeSymbol: "SOL_USDC_PERP");
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 2, "a quote a side");
        var ask = h.OpenOrders().Single(o => o.Side == Side.Sell);
        h.Exchange.Place("taker", new PlaceOrderRequest("SOL_USDC", "t1", Side.Buy, OrderType.Limit, TimeInForce.Ioc, ask.Price,
            h.Exchange.Levels("SOL_USDC", Side.Sell, 50).Where(l => l.Price <= ask.Price).Sum(l => l.Quantity)));

        await Until.TrueAsync(() => h.HedgeJournal!.Fills.Count == 1, "the hedge filled, in the same second");
        var hedge = Assert.Single(h.HedgeJournal!.Fills);
        Assert.Equal((OrderPurpose.Hedge, Side.Buy, 0.5m), (hedge.Purpose, hedge.Fill.Side, hedge.Fill.Quantity));
        Assert.Single(h.OpenOrders()); // the ask's re-quote waits for the window
        var result = await h.StopAsync();
        Assert.Equal((0m, 1L, 0L), (result.FinalStats.StrategyFigures!.Hedge!.Residual, result.FinalStats.StrategyFigures.Hedge.Hedges,
            result.FinalStats.StrategyFigures.Hedge.HedgeFailures));
    }

    [Fact]
    public async Task MakerTakerHedge_AFillThatLandsAsTheKillSwitchPullsTheQuotes_IsStillHedged()
    {
        Action? beforeAskCancel = null;
        Func<bool> tripped = () => false;
        // No profit margin: a round trip earns the spread it crossed back (nothing) and pays both fees.
        await using var h = new EngineHarness("xemm", CrossMarketHedge() with { MinProfitabilityPct = 0m }, risk: new RiskLimits { MaxDrawdown = 0.001m },
            market: EngineHarness.QuietMarket(),
            hedgeSymbol: "SOL_USDC_PERP", wrap: c => new ScriptedConnector(c)
            {
                OnCancel = (request, next) =>
                {
                    // The kill switch's cancels only, not a re-pricing's before it.
                    if (request.Symbol == "SOL_USDC" && tripped()) Interlocked.Exchange(ref beforeAskCancel, null)?.Invoke();
                    return next(request);
                },
            });
        tripped = () => h.Engine.LatestStats?.KillSwitchTripped == true;
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 2, "a quote a side");
        await h.RunPathAsync(TimeSpan.FromSeconds(1.2)); // a housekeeping tick: the kill switch has seen the session's peak (nothing traded: 0)

        // A round trip (our bid hit, its hedge sold on the perp) costs the fees: the drawdown from 0 trips the kill switch,
        // and as its cancels go out a buyer lifts our ask.
        h.SweepDownToOurBestBid();
        await Until.TrueAsync(() => h.HedgeJournal!.Fills.Count == 1, "the first fill hedged");
        beforeAskCancel = () =>
        {
            var ask = h.OpenOrders().Single(o => o.Side == Side.Sell);
            h.Exchange.Place("taker", new PlaceOrderRequest("SOL_USDC", "t2", Side.Buy, OrderType.Limit, TimeInForce.Ioc, ask.Price,
                h.Exchange.Levels("SOL_USDC", Side.Sell, 50).Where(l => l.Price <= ask.Price).Sum(l => l.Quantity)));
        };
        await h.StatsAsync(s => s.KillSwitchTripped, "the kill switch trips");
        await Until.TrueAsync(() => h.Journal.Fills.Count == 2, "the ask lifted as its cancel went out");

        // The second fill came after the trip: no new exposure may go out, but its hedge is not new exposure.
        await Until.TrueAsync(() => h.HedgeJournal!.Fills.Count == 2, "the fill after the trip hedged");
        Assert.Equal((OrderPurpose.Hedge, Side.Buy, 0.5m), (h.HedgeJournal!.Fills[1].Purpose, h.HedgeJournal.Fills[1].Fill.Side, h.HedgeJournal.Fills[1].Fill.Quantity));
        await h.RunPathAsync(TimeSpan.FromSeconds(1));
        Assert.Empty(h.OpenOrders()); // and no quote after the trip
        var result = await h.StopAsync();
        Assert.Equal(0m, result.FinalStats.StrategyFigures!.Hedge!.Residual);
    }

    [Fact]
    public async Task MakerTakerHedge_AFillThatArrivesWhileTheStopCancelsTheQuotes_IsHedgedBeforeTheRunEnds()
    {
        ScriptedConnector? scripted = null;
        await using var h = new EngineHarness("xemm", CrossMarketHedge(), market: EngineHarness.QuietMarket(), hedgeSymbol: "SOL_USDC_PERP",
            wrap: c => scripted = new ScriptedConnector(c));
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 2, "a quote a side");
        var ask = h.OpenOrders().Single(o => o.Side == Side.Sell);
        // The stop's cancel-all is about to go out when a buyer lifts our ask: the loop that hedges fills has ended.
        // (It sweeps the crowd's asks below ours too: our ask keeps its distance from the perp's touch.)
        scripted!.BeforeCancelAll = () => h.Exchange.Place("taker", new PlaceOrderRequest("SOL_USDC", "t1", Side.Buy, OrderType.Limit, TimeInForce.Ioc, ask.Price,
            h.Exchange.Levels("SOL_USDC", Side.Sell, 50).Where(l => l.Price <= ask.Price).Sum(l => l.Quantity)));
        var result = await h.StopAsync();

        Assert.Equal(OrderPurpose.Quote, Assert.Single(h.Journal.Fills).Purpose);
        var hedge = Assert.Single(h.HedgeJournal!.Fills);
        Assert.Equal((OrderPurpose.Hedge, Side.Buy, 0.5m), (hedge.Purpose, hedge.Fill.Side, hedge.Fill.Quantity));
        Assert.Equal(0m, result.FinalStats.StrategyFigures!.Hedge!.Residual);
        Assert.Equal(0, result.OwnOrdersLeftOnVenue);
    }

    [Fact]
    public async Task MakerTakerHedge_AFillBeingJournaledAsTheStopComes_IsJournaled_AndHedgedOnce()
    {
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = new EngineHarness("xemm", CrossMarketHedge(), market: EngineHarness.QuietMarket(), hedgeSymbol: "SOL_USDC_PERP");
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 2, "a quote a side");
        var ask = h.OpenOrders().Single(o => o.Side == Side.Sell);
        // The maker fill's write waits (the journal's writer is busy) until the stop has been asked for.
        h.Journal.BeforeFillWrite = async _ =>
        {
            writing.TrySetResult();
            await held.Task;
        };
        h.Exchange.Place("taker", new PlaceOrderRequest("SOL_USDC", "t1", Side.Buy, OrderType.Limit, TimeInForce.Ioc, ask.Price,
            h.Exchange.Levels("SOL_USDC", Side.Sell, 50).Where(l => l.Price <= ask.Price).Sum(l => l.Quantity)));
        await writing.Task.DefaultTimeout();
        var stopping = h.StopAsync();
        await Until.TrueAsync(() => h.StopRequested, "the stop is asked for");
        held.TrySetResult();
        var result = await stopping;

        // Journaled, and hedged exactly once: not lost to the stop, and not left as a hedge that never went out.
        Assert.Equal(OrderPurpose.Quote, Assert.Single(h.Journal.Fills).Purpose);
        var hedge = Assert.Single(h.HedgeJournal!.Fills);
        Assert.Equal((OrderPurpose.Hedge, Side.Buy, 0.5m), (hedge.Purpose, hedge.Fill.Side, hedge.Fill.Quantity));
        Assert.Equal(0m, result.FinalStats.StrategyFigures!.Hedge!.Residual);
        Assert.Equal(0, result.OwnOrdersLeftOnVenue);
    }

    [Fact]
    public async Task MakerTakerHedge_AcrossMarkets_ARestartReadsEachMarketsOwnJournal_AndHedgesNothingTwice()
    {
        PaperExchange exchange;
        InMemoryTradingJournal journal, hedgeJournal;
        await using (var first = new EngineHarness("xemm", CrossMarketHedge(), market: SpotJumpsPerpStays(), hedgeSymbol: "SOL_USDC_PERP"))
        {
            _ = first.Start();
            await Until.TrueAsync(() => first.OpenOrders().Count == 2, "a quote a side");
            await first.RunPathAsync(TimeSpan.FromSeconds(4));
            await first.StopAsync();
            (exchange, journal, hedgeJournal) = (first.Exchange, first.Journal, first.HedgeJournal!);
        }
        Assert.Single(hedgeJournal.Fills);

        await using var second = new EngineHarness("xemm", CrossMarketHedge(), journal: journal, exchange: exchange, hedgeSymbol: "SOL_USDC_PERP", hedgeJournal: hedgeJournal);
        _ = second.Start();
        await Until.TrueAsync(() => second.OpenOrders().Count == 2, "quoting again");
        await second.StatsAsync(s => s.StrategyFigures?.Hedge?.Market is not null, "stats of both markets");
        var stats = second.Engine.LatestStats!;
        Assert.Equal((-0.5m, 0.5m, 0m), (stats.Cumulative.Position, stats.StrategyFigures!.Hedge!.Market!.Cumulative.Position, stats.StrategyFigures.Hedge.Residual));
        Assert.Empty(second.Engine.HedgeTracker!.Live); // exposure flat: no second hedge
        await second.StopAsync();
        Assert.Single(hedgeJournal.Fills);
    }

    [Fact]
    public async Task MakerTakerHedge_AcrossMarkets_AHedgeFilledBeforeAKill_IsRecoveredAsAHedge_NotAQuote()
    {
        // Killed after journaling a hedge as Filled (from the venue's answer to the IOC), before its fill was written. The
        // restart reads the hedge market's fills from the venue; the hedge is no longer among the journal's open orders.
        var hedgeJournal = new InMemoryTradingJournal();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var exchange = new PaperExchange(EngineHarness.QuietMarket(), time);
        var hedge = new TrackedOrder
        {
            ClientOrderId = "xemm_old1", Symbol = "SOL_USDC_PERP", Side = Side.Buy, Type = OrderType.Limit, TimeInForce = TimeInForce.Ioc,
            Price = PaperMarkets.Find("SOL_USDC_PERP")!.RoundPrice(exchange.Mid("SOL_USDC_PERP")!.Value * 1.01m), Quantity = 0.5m, Purpose = OrderPurpose.Hedge, Level = -1, CreatedAt = time.GetUtcNow().AddMinutes(-1),
        };
        hedge.Restore(OrderStatus.Filled, "v1", 0.5m, hedge.CreatedAt, null);
        await hedgeJournal.SaveOrdersAsync([hedge], CancellationToken.None);
        Assert.Equal(VenueOrderStatus.Filled, exchange.Place("xemm", hedge.ToRequest()).Order!.Status);

        await using var h = new EngineHarness("xemm", CrossMarketHedge(), exchange: exchange, hedgeSymbol: "SOL_USDC_PERP", hedgeJournal: hedgeJournal);
        _ = h.Start();
        await Until.TrueAsync(() => hedgeJournal.Fills.Any(f => f.Fill.ClientOrderId == "xemm_old1"), "the hedge's fill recovered from the venue");
        await h.StopAsync();
        Assert.Equal(OrderPurpose.Hedge, hedgeJournal.Fills.Single(f => f.Fill.ClientOrderId == "xemm_old1").Purpose);
    }

    [Fact]
    public async Task SpotGrid_RestartedWorker_KeepsItsRestingSell_AndDoesNotBuyTheLevelAgain()
    {
        // A killed run left this behind: the journal and the venue both hold the grid's sell of a unit bought at 150.
        var journal = new InMemoryTradingJournal();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var exchange = new PaperExchange(EngineHarness.QuietMarket() with { StartPrices = new Dictionary<string, decimal> { [EngineHarness.Symbol] = 152m } }, time);
        var sell = new TrackedOrder
        {
            ClientOrderId = "grid_old1", Symbol = EngineHarness.Symbol, Side = Side.Sell, Type = OrderType.Limit, TimeInForce = TimeInForce.Gtc,
            Price = 155m, Quantity = 0.99m, PostOnly = true, Level = 3, CreatedAt = time.GetUtcNow().AddMinutes(-5),
        };
        sell.Restore(OrderStatus.Submitted, null, 0, sell.CreatedAt, null);
        await journal.SaveOrdersAsync([sell], CancellationToken.None);
        Assert.Equal(CommandOutcome.Accepted, exchange.Place("grid", sell.ToRequest()).Outcome);

        var config = new SpotGridConfig { Lower = 140m, Upper = 160m, Levels = 5, OrderQuantity = 1m };
        await using var h = new EngineHarness("grid", config, new RiskLimits { PriceBandPct = 50m }, journal, exchange);
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 4, "the grid rests");
        var orders = h.OpenOrders();
        Assert.Contains(orders, o => o.ClientOrderId == "grid_old1"); // adopted, kept in its place
        Assert.DoesNotContain(orders, o => o.Side == Side.Buy && o.Price == 150m);
        Assert.Equal([140m, 145m, 155m, 160m], orders.Select(o => o.Price!.Value).Order());
    }

    [Fact]
    public async Task MakerTakerHedge_AHedgeFillTheStreamLost_IsFetched_NeverHedgedTwice()
    {
        const string perp = "SOL_USDC_PERP";
        var config = HedgeAtTheTouch(0.5m);
        // The account stream loses every buy fill: the hedge's. Its order reports filled; its fill is only in the history.
        await using var h = new EngineHarness("hedge", config, symbol: perp, market: Path(perp, (0, 150m), (2, 150m), (2.2, 150.6m), (10, 150.6m)),
            wrap: c => new ScriptedConnector(c) { DropFill = f => f.Side == Side.Buy });
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 2, "a quote a side at the touch");
        await h.RunPathAsync(TimeSpan.FromSeconds(10));
        var result = await h.StopAsync();

        Assert.Single(h.Journal.Orders.Values, o => o.Template.Purpose == OrderPurpose.Hedge);
        Assert.Single(h.Journal.Fills, f => f.Purpose == OrderPurpose.Hedge);
        Assert.Equal(0m, result.FinalStats.Cumulative.Position);
    }

    [Fact]
    public async Task SpotGrid_AutoRange_RestartsWhereItWas_WithItsProfitCarriedOn()
    {
        // The last run built its auto range at 140-160 (the mid was 150) and had booked 9.9; the price is 152 now.
        var journal = new InMemoryTradingJournal();
        var t0 = DateTimeOffset.Parse("2026-11-23T11:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        await journal.SaveStatsAsync(new Stats.StatsSnapshot
        {
            Instance = "grid", Venue = "paper", Symbol = EngineHarness.Symbol, BaseAsset = "SOL", QuoteAsset = "USDC", Time = t0, SessionStart = t0,
            Session = new Stats.StatsFigures(), Cumulative = new Stats.StatsFigures(), Strategy = "spot_grid",
            StrategyFigures = new Stats.StrategyFigures { Grid = new Stats.GridFigures("arithmetic", "spot", 140m, 160m, 5, 2, 2, 2, 9.9m, 2, 2, 0, 0) },
        }, replaceLatest: false, CancellationToken.None);
        var market = EngineHarness.QuietMarket() with { StartPrices = new Dictionary<string, decimal> { [EngineHarness.Symbol] = 152m } };
        var config = new SpotGridConfig { AutoRange = true, PriceRangePct = 5m, Levels = 5, OrderQuantity = 1m };
        await using var h = new EngineHarness("grid", config, new RiskLimits { PriceBandPct = 50m }, journal, market: market);
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 4, "the grid rests");
        Assert.Equal([140m, 145m, 150m, 160m], h.OpenOrders().Select(o => o.Price!.Value).Order()); // not 144.4-159.6 around 152
        await h.StatsAsync(s => s.StrategyFigures?.Grid is { RoundTrips: 2 } g && g.Profit == 9.9m, "the profit carries on");
    }
}
