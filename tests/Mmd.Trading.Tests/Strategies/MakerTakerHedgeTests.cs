using Mmd.Exchanges.Paper;
using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Strategies;
using Mmd.Trading.Strategies.Hedge;

namespace Mmd.Trading.Tests.Strategies;

public class MakerTakerHedgeTests
{
    private const string Perp = "SOL_USDC_PERP";
    private const string Spot = "SOL_USDC";

    private static MakerTakerHedgeConfig Config(decimal offset = 0m, int attempts = 3) =>
        new() { OrderQuantity = 0.5m, QuoteOffsetPct = offset, MaxSlippagePct = 0.5m, MaxHedgeAttempts = attempts };

    [Fact]
    public void QuotesOneLevelAtTheTouch()
    {
        var decision = new MakerTakerHedge(Config()).Decide(Views.At(Perp, 149.98m, 150.02m));
        Assert.Equal([(Side.Buy, 149.98m, 0.5m), (Side.Sell, 150.02m, 0.5m)], decision.Quotes.Select(q => (q.Side, q.Price, q.Quantity)));
        Assert.Empty(decision.Immediate);
    }

    [Fact]
    public void Bug19_SpreadHasAMeaning_TheOffsetMovesTheQuotesOutOrIn_NeverAcross()
    {
        var outside = new MakerTakerHedge(Config(offset: 0.1m)).Decide(Views.At(Perp, 150m, 150.02m)).Quotes;
        Assert.Equal([149.85m, 150.18m], outside.Select(q => q.Price)); // 150 x 0.999 = 149.85; 150.02 x 1.001 = 150.17002 -> up
        var inside = new MakerTakerHedge(Config(offset: -0.1m)).Decide(Views.At(Perp, 150m, 150.02m)).Quotes;
        Assert.True(inside[0].Price < inside[1].Price);
    }

    [Fact]
    public void Bug12_AMakerFill_IsHedgedAtOnce_WithAPriceProtectedIoc_NotABareMarketOrder_ReduceOnlyOnPerps()
    {
        var hedge = Assert.Single(new MakerTakerHedge(Config()).Decide(Views.At(Perp, 150m, 150.02m, position: 0.5m)).Immediate);
        Assert.Equal((Side.Sell, OrderType.Limit, TimeInForce.Ioc, 0.5m, OrderPurpose.Hedge, true),
            (hedge.Side, hedge.Type, hedge.TimeInForce, hedge.Quantity, hedge.Purpose, hedge.ReduceOnly));
        Assert.Equal(149.25m, hedge.Price); // at most 0.5 % through the bid
        var buyBack = Assert.Single(new MakerTakerHedge(Config()).Decide(Views.At(Spot, 150m, 150.02m, position: -0.3m)).Immediate);
        Assert.Equal((Side.Buy, 0.3m, false, 150.77m), (buyBack.Side, buyBack.Quantity, buyBack.ReduceOnly, buyBack.Price)); // 150.02 x 1.005 = 150.7701, rounded down
    }

    [Fact]
    public void AResidualBelowTheMinimum_IsCarried_NotTraded()
    {
        var hedge = new MakerTakerHedge(Config());
        var decision = hedge.Decide(Views.At(Perp, 150m, 150.02m, position: 0.005m));
        Assert.Empty(decision.Immediate);
        Assert.Equal(0.005m, hedge.Figures(Views.At(Perp, 150m, 150.02m, position: 0.005m)).Hedge!.Residual);
    }

    [Fact]
    public void AHedgeInFlight_IsNotDoubled_AndFailedHedges_HoldQuotingUntilOneSucceeds()
    {
        var hedge = new MakerTakerHedge(Config(attempts: 2));
        Assert.Single(hedge.Decide(Views.At(Perp, 150m, 150.02m, position: 0.5m)).Immediate);                          // attempt 1
        Assert.Empty(hedge.Decide(Views.At(Perp, 150m, 150.02m, position: 0.5m, immediatePending: true)).Immediate);  // working
        Assert.Single(hedge.Decide(Views.At(Perp, 150m, 150.02m, position: 0.5m)).Immediate);                          // attempt 2
        var held = hedge.Decide(Views.At(Perp, 150m, 150.02m, position: 0.5m));                                        // both left it
        Assert.Empty(held.Quotes);
        Assert.Single(held.Immediate); // hedging goes on
        Assert.True(hedge.Figures(Views.At(Perp, 150m, 150.02m, position: 0.5m)).Hedge!.QuotingHeld);
        // Hedged at last: quoting resumes.
        Assert.Equal(2, hedge.Decide(Views.At(Perp, 150m, 150.02m)).Quotes.Count);
    }

    [Fact]
    public void AHedgeTheEngineWithdrewUnsent_IsNeitherAHedgeNorAFailure()
    {
        // Each hedge waits for our own quote in its way, and a fill of that quote moves the position meanwhile: the engine
        // drops the hedge unsent and the strategy decides again. Those hedges never reached the venue.
        var hedge = new MakerTakerHedge(Config(attempts: 2));
        Assert.Single(hedge.Decide(Views.At(Perp, 150m, 150.02m, position: 0.5m)).Immediate);
        for (var withdrawn = 1; withdrawn <= 3; withdrawn++)
        {
            Assert.Empty(hedge.Decide(Views.At(Perp, 150m, 150.02m, position: 0.4m + withdrawn / 10m, immediatePending: true)).Immediate); // held
            var next = Views.At(Perp, 150m, 150.02m, position: 0.5m + withdrawn / 10m);
            next.ImmediateWithdrawn = withdrawn;
            var again = hedge.Decide(next);
            Assert.Equal(2, again.Quotes.Count); // not a failed attempt: quoting goes on
            Assert.Equal(0.5m + withdrawn / 10m, Assert.Single(again.Immediate).Quantity);
        }
        var figures = hedge.Figures(Views.At(Perp, 150m, 150.02m, position: 0.9m)).Hedge!;
        Assert.Equal((1L, 0L, false), (figures.Hedges, figures.HedgeFailures, figures.QuotingHeld)); // the last decision's hedge, sent
    }

    [Fact]
    public void AReduceOnlyHedgeTheVenueRefused_WaitsForTheFillThatExplainsIt_OrASecond()
    {
        // Both quotes filled at once: the buy's fill is here, the sell's (which flattened the position) is on its way.
        var refused = new StrategyRejection(Side.Sell, -1, OrderPurpose.Hedge, RejectCode.ReduceOnlyWouldIncrease, true, "reduce-only order would increase the position");
        var hedge = new MakerTakerHedge(Config());
        var seen = Views.At(Perp, 150m, 150.02m, position: 0.5m);
        Assert.Single(hedge.Decide(seen).Immediate);
        hedge.OnRejected(refused);
        Assert.Empty(hedge.Decide(seen).Immediate); // not again at once (it was sent again and again, refused each time)
        hedge.OnFill(new StrategyFill(Side.Sell, 150.02m, 0.5m, 0.01m, "USDC", true, OrderPurpose.Quote, 0, 150.02m, 0m));
        var flat = Views.At(Perp, 150m, 150.02m);
        Assert.Empty(hedge.Decide(flat).Immediate);
        Assert.Equal(2, hedge.Decide(flat).Quotes.Count);
        Assert.Equal((0L, false), (hedge.Figures(flat).Hedge!.HedgeFailures, hedge.Figures(flat).Hedge!.QuotingHeld));
        // Explained: the next fill's hedge is reduce-only again.
        Assert.True(Assert.Single(hedge.Decide(Views.At(Perp, 150m, 150.02m, position: -0.5m)).Immediate).ReduceOnly);
    }

    [Fact]
    public void AReduceOnlyHedgeRefusedWithNoFillToExplainIt_GoesAsAPlainIoc_ForAMinute()
    {
        // The account holds another instance's long: this instance's own short can never be bought back reduce-only.
        var refused = new StrategyRejection(Side.Buy, -1, OrderPurpose.Hedge, RejectCode.ReduceOnlyWouldIncrease, true, "reduce-only order would increase the position");
        var hedge = new MakerTakerHedge(Config());
        var seen = Views.At(Perp, 150m, 150.02m, position: -0.5m);
        Assert.True(Assert.Single(hedge.Decide(seen).Immediate).ReduceOnly);
        hedge.OnRejected(refused);
        Assert.Empty(hedge.Decide(seen).Immediate);
        Assert.Empty(hedge.Decide(At(seen.Now.AddSeconds(0.9), position: -0.5m)).Immediate); // a fill may still explain it
        Assert.Empty(hedge.Decide(At(seen.Now.AddSeconds(1), position: -0.5m)).Immediate);
        hedge.OnFillsConfirmed(); // the engine asked the venue: no fill of ours on its way
        var plain = Assert.Single(hedge.Decide(At(seen.Now.AddSeconds(1), position: -0.5m)).Immediate);
        Assert.Equal((Side.Buy, 0.5m, false), (plain.Side, plain.Quantity, plain.ReduceOnly));
        Assert.Contains("hedging with plain IOCs", hedge.Figures(seen).LastProtectiveAction, StringComparison.Ordinal);

        // It filled; the next fill's hedge within the minute goes plain too, and reduce-only is tried again after it.
        hedge.OnFill(new StrategyFill(Side.Buy, 150.02m, 0.5m, 0.01m, "USDC", false, OrderPurpose.Hedge, -1, 150.02m, 0m));
        Assert.Empty(hedge.Decide(At(seen.Now.AddSeconds(2), position: 0m)).Immediate);
        Assert.False(Assert.Single(hedge.Decide(At(seen.Now.AddSeconds(30), position: 0.5m)).Immediate).ReduceOnly);
        Assert.True(Assert.Single(hedge.Decide(At(seen.Now.AddSeconds(62), position: 0.5m)).Immediate).ReduceOnly);
    }

    [Fact]
    public void AHedgeRefusedForAnythingElse_WaitsASecond_DoublingWhileRefused_NotAtEveryDecision()
    {
        var hedge = new MakerTakerHedge(Config(attempts: 100));
        var t0 = Views.At(Perp, 150m, 150.02m, position: 0.5m).Now;
        StrategyRejection Refused(double seconds) => new(Side.Sell, -1, OrderPurpose.Hedge, RejectCode.InsufficientFunds, true, "margin", t0.AddSeconds(seconds));
        Assert.Single(hedge.Decide(At(t0, 0.5m)).Immediate);
        hedge.OnRejected(Refused(0));
        Assert.Empty(hedge.Decide(At(t0.AddSeconds(0.5), 0.5m)).Immediate);
        Assert.Single(hedge.Decide(At(t0.AddSeconds(1), 0.5m)).Immediate);
        hedge.OnRejected(Refused(1));
        Assert.Empty(hedge.Decide(At(t0.AddSeconds(2.5), 0.5m)).Immediate); // 2 s now
        Assert.Single(hedge.Decide(At(t0.AddSeconds(3), 0.5m)).Immediate);
        // Through at last: the next refusal waits 1 s again.
        hedge.OnFill(new StrategyFill(Side.Sell, 150m, 0.5m, 0.01m, "USDC", false, OrderPurpose.Hedge, -1, 149.25m, 0m));
        Assert.Empty(hedge.Decide(At(t0.AddSeconds(3.1), 0m)).Immediate);
        Assert.Single(hedge.Decide(At(t0.AddSeconds(4), 0.5m)).Immediate);
        hedge.OnRejected(Refused(4));
        Assert.Single(hedge.Decide(At(t0.AddSeconds(5), 0.5m)).Immediate);
    }

    private static StrategyView At(DateTimeOffset now, decimal position)
    {
        var view = Views.At(Perp, 150m, 150.02m, position: position);
        view.Now = now;
        return view;
    }

    [Fact]
    public void SpotAutoSize_IsFivePercentOfEachBalance()
    {
        var decision = new MakerTakerHedge(Config() with { OrderQuantity = null }).Decide(Views.At(Spot, 149.99m, 150.01m, quote: 3000m, @base: 4m));
        Assert.Equal([(Side.Buy, 0.99m), (Side.Sell, 0.2m)], decision.Quotes.Select(q => (q.Side, q.Quantity)));
    }

    // Cross-market (XEMM): quotes on spot, hedges on the perpetual of the same asset.
    private static StrategyView AcrossMarkets(decimal spotPosition, decimal perpPosition, decimal? perpBid = 149.97m, decimal? perpAsk = 150.03m)
    {
        var view = Views.At(Spot, 149.97m, 150.03m, position: spotPosition);
        view.Hedge = new HedgeMarketView { Venue = "paper", Instrument = PaperMarkets.Find(Perp)!, BestBid = perpBid, BestAsk = perpAsk, Position = perpPosition };
        return view;
    }

    [Fact]
    public void AcrossMarkets_TheExposureIsBothPositions_AndTheHedgeGoesToTheHedgeMarket_NotReduceOnlyWhenItOpens()
    {
        var hedge = Assert.Single(new MakerTakerHedge(Config()).Decide(AcrossMarkets(spotPosition: 0.5m, perpPosition: 0m)).Immediate);
        Assert.Equal((Side.Sell, 0.5m, true, false), (hedge.Side, hedge.Quantity, hedge.OnHedgeMarket, hedge.ReduceOnly));
        Assert.Equal(149.23m, hedge.Price); // the perpetual's bid 149.97 less 0.5 % = 149.22015, rounded toward the touch

        // Hedged: spot long 0.5, perp short 0.5, nothing to do.
        Assert.Empty(new MakerTakerHedge(Config()).Decide(AcrossMarkets(spotPosition: 0.5m, perpPosition: -0.5m)).Immediate);
        Assert.Equal(0m, new MakerTakerHedge(Config()).Figures(AcrossMarkets(0.5m, -0.5m)).Hedge!.Residual);

        // The spot long sold back: the perp short is bought back, and that closes part of it (reduce-only).
        var unwind = Assert.Single(new MakerTakerHedge(Config()).Decide(AcrossMarkets(spotPosition: 0m, perpPosition: -0.5m)).Immediate);
        Assert.Equal((Side.Buy, 0.5m, true, true), (unwind.Side, unwind.Quantity, unwind.OnHedgeMarket, unwind.ReduceOnly));
    }

    [Fact]
    public void AcrossMarkets_QuotesKeepTheMinimumProfitability_AgainstTheHedgeMarketsTouch()
    {
        var strategy = new MakerTakerHedge(Config() with { MinProfitabilityPct = 0.1m });
        var quotes = strategy.Decide(AcrossMarkets(0m, 0m)).Quotes;
        // A buy is sold on the perp at 149.97: at most 149.97 / 1.001 = 149.8202; a sell is bought back at 150.03: at least 150.18003.
        Assert.Equal([(Side.Buy, 149.82m), (Side.Sell, 150.19m)], quotes.Select(q => (q.Side, q.Price)));
        // The bounds go with them: a refresh tolerance keeps no resting quote past them.
        Assert.Equal([149.82m, 150.19m], quotes.Select(q => q.Bound!.Value));

        // The perp trades well above the spot: buying here at the touch is already profitable there, so the bid stays at the touch.
        var rich = strategy.Decide(AcrossMarkets(0m, 0m, perpBid: 151m, perpAsk: 151.05m)).Quotes;
        Assert.Equal(149.97m, rich.Single(q => q.Side == Side.Buy).Price);
        Assert.Equal(151.21m, rich.Single(q => q.Side == Side.Sell).Price); // 151.05 x 1.001 = 151.20105, rounded away
        Assert.Equal(150.84m, rich.Single(q => q.Side == Side.Buy).Bound); // 151 / 1.001 = 150.8491, rounded down: the touch is well inside it
    }

    [Fact]
    public void AcrossMarkets_ASideWhoseHedgeHasNoPrice_IsNotQuoted()
    {
        var quotes = new MakerTakerHedge(Config()).Decide(AcrossMarkets(0m, 0m, perpBid: null)).Quotes;
        Assert.Equal([Side.Sell], quotes.Select(q => q.Side)); // a filled buy could not be sold on the perp
    }

    [Fact]
    public void AcrossMarkets_TheHedgeIsSizedByTheHedgeMarketsStep_TheRestIsCarried()
    {
        var view = AcrossMarkets(spotPosition: 0.505m, perpPosition: 0m);
        view.Hedge = new HedgeMarketView { Venue = "paper", Instrument = new InstrumentSpec("SOL_X", "SOL", "USDC", InstrumentKind.Perpetual, 0.01m, 0.1m, 0.1m, 1m),
            BestBid = 149.97m, BestAsk = 150.03m };
        var hedge = Assert.Single(new MakerTakerHedge(Config()).Decide(view).Immediate);
        Assert.Equal(0.5m, hedge.Quantity); // 0.005 is below the hedge market's step: carried
    }

    [Fact]
    public void AcrossMarkets_AnInventoryRange_ShrinksTheSideThatWouldAddToThePosition_AndStopsItAtTheEnd()
    {
        var strategy = new MakerTakerHedge(Config() with { InventoryRange = 2m });
        (Side, decimal)[] Sizes(decimal spot) => strategy.Decide(AcrossMarkets(spot, -spot)).Quotes.Select(q => (q.Side, q.Quantity)).ToArray();

        Assert.Equal([(Side.Buy, 0.5m), (Side.Sell, 0.5m)], Sizes(0m));
        Assert.Equal([(Side.Buy, 0.25m), (Side.Sell, 0.5m)], Sizes(1m));      // long half the range: buys at half size
        Assert.Equal([(Side.Buy, 0.5m), (Side.Sell, 0.12m)], Sizes(-1.5m));   // short: 0.5 x 0.25 = 0.125, rounded down
        Assert.Equal([(Side.Sell, 0.5m)], Sizes(2m));                         // at the end of the range: no buy
        Assert.Equal([(Side.Sell, 0.5m)], Sizes(1.99m));                      // 0.0025 is below the minimum: no buy
        Assert.Equal([(Side.Buy, 0.5m), (Side.Sell, 0.5m)], new MakerTakerHedge(Config()).Decide(AcrossMarkets(4m, -4m)).Quotes.Select(q => (q.Side, q.Quantity)));
    }

    [Fact]
    public void AcrossMarkets_WithAnInventoryRange_NoRunOfMakerFillsTakesThePositionPastIt()
    {
        // Whatever order the fills come in, each at the size quoted for the position it meets, the position stays within
        // the range: a fill at q adds (1 - q / R) x 0.5, which lands at most on R.
        var strategy = new MakerTakerHedge(Config() with { InventoryRange = 1.2m });
        var random = new Random(7);
        var position = 0m;
        var furthest = 0m;
        for (var i = 0; i < 2000; i++)
        {
            var quotes = strategy.Decide(AcrossMarkets(position, -position)).Quotes;
            // Runs of one side, as a trending market gives: the side is kept for ten fills at a time.
            var side = (i / 10 + random.Next(2)) % 2 == 0 ? Side.Buy : Side.Sell;
            foreach (var quote in quotes.Where(q => q.Side == side)) position += side == Side.Buy ? quote.Quantity : -quote.Quantity;
            furthest = Math.Max(furthest, Math.Abs(position));
        }
        Assert.InRange(furthest, 1m, 1.2m);
    }
}
