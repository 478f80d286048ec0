using Microsoft.Extensions.Time.Testing;
using Mmd.Exchanges.Paper;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Tests.Paper;

/// <summary>The paper venue's candles: a synthetic past ending at its start price, then minute bars of its trades.</summary>
public class PaperCandlesTests
{
    private const string Spot = "SOL_USDC";
    private const string Perp = "SOL_USDC_PERP";
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 30, 20, TimeSpan.Zero);

    private static PaperExchange Venue(FakeTimeProvider time, ulong seed = 7, decimal volatility = 0.05m) =>
        new(new PaperSettings { VolatilityPct = volatility, FlowRate = 2m, Seed = seed }, time);

    [Fact]
    public void ThePast_IsTwoDaysOfMinuteBars_EndingAtTheStartPrice_EachOpeningWhereTheLastClosed()
    {
        using var venue = Venue(new FakeTimeProvider(Start));
        var bars = venue.Candles(Spot, Minute, Start - TimeSpan.FromDays(3), Start)!;

        Assert.Equal(2 * 24 * 60, bars.Count);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 8, 30, 0, TimeSpan.Zero), bars[0].Time);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 8, 29, 0, TimeSpan.Zero), bars[^1].Time);
        Assert.Equal(150m, bars[^1].Close);
        Assert.All(bars.Zip(bars.Skip(1)), p => Assert.Equal(p.First.Close, p.Second.Open));
        Assert.All(bars, b => Assert.True(b.High >= Math.Max(b.Open, b.Close) && b.Low <= Math.Min(b.Open, b.Close) && b.Volume > 0, b.ToString()));
        Assert.True(bars.Select(b => b.Close).Distinct().Count() > 100, "the past walks");
        Assert.All(bars, b => Assert.Equal(b.Close, Math.Round(b.Close, 2))); // on the tick
    }

    [Fact]
    public void ThePast_IsTheSeeds_SharedByASpotMarketAndItsPerpetual()
    {
        using var one = Venue(new FakeTimeProvider(Start));
        using var again = Venue(new FakeTimeProvider(Start));
        using var other = Venue(new FakeTimeProvider(Start), seed: 8);
        var span = (Start - TimeSpan.FromHours(6), Start);

        var bars = one.Candles(Spot, Minute, span.Item1, span.Item2)!;
        Assert.Equal(bars, again.Candles(Spot, Minute, span.Item1, span.Item2));
        Assert.Equal(bars, one.Candles(Perp, Minute, span.Item1, span.Item2)); // same start price and tick: the same past
        Assert.NotEqual(bars, other.Candles(Spot, Minute, span.Item1, span.Item2));
        Assert.NotEqual(bars.Select(b => b.Close / 150m), one.Candles("BTC_USDC", Minute, span.Item1, span.Item2)!.Select(b => b.Close / 95000m));
    }

    [Fact]
    public void TradesAfterTheStart_MakeMinuteBars_AndLongerCandlesAreBuiltFromThem()
    {
        var time = new FakeTimeProvider(Start);
        using var venue = Venue(time, volatility: 0m);
        venue.Place("maker", Limit("b1", Side.Buy, 149.50m, 2m));
        venue.Place("maker", Limit("b2", Side.Buy, 149.40m, 2m));
        // A sell that sweeps the background's bids and both of the maker's: trades from 149.97 down to 149.40.
        var swept = venue.Levels(Spot, Side.Buy, 50).Where(l => l.Price >= 149.40m).Sum(l => l.Quantity);
        venue.Place("taker", new PlaceOrderRequest(Spot, "s1", Side.Sell, OrderType.Limit, TimeInForce.Ioc, 149.40m, swept));
        time.Advance(Minute);
        venue.Place("other", new PlaceOrderRequest(Spot, "s2", Side.Buy, OrderType.Market, TimeInForce.Ioc, null, 1m));

        var bars = venue.Candles(Spot, Minute, Start - TimeSpan.FromSeconds(20), Start + TimeSpan.FromMinutes(5))!; // from 8:30:00, the minute of the start
        Assert.Equal(2, bars.Count);
        var first = bars[0];
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 8, 30, 0, TimeSpan.Zero), first.Time);
        Assert.Equal((149.97m, 149.97m, 149.40m, 149.40m), (first.Open, first.High, first.Low, first.Close));
        Assert.Equal(swept, first.Volume);
        Assert.Equal(1m, bars[1].Volume);

        // The quarter-hour from 8:30 holds both bars of trades; the hour from 8:00 the past's half hour (flat at 150) too.
        var quarter = Assert.Single(venue.Candles(Spot, TimeSpan.FromMinutes(15), Start - TimeSpan.FromMinutes(10), Start + TimeSpan.FromMinutes(5))!);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 8, 30, 0, TimeSpan.Zero), quarter.Time);
        Assert.Equal(first.Volume + 1m, quarter.Volume);
        var hour = Assert.Single(venue.Candles(Spot, TimeSpan.FromHours(1), Start - TimeSpan.FromHours(1), Start + TimeSpan.FromMinutes(5))!); // 8:00, not 7:00 (it opens before the span)
        Assert.Equal((150m, 149.40m, bars[1].Close), (hour.Open, hour.Low, hour.Close));
        Assert.Null(venue.Candles("NOPE", Minute, Start, Start + Minute));
    }

    private static PlaceOrderRequest Limit(string id, Side side, decimal price, decimal qty) =>
        new(Spot, id, side, OrderType.Limit, TimeInForce.Gtc, price, qty);
}
