using Microsoft.Extensions.Time.Testing;
using Mmd.Exchanges.Paper;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Tests.Paper;

/// <summary>A market's recorded trades are its taker flow: each trades, once and at its time, with what rests at its price or better.</summary>
public class TradeTapeTests
{
    private const string Spot = "SOL_USDC";
    private const string Perp = "SOL_USDC_PERP";

    private static RecordedTrade Trade(double seconds, Side side, decimal price, decimal quantity) => new(TimeSpan.FromSeconds(seconds), side, price, quantity);

    [Fact]
    public void RecordedTrades_FillQuotesAtOrThroughTheirPrice_InTheirOrder_Once_AndTheRandomFlowOfThatMarketStops()
    {
        var time = new FakeTimeProvider();
        var tape = new TradeTape([
            Trade(1, Side.Buy, 150.01m, 0.5m), // below our ask: not ours
            Trade(2, Side.Buy, 150.02m, 0.3m), // at our ask: 0.3 of it
            Trade(2, Side.Buy, 150.02m, 5m), // the same moment, next: the rest of it, and nothing above its price
            Trade(3, Side.Sell, 149.98m, 0.004m), // below the market's step (0.01): skipped
            Trade(4, Side.Sell, 149.90m, 2m), // through our bid: all of it, then the crowd's bid at 149.97
        ]);
        // A busy random crowd, on the perpetual only: the spot market's flow is its tape.
        using var x = new PaperExchange(new PaperSettings { VolatilityPct = 0m, FlowRate = 100m, TradeTapes = new Dictionary<string, TradeTape> { [Spot] = tape } }, time);
        x.Place("a", new PlaceOrderRequest(Spot, "a_ask", Side.Sell, OrderType.Limit, TimeInForce.Gtc, 150.02m, 1m, true, false));
        x.Place("a", new PlaceOrderRequest(Spot, "a_bid", Side.Buy, OrderType.Limit, TimeInForce.Gtc, 149.98m, 1m, true, false));
        x.Place("a", new PlaceOrderRequest(Perp, "a_perp", Side.Sell, OrderType.Limit, TimeInForce.Gtc, 150.02m, 0.1m, true, false));
        List<(Side, decimal, decimal)> Fills() => [.. x.Fills("a", Spot, DateTimeOffset.MinValue).Select(f => (f.Side, f.Price, f.Quantity))];

        void TicksFor(double seconds)
        {
            for (var i = 0; i < seconds * 5; i++)
            {
                time.Advance(TimeSpan.FromMilliseconds(200));
                x.Tick();
            }
        }
        TicksFor(1.8);
        Assert.Empty(Fills());
        TicksFor(0.2); // the tick at 2 s: both trades of that moment
        Assert.Equal([(Side.Sell, 150.02m, 0.3m), (Side.Sell, 150.02m, 0.7m)], Fills());
        TicksFor(60);
        Assert.Equal([(Side.Sell, 150.02m, 0.3m), (Side.Sell, 150.02m, 0.7m), (Side.Buy, 149.98m, 1m)], Fills());
        Assert.All(x.Fills("a", Spot, DateTimeOffset.MinValue), f => Assert.True(f.IsMaker));
        Assert.Empty(x.OpenOrders("a", Spot));
        Assert.NotEmpty(x.Fills("a", Perp, DateTimeOffset.MinValue)); // the untaped market's crowd trades on
    }

    [Fact]
    public void CountUpTo_CountsTheTradesAtOrBeforeAMoment()
    {
        var tape = new TradeTape([Trade(2, Side.Sell, 1m, 1m), Trade(1, Side.Buy, 1m, 1m), Trade(2, Side.Buy, 1m, 1m)]);
        Assert.Equal([Side.Buy, Side.Sell, Side.Buy], tape.Trades.Select(t => t.Side)); // by time; a moment's in their order
        Assert.Equal([0, 1, 1, 3, 3], new[] { 0.5, 1, 1.5, 2, 9 }.Select(s => tape.CountUpTo(TimeSpan.FromSeconds(s))));
        Assert.Throws<ArgumentException>(() => new TradeTape([Trade(1, Side.Buy, 1m, 0m)]));
    }
}
