using Mmd.Exchanges.Paper;
using Mmd.TestKit;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;
using Mmd.Trading.Stats;
using Mmd.Trading.Strategies.Hedge;
using Mmd.Trading.Strategies.PerpMarketMaking;

namespace Mmd.Trading.Tests;

public class FundingTests
{
    private const string Perp = "SOL_USDC_PERP";

    [Fact]
    public void PositionAt_IsThePositionTheFillsHadBuiltThen_EvenWhenAFillArrivesLate()
    {
        var stats = new TradingStatistics("SOL", "USDC");
        var t0 = DateTimeOffset.Parse("2026-11-24T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        VenueFill Fill(Side side, decimal qty, int minute) => new($"t{minute}", "v", "mm_1", Perp, side, 150m, qty, 0m, "USDC", true, t0.AddMinutes(minute));
        stats.Apply(Fill(Side.Buy, 2m, 10), false);
        stats.Apply(Fill(Side.Sell, 0.5m, 30), false);
        stats.Apply(Fill(Side.Buy, 1m, 20), false); // late: it happened before the sell
        Assert.Equal((0m, 2m, 3m, 2.5m), (stats.PositionAt(t0), stats.PositionAt(t0.AddMinutes(15)), stats.PositionAt(t0.AddMinutes(25)), stats.PositionAt(t0.AddHours(1))));
        stats.ApplyFunding(-0.75m);
        Assert.Equal(-0.75m, stats.Snapshot(150m).FundingPnl);
        Assert.Equal(stats.Snapshot(150m).RealizedPnl + stats.Snapshot(150m).UnrealizedPnl - stats.Snapshot(150m).FeesInQuote - 0.75m, stats.Snapshot(150m).NetPnl);
    }

    [Fact]
    public void WithoutPositionHistory_TheFiguresAreTheSame_AndNoPositionPerFillIsKept()
    {
        // A spot market pays no funding: its start replays every journaled fill, and one position a fill was kept for nothing.
        var t0 = DateTimeOffset.Parse("2026-11-24T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var with = new TradingStatistics("SOL", "USDC");
        var without = new TradingStatistics("SOL", "USDC", keepPositionHistory: false);
        for (var i = 0; i < 10; i++)
        {
            var fill = new VenueFill($"t{i}", "v", "mm_1", "SOL_USDC", i % 3 == 0 ? Side.Sell : Side.Buy, 150m + i, 0.5m, 0.01m, "USDC", i % 2 == 0, t0.AddMinutes(i));
            with.Apply(fill, false);
            without.Apply(fill, false);
        }
        Assert.Equal(with.Snapshot(155m) with { FeesByAsset = null! }, without.Snapshot(155m) with { FeesByAsset = null! });
        Assert.Equal(with.Snapshot(155m).FeesByAsset, without.Snapshot(155m).FeesByAsset);
        Assert.Equal(with.Position, without.Position);
        Assert.Equal((t0, (DateTimeOffset?)null), (with.FirstFillTime!.Value, without.FirstFillTime));
    }

    [Fact]
    public void PositionNearest_PicksOfThePositionsHeldInAnIntervalTheOneNearestTheVenues()
    {
        var stats = new TradingStatistics("SOL", "USDC");
        var t0 = DateTimeOffset.Parse("2026-11-24T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        VenueFill Fill(string id, Side side, decimal qty, int ms) => new(id, "v", "mm_1", Perp, side, 150m, qty, 0m, "USDC", true, t0.AddMilliseconds(ms));
        stats.Apply(Fill("a", Side.Buy, 2m, 0), false);
        stats.Apply(Fill("b", Side.Buy, 1m, 1_400), false); // within the second [1 s, 2 s)
        stats.Apply(Fill("c", Side.Buy, 1m, 1_700), false);
        stats.Apply(Fill("d", Side.Buy, 5m, 2_000), false); // the next second
        var second = t0.AddSeconds(1);
        // A settlement stamped 1 s on a position of 3 was paid between the second's two fills; one on 2, before them.
        Assert.Equal(3m, stats.PositionNearest(3m, second, second.AddSeconds(1)));
        Assert.Equal(2m, stats.PositionNearest(2m, second, second.AddSeconds(1)));
        Assert.Equal(4m, stats.PositionNearest(9m, second, second.AddSeconds(1))); // never one from outside the second
        Assert.Equal(2m, stats.PositionAt(second)); // what the second's start alone says
    }

    [Fact]
    public async Task APerpInstance_CountsTheFundingItsOwnPositionPaid_InItsStats()
    {
        var market = SettlingEvery(TimeSpan.FromSeconds(30));
        await using var h = new EngineHarness("perp", HalfLotPerp, symbol: Perp, market: market);
        _ = h.Start();
        await GoLongHalfAsync(h);

        h.Time.Advance(TimeSpan.FromSeconds(30));
        h.Exchange.Tick(); // the settlement: 0.5 long pays 0.1 % of its notional
        var payment = Assert.Single(h.Exchange.Funding("perp", Perp, DateTimeOffset.MinValue));
        h.Time.Advance(TimeSpan.FromSeconds(61)); // the engine asks for funding once a minute
        await h.StatsAsync(s => s.Cumulative.FundingPnl != 0, "the stats count the funding");
        var stats = h.Engine.LatestStats!;
        Assert.Equal(-0.5m * payment.MarkPrice * 0.001m, payment.Amount);
        Assert.Equal(stats.Cumulative.FundingPnl, stats.Session.FundingPnl);
        // The account is the instance's alone: its share is all of it.
        AssertCountsTheFirstPayments(h.Exchange.Funding("perp", Perp, DateTimeOffset.MinValue), stats.Cumulative.FundingPnl);
    }

    [Fact]
    public async Task ARestartFromACheckpoint_KeepsTheFundingCounted_AsksFromTheLastSettlement_AndCountsTheNextAtThePositionThen()
    {
        var market = SettlingEvery(TimeSpan.FromSeconds(30));
        var journal = new InMemoryTradingJournal();
        await using var first = new EngineHarness("perp", HalfLotPerp, symbol: Perp, market: market, journal: journal);
        _ = first.Start();
        await GoLongHalfAsync(first);
        first.Time.Advance(TimeSpan.FromSeconds(30));
        first.Exchange.Tick(); // the first settlement
        await first.WaitAsync(() => journal.Checkpoint?.Figures.FundingSeen.Count > 0, "a checkpoint with a settlement counted", TimeSpan.FromSeconds(1));
        await first.StopAsync(); // the position stays: a stop without flatten
        var counted = journal.Checkpoint!.Figures;
        Assert.True(counted.FundingSince > journal.Fills.Single().Fill.Timestamp);

        // The venue settles again while no worker runs; the restart starts from the checkpoint (not the one fill).
        first.Time.Advance(TimeSpan.FromSeconds(30));
        first.Exchange.Tick();
        var paid = first.Exchange.Funding("perp", Perp, DateTimeOffset.MinValue);
        Assert.Contains(paid, p => p.Time > counted.FundingSince); // one the first run never saw
        ScriptedConnector? connector = null;
        await using var again = new EngineHarness("perp", HalfLotPerp, symbol: Perp, journal: journal, exchange: first.Exchange, wrap: c => connector = new ScriptedConnector(c));
        _ = again.Start();
        await again.StatsAsync(s => s.Cumulative.FundingPnl == paid.Sum(p => p.Amount), "every settlement counted once");
        var result = await again.StopAsync();
        Assert.Equal((0, 1L), (result.Startup!.JournalFills, result.Startup.CheckpointFills));
        // Each at the 0.5 the instance held: the later ones from the position history the checkpoint began.
        Assert.All(paid, p => Assert.Equal(-0.5m * p.MarkPrice * 0.001m, p.Amount));
        Assert.Equal(paid.Sum(p => p.Amount), result.FinalStats.Cumulative.FundingPnl);
        Assert.Equal(counted.FundingSince, connector!.FundingAskedSince[0]); // from the last settlement counted, not the first fill
    }

    [Fact]
    public async Task AStop_CountsTheSettlementsSinceTheLastPoll_InTheFinalFiguresAndTheCheckpoint()
    {
        var market = SettlingEvery(TimeSpan.FromSeconds(30));
        await using var h = new EngineHarness("perp", HalfLotPerp, symbol: Perp, market: market);
        _ = h.Start();
        await GoLongHalfAsync(h);

        h.Time.Advance(TimeSpan.FromSeconds(30));
        h.Exchange.Tick(); // a settlement, seconds before the stop: the engine's next poll would be a minute after its start
        var payment = Assert.Single(h.Exchange.Funding("perp", Perp, DateTimeOffset.MinValue));
        var result = await h.StopAsync();
        Assert.Equal(payment.Amount, result.FinalStats.Cumulative.FundingPnl);
        Assert.Equal(payment.Amount, result.FinalStats.Session.FundingPnl);
        Assert.Equal(payment.Time, h.Journal.Checkpoint!.Figures.FundingSince);
    }

    [Fact]
    public async Task APerpWithNoSettlementListed_AsksFromADayAgoAtMost_AndStillCountsTheNextSettlementAtItsPosition()
    {
        var market = SettlingEvery(TimeSpan.FromHours(30));
        ScriptedConnector? connector = null;
        await using var h = new EngineHarness("perp", HalfLotPerp, symbol: Perp, market: market, wrap: c => connector = new ScriptedConnector(c));
        _ = h.Start();
        await GoLongHalfAsync(h);
        var filledAt = h.Journal.Fills.Single().Fill.Timestamp;

        // 25 hours and no settlement (the venue settles at 30 h): the polls no longer reach back to the fill.
        h.Time.Advance(TimeSpan.FromHours(25));
        await h.WaitAsync(() => Asked().Count >= 2 && Asked()[^1] > filledAt, "a poll after the jump", TimeSpan.FromSeconds(30));
        var since = Asked()[^1];
        Assert.InRange(since, h.Time.GetUtcNow() - TimeSpan.FromDays(1) - TimeSpan.FromMinutes(2), h.Time.GetUtcNow() - TimeSpan.FromDays(1));
        await h.WaitAsync(() => h.Journal.Checkpoint?.Figures.FundingSince > filledAt, "a checkpoint that asks from a day ago", TimeSpan.FromSeconds(1));

        // The settlement at 30 h is counted, at the 0.5 the instance held then.
        h.Time.Advance(TimeSpan.FromHours(5));
        h.Exchange.Tick();
        var payment = Assert.Single(h.Exchange.Funding("perp", Perp, DateTimeOffset.MinValue));
        h.Time.Advance(TimeSpan.FromSeconds(61)); // the engine asks for funding once a minute
        await h.StatsAsync(s => s.Cumulative.FundingPnl == payment.Amount, "the settlement counted");
        Assert.Equal(-0.5m * payment.MarkPrice * 0.001m, payment.Amount);

        IReadOnlyList<DateTimeOffset> Asked()
        {
            lock (connector!.FundingAskedSince) return connector.FundingAskedSince.ToList();
        }
    }

    /// <summary>A one-level perpetual market maker quoting 0.5 a side, far from its position limits.</summary>
    private static PerpMarketMakerConfig HalfLotPerp => new() { SpreadPct = 0.2m, OrderQuantity = 0.5m, Levels = 1, MaxPosition = 5m, PositionThreshold = 5m };

    /// <summary>A quiet market whose venue settles 0.1 % funding every <paramref name="interval"/>.</summary>
    private static PaperSettings SettlingEvery(TimeSpan interval) => EngineHarness.QuietMarket() with { FundingRatePct = 0.1m, FundingInterval = interval };

    /// <summary>Waits for the quotes, then another account sells into our bid: the instance is long 0.5, its one fill.</summary>
    private static async Task GoLongHalfAsync(EngineHarness h)
    {
        await Until.TrueAsync(() => h.OpenOrders().Count == 2, "a quote a side");
        var bid = h.OpenOrders().Single(o => o.Side == Side.Buy).Price!.Value;
        var sweep = h.Exchange.Levels(Perp, Side.Buy, 50).Where(l => l.Price >= bid).Sum(l => l.Quantity);
        h.Exchange.Place("taker", new PlaceOrderRequest(Perp, "x1", Side.Sell, OrderType.Limit, TimeInForce.Ioc, bid, sweep));
        await Until.TrueAsync(() => h.Journal.Fills.Count == 1, "our bid is filled: long 0.5");
    }

    /// <summary>
    /// The stats counted the venue's first payments, at least one. The venue goes on settling every 30 s of its clock
    /// while the test moves it to the engine's next poll (a placement settles what is due too), and a settlement after
    /// the engine's last poll is not counted yet: how many are in depends on when the engine ran, not on what is right.
    /// </summary>
    private static void AssertCountsTheFirstPayments(IReadOnlyList<FundingPayment> paid, decimal counted)
    {
        Assert.Contains(counted, Enumerable.Range(1, paid.Count).Select(n => paid.Take(n).Sum(p => p.Amount)));
    }

    [Fact]
    public async Task ACrossMarketHedge_CountsTheFundingItsHedgeMarketsPositionPaid_OnThatMarket()
    {
        var config = new MakerTakerHedgeConfig { OrderQuantity = 0.5m, MaxSlippagePct = 0.5m, MinProfitabilityPct = 0.1m, RefreshTolerancePct = 0m };
        var market = SettlingEvery(TimeSpan.FromSeconds(30));
        await using var h = new EngineHarness("xemm", config, market: market, hedgeSymbol: Perp);
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 2, "a quote a side on the spot");
        var ask = h.OpenOrders().Single(o => o.Side == Side.Sell).Price!.Value;
        var sweep = h.Exchange.Levels("SOL_USDC", Side.Sell, 50).Where(l => l.Price <= ask).Sum(l => l.Quantity);
        h.Exchange.Place("taker", new PlaceOrderRequest("SOL_USDC", "x1", Side.Buy, OrderType.Limit, TimeInForce.Ioc, ask, sweep));
        await Until.TrueAsync(() => h.HedgeJournal!.Fills.Count == 1, "our ask is lifted and hedged: long 0.5 on the perp");

        h.Time.Advance(TimeSpan.FromSeconds(30));
        h.Exchange.Tick(); // the settlement: the perp's 0.5 long pays 0.1 % of its notional
        var payment = Assert.Single(h.Exchange.Funding("xemm", Perp, DateTimeOffset.MinValue));
        h.Time.Advance(TimeSpan.FromSeconds(61));
        await h.StatsAsync(s => s.StrategyFigures?.Hedge?.Market?.Cumulative.FundingPnl is not (null or 0m), "the hedge market's stats count the funding");
        var stats = h.Engine.LatestStats!;
        Assert.Equal(-0.5m * payment.MarkPrice * 0.001m, payment.Amount);
        AssertCountsTheFirstPayments(h.Exchange.Funding("xemm", Perp, DateTimeOffset.MinValue), stats.StrategyFigures!.Hedge!.Market!.Cumulative.FundingPnl);
        Assert.Equal(0m, stats.Cumulative.FundingPnl); // the spot pays none
    }
}
