using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Strategies;
using Mmd.Trading.Strategies.PerpMarketMaking;

namespace Mmd.Trading.Tests.Strategies;

public class PerpMarketMakerTests
{
    private const string Perp = "SOL_USDC_PERP";

    private static PerpMarketMakerConfig Config(decimal skew = 0m, decimal max = 3m, decimal target = 0m, decimal threshold = 1m,
        decimal? stopLoss = null, decimal? takeProfit = null, ProtectiveAction action = ProtectiveAction.KeepRunning) => new()
    {
        SpreadPct = 0.2m, OrderQuantity = 0.5m, Levels = 3, MaxPosition = max, TargetPosition = target, PositionThreshold = threshold,
        InventorySkew = skew, StopLoss = stopLoss, TakeProfit = takeProfit, ProtectiveAction = action,
    };

    [Fact]
    public void Flat_QuotesTheSpotLadder()
    {
        var decision = new PerpMarketMaker(Config()).Decide(Views.At(Perp, 149.99m, 150.01m));
        Assert.Empty(decision.Immediate);
        Assert.Equal(6, decision.Quotes.Count);
        Assert.Equal(149.85m, decision.Quotes.Where(q => q.Side == Side.Buy).Max(q => q.Price));
        Assert.Equal(150.15m, decision.Quotes.Where(q => q.Side == Side.Sell).Min(q => q.Price));
    }

    [Fact]
    public void Skew_ShiftsEveryQuote_ByMidTimesSkewTimesPositionShare()
    {
        // Long 1.5 of max 3 with skew 0.002: offset = 150 x 0.002 x 0.5 = 0.15, every quote 0.15 lower.
        Assert.Equal(0.15m, InventorySkew.Offset(150m, 0.002m, 1.5m, 3m));
        var flat = new PerpMarketMaker(Config(skew: 0.002m)).Decide(Views.At(Perp, 149.99m, 150.01m));
        var longed = new PerpMarketMaker(Config(skew: 0.002m)).Decide(Views.At(Perp, 149.99m, 150.01m, position: 1.5m));
        foreach (var q in longed.Quotes)
            Assert.Equal(flat.Quotes.Single(f => f.Side == q.Side && f.Level == q.Level).Price - 0.15m, q.Price);
        // Short: quotes move up, and the ratio is clamped at a full position.
        Assert.Equal(-0.3m, InventorySkew.Offset(150m, 0.002m, -9m, 3m));
    }

    [Fact]
    public void Bug18_SkewScale_IsAFractionOfThePrice_AndAShiftThatCrossesIsNotApplied()
    {
        // The seed's scale kept and documented: skew 0.1 at full position is a 10 % move (15 on 150).
        Assert.Equal(15m, InventorySkew.Offset(150m, 0.1m, 3m, 3m));
        // Shifting both ladders by the same amount never crosses them; the guard only matters for rounding, and the
        // quotes never cross the opposite touch (the engine keeps them passive).
        var decision = new PerpMarketMaker(Config(skew: 0.1m)).Decide(Views.At(Perp, 149.99m, 150.01m, position: 3m));
        var bids = decision.Quotes.Where(q => q.Side == Side.Buy).ToList();
        var asks = decision.Quotes.Where(q => q.Side == Side.Sell).ToList();
        Assert.Empty(bids); // at max long no quote may add to the position
        Assert.All(asks, a => Assert.True(a.Price < 140m));
    }

    [Fact]
    public void QuotesThatCouldPassMaxPosition_AreLeftOut()
    {
        // Long 2 of max 3: buys may add at most 1, two levels of 0.5.
        var decision = new PerpMarketMaker(Config()).Decide(Views.At(Perp, 149.99m, 150.01m, position: 2m));
        Assert.Equal(2, decision.Quotes.Count(q => q.Side == Side.Buy));
        Assert.Equal(3, decision.Quotes.Count(q => q.Side == Side.Sell));
    }

    [Fact]
    public void AboveTargetPlusThreshold_ReducesTheExcess_ReduceOnlyAtMarket()
    {
        var decision = new PerpMarketMaker(Config(target: 0.5m, threshold: 1m)).Decide(Views.At(Perp, 149.99m, 150.01m, position: -2.2m));
        var reduce = Assert.Single(decision.Immediate);
        Assert.Equal(Side.Buy, reduce.Side);
        Assert.Equal(0.7m, reduce.Quantity); // 2.2 - (0.5 + 1)
        Assert.Equal(OrderType.Market, reduce.Type);
        Assert.True(reduce.ReduceOnly);
        Assert.Equal(OrderPurpose.Reduce, reduce.Purpose);
        Assert.NotEmpty(decision.Quotes); // quoting goes on meanwhile
    }

    [Fact]
    public void AReductionRefusedAsReduceOnly_WaitsUntilTheVenueListsNoFillToExplainIt_ThenGoesPlainForAMinute()
    {
        // The account holds another instance's long: this instance's own short can never be bought back reduce-only.
        var mm = new PerpMarketMaker(Config(target: 0.5m, threshold: 1m));
        var start = Views.At(Perp, 149.99m, 150.01m, position: -2.2m);
        Assert.True(Assert.Single(mm.Decide(start).Immediate).ReduceOnly);
        mm.OnRejected(new StrategyRejection(Side.Buy, -1, OrderPurpose.Reduce, RejectCode.ReduceOnlyWouldIncrease, true, "reduce-only order would increase the position"));
        var waiting = mm.Decide(At(start, 0.5, position: -2.2m));
        Assert.Empty(waiting.Immediate); // not sent again at every decision, as it was
        Assert.NotEmpty(waiting.Quotes);
        Assert.Empty(mm.Decide(At(start, 1.5, position: -2.2m)).Immediate); // the venue has not yet said whether a fill is on its way
        mm.OnFillsConfirmed();
        var plain = Assert.Single(mm.Decide(At(start, 1.6, position: -2.2m)).Immediate);
        Assert.Equal((Side.Buy, 0.7m, false), (plain.Side, plain.Quantity, plain.ReduceOnly));
        Assert.Contains("without reduce-only (the venue refused it", mm.Figures(start).LastProtectiveAction, StringComparison.Ordinal);
        Assert.False(Assert.Single(mm.Decide(At(start, 30, position: -2.2m)).Immediate).ReduceOnly);
        Assert.True(Assert.Single(mm.Decide(At(start, 62, position: -2.2m)).Immediate).ReduceOnly);

        // A refusal a fill explains (the position moved on): reduce-only stays.
        var explained = new PerpMarketMaker(Config(target: 0.5m, threshold: 1m));
        explained.Decide(start);
        explained.OnRejected(new StrategyRejection(Side.Buy, -1, OrderPurpose.Reduce, RejectCode.ReduceOnlyWouldIncrease, true, "no"));
        Assert.Empty(explained.Decide(At(start, 0.5, position: -2.2m)).Immediate);
        explained.OnFill(new StrategyFill(Side.Buy, 150.01m, 0.5m, 0m, "USDC", true, OrderPurpose.Quote, 0, 150.01m, 0m));
        explained.OnFillsConfirmed(); // the fill the venue listed was the one on its way: applied before this
        Assert.True(Assert.Single(explained.Decide(At(start, 0.6, position: -1.7m)).Immediate).ReduceOnly);

        // A venue that does not answer: plain after the longest wait for it.
        var unanswered = new PerpMarketMaker(Config(target: 0.5m, threshold: 1m));
        unanswered.Decide(start);
        unanswered.OnRejected(new StrategyRejection(Side.Buy, -1, OrderPurpose.Reduce, RejectCode.ReduceOnlyWouldIncrease, true, "no"));
        Assert.Empty(unanswered.Decide(At(start, 0.1, position: -2.2m)).Immediate);
        Assert.Empty(unanswered.Decide(At(start, 0.1 + ReduceOnlyRefusal.AnswerWait.TotalSeconds - 0.2, position: -2.2m)).Immediate);
        Assert.False(Assert.Single(unanswered.Decide(At(start, 0.2 + ReduceOnlyRefusal.AnswerWait.TotalSeconds, position: -2.2m)).Immediate).ReduceOnly);
    }

    private static StrategyView At(StrategyView start, double seconds, decimal position)
    {
        var view = Views.At(Perp, 149.99m, 150.01m, position: position);
        view.Now = start.Now.AddSeconds(seconds);
        return view;
    }

    [Fact]
    public void AboveMax_ReducesToMax_First()
    {
        var decision = new PerpMarketMaker(Config(max: 3m, target: 2m, threshold: 0.5m)).Decide(Views.At(Perp, 149.99m, 150.01m, position: 3.4m));
        Assert.Equal(0.4m, Assert.Single(decision.Immediate).Quantity);
        Assert.Equal(Side.Sell, decision.Immediate[0].Side);
    }

    [Fact]
    public void AReduceAlreadyWorking_IsNotDoubled()
    {
        var decision = new PerpMarketMaker(Config()).Decide(Views.At(Perp, 149.99m, 150.01m, position: 2.5m, immediatePending: true));
        Assert.Empty(decision.Immediate);
    }

    [Fact]
    public void WithinTargetPlusThreshold_NeverTradesTowardTheTarget()
    {
        var decision = new PerpMarketMaker(Config(target: 2m, threshold: 0.5m)).Decide(Views.At(Perp, 149.99m, 150.01m, position: 0.3m));
        Assert.Empty(decision.Immediate);
    }

    [Fact]
    public void StopLoss_OnTheWholePositionsUnrealizedPnl_PullsQuotesAndClosesAll_ThenKeepsRunning()
    {
        var mm = new PerpMarketMaker(Config(stopLoss: 50m));
        var decision = mm.Decide(Views.At(Perp, 149.99m, 150.01m, position: 1m, unrealized: -50m));
        Assert.Empty(decision.Quotes);
        var close = Assert.Single(decision.Immediate);
        Assert.Equal((Side.Sell, 1m, true), (close.Side, close.Quantity, close.ReduceOnly));
        Assert.Null(decision.Stop);
        // A loss just above the limit does nothing; once flat it quotes again.
        Assert.Empty(mm.Decide(Views.At(Perp, 149.99m, 150.01m, position: 1m, unrealized: -49.99m)).Immediate);
        Assert.Equal(6, mm.Decide(Views.At(Perp, 149.99m, 150.01m)).Quotes.Count);
        var figures = mm.Figures(Views.At(Perp, 149.99m, 150.01m))!;
        Assert.Equal(1, figures.Position!.StopLosses);
        Assert.StartsWith("stop-loss", figures.LastProtectiveAction);
    }

    [Fact]
    public void TakeProfit_WithStopAction_EndsTheRunAndFlattens()
    {
        var decision = new PerpMarketMaker(Config(takeProfit: 20m, action: ProtectiveAction.Stop))
            .Decide(Views.At(Perp, 149.99m, 150.01m, position: -1m, unrealized: 25m));
        Assert.NotNull(decision.Stop);
        Assert.True(decision.Stop!.Flatten);
        Assert.StartsWith("take-profit", decision.Stop.Reason);
    }

    [Fact]
    public void SlTpFailure_DoesNotStopTheBot_TheCloseIsRetriedOnTheNextDecision()
    {
        // Seed 2.4.0: a failed protective close stopped the bot. Here a close that did not happen (still in position,
        // nothing working) is simply asked for again.
        var mm = new PerpMarketMaker(Config(stopLoss: 10m));
        Assert.Single(mm.Decide(Views.At(Perp, 149.99m, 150.01m, position: 1m, unrealized: -12m)).Immediate);
        Assert.Single(mm.Decide(Views.At(Perp, 149.99m, 150.01m, position: 1m, unrealized: -12m)).Immediate);
    }

    [Fact]
    public void AutoSize_IsAShareOfTheCollateral()
    {
        var config = Config() with { OrderQuantity = null };
        var decision = new PerpMarketMaker(config).Decide(Views.At(Perp, 149.99m, 150.01m, quote: 9000m));
        // min(5 %, 1/12) of 9000 = 450 USDC per order, / 150 = 3 SOL; capped by max 3 -> one level per side.
        Assert.All(decision.Quotes, q => Assert.Equal(3m, q.Quantity));
        Assert.Equal(1, decision.Quotes.Count(q => q.Side == Side.Buy));
    }
}
