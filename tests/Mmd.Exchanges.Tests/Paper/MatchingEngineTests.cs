using Mmd.Exchanges.Paper;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Tests.Paper;

public class MatchingEngineTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;
    private long _id;

    private PaperOrder Order(string account, Side side, decimal? price, decimal qty, OrderType type = OrderType.Limit, TimeInForce tif = TimeInForce.Gtc, bool postOnly = false,
        bool endsOnSelfTrade = false) => new()
    {
        Id = ++_id, Account = account, Symbol = "X", Side = side, Type = type, TimeInForce = tif, Price = price, Quantity = qty,
        PostOnly = postOnly, EndsOnSelfTrade = endsOnSelfTrade, CreatedAt = Now, UpdatedAt = Now, Sequence = _id,
    };

    private static MatchingEngine Engine() => new("X", a => a == "crowd");

    [Fact]
    public void PriceThenTimePriority()
    {
        var engine = Engine();
        var first = Order("a", Side.Sell, 101m, 1m);
        var second = Order("b", Side.Sell, 101m, 1m);
        var better = Order("c", Side.Sell, 100m, 1m);
        engine.Submit(first, Now);
        engine.Submit(second, Now);
        engine.Submit(better, Now);
        var result = engine.Submit(Order("t", Side.Buy, 101m, 2.5m), Now);
        Assert.Equal([better.Id, first.Id, second.Id], result.Executions.Select(e => e.Maker.Id));
        Assert.Equal([100m, 101m, 101m], result.Executions.Select(e => e.Price)); // at the resting price
        Assert.Equal([1m, 1m, 0.5m], result.Executions.Select(e => e.Quantity));
        Assert.Equal(VenueOrderStatus.PartiallyFilled, second.Status);
        Assert.Equal(SubmitOutcome.Filled, result.Outcome);
    }

    [Fact]
    public void Limit_PartiallyFilled_RestsTheRemainder()
    {
        var engine = Engine();
        engine.Submit(Order("a", Side.Sell, 100m, 1m), Now);
        var taker = Order("t", Side.Buy, 100m, 3m);
        var result = engine.Submit(taker, Now);
        Assert.Equal(SubmitOutcome.Rested, result.Outcome);
        Assert.Equal(VenueOrderStatus.PartiallyFilled, taker.Status);
        Assert.Equal(100m, engine.BestBid);
        Assert.Equal(2m, engine.Levels(Side.Buy, 5)[0].Quantity);
    }

    [Fact]
    public void Ioc_RemainderExpires()
    {
        var engine = Engine();
        engine.Submit(Order("a", Side.Sell, 100m, 1m), Now);
        var taker = Order("t", Side.Buy, 100m, 3m, tif: TimeInForce.Ioc);
        Assert.Equal(SubmitOutcome.Expired, engine.Submit(taker, Now).Outcome);
        Assert.Equal(1m, taker.Filled);
        Assert.Null(engine.BestBid);
    }

    [Fact]
    public void Market_SweepsLevels_AndNeverRests()
    {
        var engine = Engine();
        engine.Submit(Order("a", Side.Buy, 99m, 1m), Now);
        engine.Submit(Order("a", Side.Buy, 98m, 1m), Now);
        var taker = Order("t", Side.Sell, null, 5m, OrderType.Market, TimeInForce.Ioc);
        var result = engine.Submit(taker, Now);
        Assert.Equal(2, result.Executions.Count);
        Assert.Equal(SubmitOutcome.Expired, result.Outcome);
        Assert.Equal(0, engine.RestingCount);
    }

    [Fact]
    public void PostOnly_ThatWouldCross_IsRejected_AndNothingTrades()
    {
        var engine = Engine();
        var resting = Order("a", Side.Sell, 100m, 1m);
        engine.Submit(resting, Now);
        var result = engine.Submit(Order("t", Side.Buy, 100m, 1m, postOnly: true), Now);
        Assert.Equal(SubmitOutcome.PostOnlyWouldTake, result.Outcome);
        Assert.Empty(result.Executions);
        Assert.Equal(0m, resting.Filled);
        Assert.Equal(SubmitOutcome.Rested, engine.Submit(Order("t", Side.Buy, 99.99m, 1m, postOnly: true), Now).Outcome);
    }

    [Fact]
    public void SelfTrade_OfAnOrderThatEndsOnIt_EndsThatOrder_AfterWhatItTookBefore_AndLeavesTheRestingOrder()
    {
        // A venue's "reject taker" prevention (Backpack's default): the taker trades up to our own resting order and ends there.
        var engine = Engine();
        var other = Order("b", Side.Sell, 100m, 0.4m);
        var own = Order("a", Side.Sell, 101m, 1m);
        engine.Submit(other, Now);
        engine.Submit(own, Now);
        var taker = Order("a", Side.Buy, 102m, 2m, endsOnSelfTrade: true);
        var result = engine.Submit(taker, Now);
        Assert.Equal(SubmitOutcome.Expired, result.Outcome);
        Assert.Equal((VenueOrderStatus.Expired, 0.4m), (taker.Status, taker.Filled));
        Assert.Equal(other.Id, Assert.Single(result.Executions).Maker.Id);
        Assert.Empty(result.SelfTradeCancelled);
        Assert.Equal((VenueOrderStatus.Open, 0m), (own.Status, own.Filled));
    }

    [Fact]
    public void SelfTrade_CancelsTheRestingOrder()
    {
        var engine = Engine();
        var own = Order("a", Side.Sell, 100m, 1m);
        var other = Order("b", Side.Sell, 100m, 1m);
        engine.Submit(own, Now);
        engine.Submit(other, Now);
        var result = engine.Submit(Order("a", Side.Buy, 100m, 1m), Now);
        Assert.Equal(own.Id, Assert.Single(result.SelfTradeCancelled).Id);
        Assert.Equal(VenueOrderStatus.Expired, own.Status);
        Assert.Equal(other.Id, Assert.Single(result.Executions).Maker.Id);
    }

    [Fact]
    public void ExemptAccount_TradesWithItself()
    {
        var engine = Engine();
        engine.Submit(Order("crowd", Side.Sell, 100m, 1m), Now);
        Assert.Single(engine.Submit(Order("crowd", Side.Buy, 100m, 1m), Now).Executions);
    }

    [Fact]
    public void FillLimit_CapsExecution()
    {
        var engine = Engine();
        engine.Submit(Order("a", Side.Sell, 100m, 5m), Now);
        var taker = Order("t", Side.Buy, 100m, 5m);
        var result = engine.Submit(taker, Now, fillLimit: 2m);
        Assert.Equal(2m, result.Executions.Sum(e => e.Quantity));
        Assert.Equal(SubmitOutcome.Expired, result.Outcome);
    }

    [Fact]
    public void Cancel_RemovesFromBook()
    {
        var engine = Engine();
        var order = Order("a", Side.Buy, 99m, 1m);
        engine.Submit(order, Now);
        Assert.NotNull(engine.Cancel(order.Id, Now));
        Assert.Equal(VenueOrderStatus.Cancelled, order.Status);
        Assert.Null(engine.BestBid);
        Assert.Null(engine.Cancel(order.Id, Now));
    }
}
