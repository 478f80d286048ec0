using Microsoft.Extensions.Time.Testing;
using Mmd.Exchanges.Paper;
using Mmd.TestKit;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Tests.Paper;

public class PaperExchangeTests
{
    private const string Spot = "SOL_USDC";
    private const string Perp = "SOL_USDC_PERP";

    private static PaperExchange Quiet(FakeTimeProvider? time = null, string? dir = null) =>
        new(new PaperSettings { VolatilityPct = 0m, FlowRate = 0m, StateDirectory = dir, Account = "acct" }, time ?? new FakeTimeProvider());

    private static PlaceOrderRequest Limit(string id, Side side, decimal price, decimal qty, bool postOnly = false, bool reduceOnly = false, string symbol = Spot) =>
        new(symbol, id, side, OrderType.Limit, TimeInForce.Gtc, price, qty, postOnly, reduceOnly);

    private static Balance BalanceOf(PaperExchange x, string account, string asset) => x.Balances(account).Single(b => b.Asset == asset);

    [Fact]
    public void APerpetual_WalksWithItsSpotMarket_OtherAssetsWalkTheirOwnWay()
    {
        var time = new FakeTimeProvider();
        using var x = new PaperExchange(new PaperSettings { VolatilityPct = 0.5m, FlowRate = 0m, Seed = 7 }, time);
        var btcStart = x.Mid("BTC_USDC");
        for (var i = 0; i < 50; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(200));
            x.Tick();
        }
        Assert.NotEqual(150m, x.Mid(Spot));
        Assert.Equal(x.Mid(Spot), x.Mid(Perp)); // same start, same steps: a cross-market hedge between them sees one price
        Assert.NotEqual(btcStart, x.Mid("BTC_USDC"));
        Assert.NotEqual(x.Mid("BTC_USDC") / btcStart, x.Mid(Spot) / 150m);
    }

    [Fact]
    public void ASubscribersBook_IsTheVenuesAfterEveryDelta_EvenWhenItSubscribedBeforeAnythingWasPublished()
    {
        using var x = Quiet();
        var reader = x.SubscribeBook(Perp, out _);
        var book = new Trading.MarketData.OrderBook(Perp);
        void Read()
        {
            while (reader.TryRead(out var e))
            {
                if (e is BookSnapshotEvent s) book.ApplySnapshot(s.Sequence, s.Bids, s.Asks, s.Time);
                else if (e is BookDeltaEvent d) Assert.Equal(Trading.MarketData.BookApplyResult.Applied, book.ApplyDelta(d.FirstSequence, d.LastSequence, d.Bids, d.Asks, d.Time));
            }
        }
        Read();
        Assert.Equal((149.97m, 150.03m), (book.BestBid!.Value.Price, book.BestAsk!.Value.Price));

        // The mid one level down: the bid at 149.97 is gone. The first delta once left it in the book (it was relative to
        // what had been published before the snapshot: nothing), a phantom touch above the real one.
        x.SetMid(Perp, 149.97m);
        Read();
        Assert.Equal((149.94m, 150.00m), (book.BestBid!.Value.Price, book.BestAsk!.Value.Price));
        var venue = x.Levels(Perp, Side.Buy, book.BidCount);
        Assert.Equal(venue.Select(l => (l.Price, l.Quantity)), Enumerable.Range(0, book.BidCount).Select(i => (book.Bid(i).Price, book.Bid(i).Quantity)));
    }

    [Fact]
    public void RestingBuy_LocksQuote_CancelReleasesIt()
    {
        using var x = Quiet();
        var before = BalanceOf(x, "a", "USDC");
        var placed = x.Place("a", Limit("a_1", Side.Buy, 100m, 1m));
        Assert.Equal(CommandOutcome.Accepted, placed.Outcome);
        var locked = BalanceOf(x, "a", "USDC");
        Assert.Equal(100m * (1 + 0.0005m), locked.Locked);
        Assert.Equal(before.Total, locked.Total);
        x.Cancel("a", new CancelOrderRequest(Spot, null, "a_1"));
        Assert.Equal(0m, BalanceOf(x, "a", "USDC").Locked);
    }

    [Fact]
    public void Fill_MovesBalances_AndChargesMakerAndTakerFees()
    {
        using var x = Quiet();
        x.Place("maker", Limit("m_1", Side.Sell, 150m, 2m)); // inside the background spread: it is the best ask
        var quoteBefore = BalanceOf(x, "taker", "USDC").Total;
        var result = x.Place("taker", new PlaceOrderRequest(Spot, "t_1", Side.Buy, OrderType.Limit, TimeInForce.Ioc, 150m, 2m));
        Assert.Equal(VenueOrderStatus.Filled, result.Order!.Status);
        var takerFill = Assert.Single(x.Fills("taker", Spot, DateTimeOffset.MinValue));
        var makerFill = Assert.Single(x.Fills("maker", Spot, DateTimeOffset.MinValue));
        Assert.Equal(takerFill.TradeId, makerFill.TradeId);
        Assert.False(takerFill.IsMaker);
        Assert.True(makerFill.IsMaker);
        Assert.Equal(300m * 0.0005m, takerFill.Fee);
        Assert.Equal(300m * 0.0002m, makerFill.Fee);
        Assert.Equal(quoteBefore - 300m - takerFill.Fee, BalanceOf(x, "taker", "USDC").Total);
        Assert.Equal(102m, BalanceOf(x, "taker", "SOL").Total);
        Assert.Equal(98m, BalanceOf(x, "maker", "SOL").Total);
        Assert.Equal(10_000m + 300m - makerFill.Fee, BalanceOf(x, "maker", "USDC").Total);
    }

    [Fact]
    public void InsufficientFunds_Rejected_NothingLocked()
    {
        using var x = Quiet();
        var result = x.Place("a", Limit("a_1", Side.Sell, 200m, 101m));
        Assert.Equal(RejectCode.InsufficientFunds, result.Code);
        Assert.Equal(0m, BalanceOf(x, "a", "SOL").Locked);
    }

    [Fact]
    public void InvalidTickOrStep_Rejected()
    {
        using var x = Quiet();
        Assert.Equal(RejectCode.InvalidPrice, x.Place("a", Limit("a_1", Side.Buy, 100.001m, 1m)).Code);
        Assert.Equal(RejectCode.InvalidQuantity, x.Place("a", Limit("a_2", Side.Buy, 100m, 1.001m)).Code);
        Assert.Equal(RejectCode.UnknownSymbol, x.Place("a", Limit("a_3", Side.Buy, 100m, 1m, symbol: "NOPE")).Code);
    }

    [Fact]
    public void DuplicateClientOrderId_Rejected()
    {
        using var x = Quiet();
        x.Place("a", Limit("a_1", Side.Buy, 100m, 1m));
        Assert.Equal(RejectCode.DuplicateClientOrderId, x.Place("a", Limit("a_1", Side.Buy, 100m, 1m)).Code);
    }

    [Fact]
    public void Perp_PositionEntryAndRealizedPnl()
    {
        using var x = Quiet();
        x.Place("maker", Limit("m_1", Side.Sell, 150m, 2m, symbol: Perp));
        x.Place("a", new PlaceOrderRequest(Perp, "a_1", Side.Buy, OrderType.Limit, TimeInForce.Ioc, 150m, 2m));
        var position = Assert.Single(x.Positions("a"));
        Assert.Equal(2m, position.Quantity);
        Assert.Equal(150m, position.EntryPrice);
        Assert.Equal((position.MarkPrice - 150m) * 2m, position.UnrealizedPnl);

        // Reduce-only larger than the position is trimmed to it; it can never flip the position.
        x.Place("maker", Limit("m_2", Side.Buy, 150m, 5m, symbol: Perp));
        var close = x.Place("a", new PlaceOrderRequest(Perp, "a_2", Side.Sell, OrderType.Limit, TimeInForce.Ioc, 150m, 5m, ReduceOnly: true));
        Assert.Equal(2m, close.Order!.Quantity);
        Assert.Empty(x.Positions("a"));
    }

    [Fact]
    public void Perp_AnAverageEntryThatDoesNotEnd_IsReportedToEightPlaces()
    {
        using var x = Quiet();
        x.Place("maker", Limit("m_1", Side.Sell, 150m, 1m, symbol: Perp));
        x.Place("maker", Limit("m_2", Side.Sell, 150.01m, 2m, symbol: Perp));
        x.Place("a", new PlaceOrderRequest(Perp, "a_1", Side.Buy, OrderType.Limit, TimeInForce.Ioc, 150.01m, 3m));
        var position = Assert.Single(x.Positions("a"));
        Assert.Equal(150.00666667m, position.EntryPrice); // 450.02 / 3, not 150.00666666666666666666666667
        Assert.Equal(8, position.UnrealizedPnl.Scale);
    }

    [Fact]
    public void ReduceOnly_WhenFlatOrSameSide_Rejected()
    {
        using var x = Quiet();
        Assert.Equal(RejectCode.ReduceOnlyWouldIncrease, x.Place("a", Limit("a_1", Side.Sell, 160m, 1m, reduceOnly: true, symbol: Perp)).Code);
    }

    [Fact]
    public void PositionMath_FlipsAtTheFillPrice()
    {
        var p = new PaperPosition();
        PaperExchange.ApplyToPosition(p, Side.Buy, 100m, 2m);
        Assert.Equal(10m, PaperExchange.ApplyToPosition(p, Side.Sell, 110m, 1m));
        Assert.Equal(5m, PaperExchange.ApplyToPosition(p, Side.Sell, 105m, 3m)); // closes 1 at +5, opens 2 short
        Assert.Equal(-2m, p.Quantity);
        Assert.Equal(105m, p.EntryPrice);
    }

    [Fact]
    public void PositionMath_SettlesRealizedPnlInEightDecimals_KeepsTheAverageEntryWhole()
    {
        var p = new PaperPosition();
        PaperExchange.ApplyToPosition(p, Side.Buy, 149.95m, 0.5m);
        PaperExchange.ApplyToPosition(p, Side.Buy, 149.91m, 0.5m);
        PaperExchange.ApplyToPosition(p, Side.Buy, 149.88m, 0.5m);
        Assert.Equal(149.91333333333333333333333333m, p.EntryPrice);
        // 0.5 x (150 - 149.9133...) = 0.043333...: credited as 0.04333333, not with 26 decimals.
        Assert.Equal(0.04333333m, PaperExchange.ApplyToPosition(p, Side.Sell, 150m, 0.5m));
        Assert.Equal(0.04333333m, p.RealizedPnl);
    }

    [Fact]
    public void CancelAll_WithPrefix_TouchesOnlyThatPrefix()
    {
        using var x = Quiet();
        x.Place("a", Limit("mm_1", Side.Buy, 100m, 1m));
        x.Place("a", Limit("mm-b_1", Side.Buy, 100m, 1m));
        Assert.Equal(1, x.CancelAll("a", Spot, "mm_"));
        Assert.Equal("mm-b_1", Assert.Single(x.OpenOrders("a", Spot)).ClientOrderId);
    }

    [Fact]
    public void SameSeed_SamePricePath()
    {
        static decimal[] Path(ulong seed)
        {
            var time = new FakeTimeProvider();
            using var x = new PaperExchange(new PaperSettings { Seed = seed }, time);
            return Enumerable.Range(0, 200).Select(_ => { x.Tick(); return x.Mid(Spot)!.Value; }).ToArray();
        }
        Assert.Equal(Path(7), Path(7));
        Assert.NotEqual(Path(7), Path(8));
    }

    [Fact]
    public void DefaultMarket_FillsQuotesNearTheTouch_WithinAMinute()
    {
        // The default paper market against the default quotes (0.2 % spread, 3 levels, 0.5): fills within 60 simulated seconds.
        var time = new FakeTimeProvider();
        using var x = new PaperExchange(new PaperSettings { Seed = 42 }, time);
        var spec = PaperMarkets.Find(Spot)!;
        var seconds = 0;
        for (; seconds < 60 && x.Fills("mm", Spot, DateTimeOffset.MinValue).Count == 0; seconds++)
        {
            x.CancelAll("mm", Spot, null);
            var mid = x.Mid(Spot)!.Value;
            x.Place("mm", Limit($"mm_b{seconds}", Side.Buy, spec.RoundPrice(mid * 0.999m), 0.5m, postOnly: true));
            x.Place("mm", Limit($"mm_a{seconds}", Side.Sell, spec.RoundPrice(mid * 1.001m), 0.5m, postOnly: true));
            for (var t = 0; t < 5; t++) { time.Advance(TimeSpan.FromMilliseconds(200)); x.Tick(); }
        }
        Assert.True(seconds < 60, "no fill within a minute");
    }

    [Fact]
    public void Restart_FindsTheVenueAsItWasLeft()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider();
        decimal mid;
        using (var x = Quiet(time, dir.Path))
        {
            x.Place("acct", Limit("mm_1", Side.Buy, 100m, 1m));
            x.Place("maker", Limit("m_1", Side.Sell, 150m, 1m));
            x.Place("acct", new PlaceOrderRequest(Spot, "mm_2", Side.Buy, OrderType.Limit, TimeInForce.Ioc, 150m, 1m));
            mid = x.Mid(Spot)!.Value;
        }
        using var again = Quiet(time, dir.Path);
        Assert.Equal("mm_1", Assert.Single(again.OpenOrders("acct", Spot)).ClientOrderId);
        Assert.Equal(VenueOrderStatus.Filled, again.GetOrder("acct", Spot, "mm_2")!.Status);
        Assert.Single(again.Fills("acct", Spot, DateTimeOffset.MinValue));
        Assert.Equal(101m, BalanceOf(again, "acct", "SOL").Total);
        Assert.Equal(mid, again.Mid(Spot));
        // The restored order still matches.
        again.Place("taker", new PlaceOrderRequest(Spot, "t_1", Side.Sell, OrderType.Market, TimeInForce.Ioc, null, 0.01m));
    }

    [Fact]
    public void SecondProcessOnTheSameAccount_IsRefused()
    {
        using var dir = new TempDirectory();
        using var first = Quiet(dir: dir.Path);
        var ex = Assert.Throws<InvalidOperationException>(() => Quiet(dir: dir.Path));
        Assert.Contains("in use", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BookStream_SnapshotThenSequencedDeltas()
    {
        using var x = Quiet();
        var reader = x.SubscribeBook(Spot, out var unsubscribe);
        var snapshot = Assert.IsType<Mmd.Trading.Execution.BookSnapshotEvent>(await reader.ReadAsync().AsTask().DefaultTimeout());
        x.Place("a", Limit("a_1", Side.Buy, 149.5m, 1m));
        var delta = Assert.IsType<BookDeltaEvent>(await reader.ReadAsync().AsTask().DefaultTimeout());
        Assert.Equal(snapshot.Sequence + 1, delta.FirstSequence);
        Assert.Contains(delta.Bids, l => l.Price == 149.5m);
        unsubscribe();
    }
}
