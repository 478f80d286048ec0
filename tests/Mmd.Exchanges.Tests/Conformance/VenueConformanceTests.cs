using Mmd.Emulators.Faults;
using Mmd.Exchanges.Paper;
using Mmd.TestKit;
using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Tests.Conformance;

/// <summary>
/// The venue conformance suite: scenarios every connector must pass, with stable ids (C01…), skipped where a venue
/// declares it cannot (capabilities, or no way to inject faults). Run against the paper venue and each emulator.
/// </summary>
public abstract class VenueConformanceTests : IAsyncLifetime
{
    private string Spot => Venue.MainSymbol;
    private string Perp => Venue.PerpSymbol;
    private const string Instance = "conf";
    private int _takerOrders;

    protected IVenueUnderTest Venue { get; private set; } = null!;

    protected abstract Task<IVenueUnderTest> StartVenueAsync();

    public async Task InitializeAsync() => Venue = await StartVenueAsync();

    public async Task DisposeAsync() => await Venue.DisposeAsync();

    [SkippableFact]
    public async Task C01_PostOnlyLimit_RestsOpen_AndIsListed()
    {
        await using var venue = Venue.Connect(Instance);
        RequireCapability(venue, ConnectorCapabilities.PostOnly);
        var ids = venue.CreateClientOrderIds(Instance, DateTimeOffset.UtcNow);
        var placed = await PlaceBidAsync(venue, ids.Next(), Spot, PassiveBid(Spot), 0.5m);
        Assert.Equal(CommandOutcome.Accepted, placed.Outcome);
        Assert.Equal(VenueOrderStatus.Open, placed.Order!.Status);
        var listed = Assert.Single(await venue.GetOpenOrdersAsync(Spot, default).DefaultTimeout());
        Assert.Equal(placed.Order.ClientOrderId, listed.ClientOrderId);
        Assert.True(ClientOrderIds.IsOwnedBy(listed.ClientOrderId, Instance));
        Assert.Equal(0.5m, listed.Quantity);
    }

    [SkippableFact]
    public async Task C02_CancelByVenueId_IsCancelled_AndNoLongerListed()
    {
        await using var venue = Venue.Connect(Instance);
        var ids = venue.CreateClientOrderIds(Instance, DateTimeOffset.UtcNow);
        var placed = await PlaceBidAsync(venue, ids.Next(), Spot, PassiveBid(Spot), 0.5m);
        var cancelled = await venue.CancelOrderAsync(new CancelOrderRequest(Spot, placed.Order!.VenueOrderId, null), default).DefaultTimeout();
        Assert.Equal(CommandOutcome.Accepted, cancelled.Outcome);
        Assert.Equal(VenueOrderStatus.Cancelled, cancelled.Order!.Status);
        Assert.Empty(await venue.GetOpenOrdersAsync(Spot, default).DefaultTimeout());
        var again = await venue.CancelOrderAsync(new CancelOrderRequest(Spot, placed.Order.VenueOrderId, null), default).DefaultTimeout();
        Assert.Equal(RejectCode.OrderNotFound, again.Code);
    }

    [SkippableFact]
    public async Task C03_CancelByClientId()
    {
        await using var venue = Venue.Connect(Instance);
        RequireCapability(venue, ConnectorCapabilities.CancelByClientId);
        var ids = venue.CreateClientOrderIds(Instance, DateTimeOffset.UtcNow);
        var clientId = ids.Next();
        await PlaceBidAsync(venue, clientId, Spot, PassiveBid(Spot), 0.5m);
        var cancelled = await venue.CancelOrderAsync(new CancelOrderRequest(Spot, null, clientId), default).DefaultTimeout();
        Assert.Equal(CommandOutcome.Accepted, cancelled.Outcome);
        Assert.Equal(clientId, cancelled.Order!.ClientOrderId);
        Assert.Empty(await venue.GetOpenOrdersAsync(Spot, default).DefaultTimeout());
    }

    [SkippableFact]
    public async Task C04_PartialThenFullFill_EachArrivesExactlyOnce()
    {
        await using var venue = Venue.Connect(Instance);
        RequireCapability(venue, ConnectorCapabilities.AccountStream | ConnectorCapabilities.FillHistory);
        await using var account = new AccountRecorder(venue, Spot);
        await Venue.AccountStreamLiveAsync(account).DefaultTimeout();
        var ids = venue.CreateClientOrderIds(Instance, DateTimeOffset.UtcNow);
        var price = PassiveBid(Spot);
        var placed = await PlaceBidAsync(venue, ids.Next(), Spot, price, 1m);

        SellDownTo(Spot, price, ours: 0.4m);
        await Until.TrueAsync(() => account.Fills.Count == 1, "the partial fill arrives");
        SellDownTo(Spot, price, ours: 0.6m);
        await Until.TrueAsync(() => account.Fills.Count == 2, "the second fill arrives");
        await Until.TrueAsync(() => account.Events.OfType<OrderUpdateEvent>().Any(u => u.Order.Status == VenueOrderStatus.Filled), "the order is reported filled");

        Assert.Equal([0.4m, 0.6m], account.Fills.Select(f => f.Quantity));
        Assert.All(account.Fills, f => Assert.Equal(placed.Order!.ClientOrderId, f.ClientOrderId));
        Assert.Equal(2, account.Fills.Select(f => f.TradeId).Distinct().Count());
        var history = await venue.GetFillsAsync(Spot, DateTimeOffset.UtcNow.AddMinutes(-5), default).DefaultTimeout();
        Assert.Equal(account.Fills.Select(f => f.TradeId).Order(), history.Select(f => f.TradeId).Order());
        Assert.Null(account.Failure);
    }

    [SkippableFact]
    public async Task C05_PositionsAndOpenOrders_AreListed_AfterAPerpFill()
    {
        await using var venue = Venue.Connect(Instance);
        RequireCapability(venue, ConnectorCapabilities.Perpetual);
        var ids = venue.CreateClientOrderIds(Instance, DateTimeOffset.UtcNow);
        var price = PassiveBid(Perp);
        await PlaceBidAsync(venue, ids.Next(), Perp, price, 2m);
        SellDownTo(Perp, price, ours: 0.5m);
        await Until.TrueAsync(async () => (await venue.GetPositionsAsync(default)).Any(p => p.Symbol == Perp && p.Quantity == 0.5m), "the position is listed");
        var position = (await venue.GetPositionsAsync(default).DefaultTimeout()).Single(p => p.Symbol == Perp);
        Assert.Equal(price, position.EntryPrice);
        var open = Assert.Single(await venue.GetOpenOrdersAsync(Perp, default).DefaultTimeout());
        Assert.Equal(VenueOrderStatus.PartiallyFilled, open.Status);
        Assert.Equal(0.5m, open.FilledQuantity);
    }

    [SkippableFact]
    public async Task C06_PostOnlyThatWouldCross_IsRejected()
    {
        await using var venue = Venue.Connect(Instance);
        RequireCapability(venue, ConnectorCapabilities.PostOnly);
        var ids = venue.CreateClientOrderIds(Instance, DateTimeOffset.UtcNow);
        var crossing = Levels(Spot, Side.Sell, 1)[0].Price;
        var result = await venue.PlaceOrderAsync(new PlaceOrderRequest(Spot, ids.Next(), Side.Buy, OrderType.Limit, TimeInForce.Gtc, crossing, 0.5m, PostOnly: true), default).DefaultTimeout();
        Assert.Equal(CommandOutcome.Rejected, result.Outcome);
        Assert.Equal(RejectCode.PostOnlyWouldTake, result.Code);
        Assert.Empty(await venue.GetOpenOrdersAsync(Spot, default).DefaultTimeout());
    }

    [SkippableFact]
    public async Task C07_ReduceOnly_NeverIncreasesAPosition()
    {
        await using var venue = Venue.Connect(Instance);
        RequireCapability(venue, ConnectorCapabilities.ReduceOnly | ConnectorCapabilities.Perpetual);
        var ids = venue.CreateClientOrderIds(Instance, DateTimeOffset.UtcNow);
        var bid = Levels(Perp, Side.Buy, 1)[0].Price;
        var result = await venue.PlaceOrderAsync(new PlaceOrderRequest(Perp, ids.Next(), Side.Sell, OrderType.Limit, TimeInForce.Ioc, bid, 0.5m, ReduceOnly: true), default).DefaultTimeout();
        Assert.Equal(CommandOutcome.Rejected, result.Outcome);
        Assert.Equal(RejectCode.ReduceOnlyWouldIncrease, result.Code);
        Assert.DoesNotContain(await venue.GetPositionsAsync(default).DefaultTimeout(), p => p.Symbol == Perp && p.Quantity != 0);
    }

    [SkippableFact]
    public async Task C15_FillOrKill_TradesInFullOrNotAtAll()
    {
        await using var venue = Venue.Connect(Instance);
        RequireCapability(venue, ConnectorCapabilities.FillOrKill);
        var ids = venue.CreateClientOrderIds(Instance, DateTimeOffset.UtcNow);
        var best = Levels(Spot, Side.Sell, 1)[0];
        var tooMuch = await venue.PlaceOrderAsync(new PlaceOrderRequest(Spot, ids.Next(), Side.Buy, OrderType.Limit, TimeInForce.Fok, best.Price, best.Quantity + 0.01m), default).DefaultTimeout();
        Assert.Equal(CommandOutcome.Accepted, tooMuch.Outcome);
        Assert.Equal((VenueOrderStatus.Expired, 0m), (tooMuch.Order!.Status, tooMuch.Order.FilledQuantity));
        Assert.Equal(best, Levels(Spot, Side.Sell, 1)[0]); // nothing traded
        var exact = await venue.PlaceOrderAsync(new PlaceOrderRequest(Spot, ids.Next(), Side.Buy, OrderType.Limit, TimeInForce.Fok, best.Price, best.Quantity), default).DefaultTimeout();
        Assert.Equal((VenueOrderStatus.Filled, best.Quantity), (exact.Order!.Status, exact.Order.FilledQuantity));
    }

    [SkippableFact]
    public async Task C08_BookStream_SnapshotThenDeltas_FollowTheVenuesBook()
    {
        await using var venue = Venue.Connect(Instance);
        RequireCapability(venue, ConnectorCapabilities.OrderBookStream);
        using var stop = new CancellationTokenSource();
        var book = new OrderBook(Spot);
        var reading = ReadBookAsync(venue, book, stop.Token);
        await Until.TrueAsync(() => book.IsSynced, "the snapshot arrives");
        var ids = venue.CreateClientOrderIds(Instance, DateTimeOffset.UtcNow);
        var inside = Levels(Spot, Side.Buy, 1)[0].Price + 0.01m;
        await PlaceBidAsync(venue, ids.Next(), Spot, inside, 0.7m);
        await Until.TrueAsync(() => book.BestBid is { } b && b.Price == inside && b.Quantity == 0.7m, "our bid shows on the streamed book");
        Assert.True(book.IsSynced);
        await stop.CancelAsync();
        await reading;
    }

    [SkippableFact]
    public async Task C09_WebSocketReconnect_RestoresTheBook()
    {
        Skip.If(Venue.DropStreams is null, "the venue has no connection to cut");
        await using var venue = Venue.Connect(Instance);
        using var stop = new CancellationTokenSource();
        var book = new OrderBook(Spot);
        var reading = ReadBookAsync(venue, book, stop.Token);
        await Until.TrueAsync(() => book.IsSynced, "the snapshot arrives");
        Venue.DropStreams!();
        var failed = await Assert.ThrowsAnyAsync<Exception>(() => reading.DefaultTimeout());
        Assert.IsNotType<TimeoutException>(failed);

        // While the stream is down the book moves; a new subscription must show the book as it is now.
        var ids = venue.CreateClientOrderIds(Instance, DateTimeOffset.UtcNow);
        var inside = Levels(Spot, Side.Buy, 1)[0].Price + 0.01m;
        await PlaceBidAsync(venue, ids.Next(), Spot, inside, 0.3m);
        var restored = new OrderBook(Spot);
        var again = ReadBookAsync(venue, restored, stop.Token);
        await Until.TrueAsync(() => restored.IsSynced && restored.BestBid?.Price == inside, "the resubscribed book holds the change made while it was down");
        await stop.CancelAsync();
        await again;
    }

    [SkippableFact]
    public async Task C16_AQuietBook_IsConfirmedAlive_AndWhenItMoves_TheChangeStillArrives()
    {
        // The market here is still (no drift, no flow): nothing changes the book but us. Every venue runs its quiet marks
        // at 300 ms here (IVenueUnderTest), instead of the five seconds they run at.
        await using var venue = Venue.Connect(Instance);
        using var stop = new CancellationTokenSource();
        var events = new List<(MarketDataEvent Event, DateTimeOffset Received)>();
        var reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in venue.StreamOrderBookAsync(Spot, stop.Token))
                    lock (events) events.Add((e, DateTimeOffset.UtcNow));
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        });
        List<(MarketDataEvent Event, DateTimeOffset Received)> Seen() { lock (events) return [.. events]; }
        await Until.TrueAsync(() => Seen().Count(e => e.Event is BookAliveEvent) >= 3, "three quiet marks after the snapshot");
        var quiet = Seen();
        Assert.IsType<BookSnapshotEvent>(quiet[0].Event);
        Assert.DoesNotContain(quiet, e => e.Event is BookDeltaEvent); // a mark says nothing changed; it is not a change
        var marks = quiet.Where(e => e.Event is BookAliveEvent).ToList();
        Assert.All(marks, m => Assert.Equal(Spot, m.Event.Symbol));
        Assert.All(marks, m => Assert.True(m.Received - quiet[0].Received >= TimeSpan.FromMilliseconds(250), "a mark came before the stream had been quiet"));
        for (var i = 1; i < marks.Count; i++) Assert.True(marks[i].Event.Time >= marks[i - 1].Event.Time);

        var ids = venue.CreateClientOrderIds(Instance, DateTimeOffset.UtcNow);
        var inside = Levels(Spot, Side.Buy, 1)[0].Price + 0.01m;
        await PlaceBidAsync(venue, ids.Next(), Spot, inside, 0.3m);
        await Until.TrueAsync(() => Seen().Any(e => e.Event is BookDeltaEvent d && d.Bids.Any(l => l.Price == inside)), "our bid arrives as a change");
        await stop.CancelAsync();
        await reading.DefaultTimeout();
    }

    [SkippableFact]
    public async Task C14_AccountStreamReconnect_DeliversFillsAgain()
    {
        Skip.If(Venue.DropStreams is null, "the venue has no connection to cut");
        await using var venue = Venue.Connect(Instance);
        var ids = venue.CreateClientOrderIds(Instance, DateTimeOffset.UtcNow);
        var price = PassiveBid(Spot);
        await PlaceBidAsync(venue, ids.Next(), Spot, price, 1m);
        await using (var first = new AccountRecorder(venue, Spot))
        {
            await Venue.AccountStreamLiveAsync(first).DefaultTimeout();
            Venue.DropStreams!();
            await Until.TrueAsync(() => first.Failure is not null, "the cut stream fails (the engine then subscribes again)");
        }
        await using var again = new AccountRecorder(venue, Spot);
        await Venue.AccountStreamLiveAsync(again).DefaultTimeout();
        SellDownTo(Spot, price, ours: 0.3m);
        await Until.TrueAsync(() => again.Fills.Count == 1, "the fill arrives on the new subscription");
        Assert.Equal(0.3m, again.Fills[0].Quantity);
    }

    [SkippableFact]
    public async Task C10_RestartWithOpenOrders_FindsThemByClientId()
    {
        string clientId;
        var firstRun = DateTimeOffset.UtcNow;
        await using (var before = Venue.Connect(Instance))
        {
            clientId = before.CreateClientOrderIds(Instance, firstRun).Next();
            await PlaceBidAsync(before, clientId, Spot, PassiveBid(Spot), 0.5m);
        }
        await using var after = Venue.Connect(Instance);
        RequireCapability(after, ConnectorCapabilities.QueryOrderByClientId);
        var open = Assert.Single(await after.GetOpenOrdersAsync(Spot, default).DefaultTimeout());
        Assert.Equal(clientId, open.ClientOrderId);
        Assert.Equal(clientId, (await after.GetOrderAsync(Spot, clientId, default).DefaultTimeout())?.ClientOrderId);
        // A new run's ids never collide with the order still open from the last one (a restart starts later).
        var ids = after.CreateClientOrderIds(Instance, firstRun.AddSeconds(1));
        Assert.DoesNotContain(clientId, Enumerable.Range(0, 1000).Select(_ => ids.Next()));
    }

    [SkippableFact]
    public async Task C18_ANewRun_NumbersOnAfterTheLastRunsLastOrder_AndReusesNoneOfItsIds()
    {
        // The last run ordered faster than a clock-timed start moves on (50 ids at once); the new run is told its last id,
        // as the engine tells it the journal's newest order at start.
        var earlier = new List<string>();
        var firstRun = DateTimeOffset.UtcNow;
        await using (var before = Venue.Connect(Instance))
        {
            var ids = before.CreateClientOrderIds(Instance, firstRun);
            for (var i = 0; i < 50; i++) earlier.Add(ids.Next());
            await PlaceBidAsync(before, earlier[^1], Spot, PassiveBid(Spot), 0.5m);
            Assert.Equal(1, await before.CancelAllAsync(Spot, ClientOrderIds.PrefixOf(Instance), default).DefaultTimeout());
        }
        await using var after = Venue.Connect(Instance);
        var next = after.CreateClientOrderIds(Instance, firstRun.AddSeconds(1)); // a restart starts later (C10)
        next.ContinueAfter(earlier[^1]);
        var id = next.Next();
        Assert.DoesNotContain(id, earlier);
        if (Number(earlier[^1]) is { } last && Number(id) is { } first) Assert.Equal(last + 1, first); // a venue whose ids are numbers
        var placed = await PlaceBidAsync(after, id, Spot, PassiveBid(Spot), 0.5m);
        Assert.Equal(id, Assert.Single(await after.GetOpenOrdersAsync(Spot, default).DefaultTimeout()).ClientOrderId);
        Assert.Equal(id, placed.Order!.ClientOrderId);

        static long? Number(string clientOrderId) =>
            long.TryParse(clientOrderId.AsSpan(ClientOrderIds.PrefixOf(Instance).Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    [SkippableFact]
    public async Task C19_ATradeOfTwoOfOurOwnOrders_IsAFillOfEach_LiveAndInTheHistory()
    {
        // A venue whose self-trade prevention is off for the account lets our IOC trade with our own resting bid. That
        // one trade is two fills of ours, a buy and a sell, which many venues give one trade id: a connector that took
        // the second for a repeat of the first left the sell out of the position.
        await using var venue = Venue.Connect(Instance);
        RequireCapability(venue, ConnectorCapabilities.AccountStream | ConnectorCapabilities.FillHistory);
        Venue.Market.AllowSelfTrades(Venue.Account);
        await using var account = new AccountRecorder(venue, Spot);
        await Venue.AccountStreamLiveAsync(account).DefaultTimeout();
        var ids = venue.CreateClientOrderIds(Instance, DateTimeOffset.UtcNow);
        var price = Levels(Spot, Side.Buy, 1)[0].Price + PaperMarkets.Find(Venue.MarketSymbol(Spot))!.TickSize; // the best bid: ours
        var bid = await PlaceBidAsync(venue, ids.Next(), Spot, price, 0.5m);
        var sell = await venue.PlaceOrderAsync(new PlaceOrderRequest(Spot, ids.Next(), Side.Sell, OrderType.Limit, TimeInForce.Ioc, price, 0.3m), default).DefaultTimeout();
        Assert.Equal((CommandOutcome.Accepted, 0.3m), (sell.Outcome, sell.Order!.FilledQuantity));

        await Until.TrueAsync(() => account.Fills.Count >= 2, "both fills arrive");
        Expected(account.Fills);
        Assert.Null(account.Failure);
        Expected(await venue.GetFillsAsync(Spot, DateTimeOffset.UtcNow.AddMinutes(-5), default).DefaultTimeout());

        void Expected(IReadOnlyList<VenueFill> fills)
        {
            Assert.Equal(
                [(bid.Order!.ClientOrderId, Side.Buy, 0.3m, true), (sell.Order.ClientOrderId, Side.Sell, 0.3m, false)],
                fills.Select(f => (f.ClientOrderId, f.Side, f.Quantity, f.IsMaker)).OrderBy(f => f.Side));
            Assert.Equal(2, fills.Select(f => (f.TradeId, f.Side)).Distinct().Count()); // two fills however the venue names the trade
        }
    }

    [SkippableFact]
    public async Task C20_OurTaker_MeetingARestingOrderOfTheAccount_TradesOn_AndThatOrderIsCancelled()
    {
        // Another instance on the account rests a bid above the others'. Our IOC sell (a hedge, say) goes through it to the
        // others' bids: the venue cancels the account's bid rather than refusing our order (Backpack's default refuses it).
        await using var venue = Venue.Connect(Instance);
        await using var other = Venue.Connect("twin");
        var spot = PaperMarkets.Find(Venue.MarketSymbol(Spot))!;
        var othersBid = Levels(Spot, Side.Buy, 1)[0].Price;
        var twinsBid = await PlaceBidAsync(other, other.CreateClientOrderIds("twin", DateTimeOffset.UtcNow).Next(), Spot, othersBid + spot.TickSize, 0.5m);
        var sell = await venue.PlaceOrderAsync(new PlaceOrderRequest(Spot, venue.CreateClientOrderIds(Instance, DateTimeOffset.UtcNow).Next(), Side.Sell,
            OrderType.Limit, TimeInForce.Ioc, othersBid, 0.3m), default).DefaultTimeout();
        Assert.Equal((CommandOutcome.Accepted, 0.3m), (sell.Outcome, sell.Order!.FilledQuantity));
        Assert.DoesNotContain(await other.GetOpenOrdersAsync(Spot, default).DefaultTimeout(), o => o.ClientOrderId == twinsBid.Order!.ClientOrderId);
    }

    [SkippableFact]
    public async Task C11_RateLimitStorm_IsRiddenOut_WithoutABurst()
    {
        Skip.If(Venue.Faults is null, "the venue cannot inject faults");
        await using var venue = Venue.Connect(Instance);
        Venue.Faults!.Add(new Fault(FaultKind.RateLimit, "GET", Venue.FaultPaths.OpenOrders, Count: 3) { RetryAfter = TimeSpan.FromSeconds(1) });
        Assert.Empty(await venue.GetOpenOrdersAsync(Spot, default).DefaultTimeout());
        var attempts = Venue.Faults.Requests.Where(r => r.Path == Venue.FaultPaths.OpenOrders).ToList();
        Assert.Equal([429, 429, 429, 200], attempts.Select(a => a.Status));
        for (var i = 1; i < attempts.Count; i++)
            Assert.True(attempts[i].At - attempts[i - 1].At >= TimeSpan.FromMilliseconds(950), $"attempt {i} came {(attempts[i].At - attempts[i - 1].At).TotalMilliseconds:0} ms after the 429");
    }

    [SkippableFact]
    public async Task C12_LostResponse_IsUnknown_AndSettledByQuery_NeverResent()
    {
        Skip.If(Venue.Faults is null, "the venue cannot inject faults");
        await using var venue = Venue.Connect(Instance);
        Venue.Faults!.Add(new Fault(FaultKind.LoseResponse, "POST", Venue.FaultPaths.PlaceOrder));
        var clientId = venue.CreateClientOrderIds(Instance, DateTimeOffset.UtcNow).Next();
        var result = await PlaceBidAsync(venue, clientId, Spot, PassiveBid(Spot), 0.5m, expectAccepted: false);
        Assert.Equal(CommandOutcome.Unknown, result.Outcome);
        var settled = await venue.GetOrderAsync(Spot, clientId, default).DefaultTimeout();
        Assert.Equal(VenueOrderStatus.Open, settled?.Status);
        Assert.Single(Venue.Faults.Requests, r => r.Method == "POST" && r.Path == Venue.FaultPaths.PlaceOrder);
    }

    [SkippableFact]
    public async Task C21_APlaceWaitingForTheRequestLimit_IsWithdrawn_AndNeverReachesTheVenue_WhileOneThatLeftCannotBe()
    {
        Skip.If(Venue.Faults is null, "the venue cannot inject faults");
        await using var venue = Venue.Connect(Instance);
        var ids = venue.CreateClientOrderIds(Instance, DateTimeOffset.UtcNow);
        var price = PassiveBid(Spot);
        // A 429 on the first place: its Retry-After holds this connector's next place for 2 s.
        Venue.Faults!.Add(new Fault(FaultKind.RateLimit, "POST", Venue.FaultPaths.PlaceOrder) { RetryAfter = TimeSpan.FromSeconds(2) });
        Assert.NotEqual(CommandOutcome.Accepted, (await PlaceBidAsync(venue, ids.Next(), Spot, price, 0.5m, expectAccepted: false)).Outcome);

        using var withdrawal = new PlaceWithdrawal();
        var withdrawnId = ids.Next();
        var placing = venue.PlaceOrderAsync(Bid(withdrawnId, Spot, price, 0.5m) with { Withdrawal = withdrawal }, default);
        // Taken back as soon as the connector says it waits (until then a withdrawal changes nothing).
        await Until.TrueAsync(withdrawal.TryWithdraw, "the place waiting out the venue's pause, withdrawn");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => placing.DefaultTimeout());

        using var kept = new PlaceWithdrawal();
        var sent = await venue.PlaceOrderAsync(Bid(ids.Next(), Spot, price - 0.01m, 0.5m) with { Withdrawal = kept }, default).DefaultTimeout();
        Assert.True(sent.Outcome == CommandOutcome.Accepted, $"the bid after the pause was not accepted: {sent.Code} {sent.Message}");
        Assert.False(kept.TryWithdraw());
        Assert.Null(await venue.GetOrderAsync(Spot, withdrawnId, default).DefaultTimeout());
        // The venue saw the refused place and the kept one (answered 200, or 201 where it says so), nothing between.
        Assert.Equal([429, 2], Venue.Faults.Requests.Where(r => r.Method == "POST" && r.Path == Venue.FaultPaths.PlaceOrder).Select(r => r.Status == 429 ? 429 : r.Status / 100));
        Assert.Equal(sent.Order!.ClientOrderId, Assert.Single(await venue.GetOpenOrdersAsync(Spot, default).DefaultTimeout()).ClientOrderId);
    }

    [SkippableFact]
    public async Task C13_CancelAllOwnOrders_LeavesAnotherInstancesOrders()
    {
        await using var mine = Venue.Connect(Instance);
        await using var theirs = Venue.Connect("other");
        RequireCapability(mine, ConnectorCapabilities.CancelAll);
        var myIds = mine.CreateClientOrderIds(Instance, DateTimeOffset.UtcNow);
        var theirIds = theirs.CreateClientOrderIds("other", DateTimeOffset.UtcNow);
        var price = PassiveBid(Spot);
        await PlaceBidAsync(mine, myIds.Next(), Spot, price, 0.5m);
        await PlaceBidAsync(mine, myIds.Next(), Spot, price - 0.01m, 0.5m);
        var kept = await PlaceBidAsync(theirs, theirIds.Next(), Spot, price - 0.02m, 0.5m);
        Assert.Equal(2, await mine.CancelAllAsync(Spot, ClientOrderIds.PrefixOf(Instance), default).DefaultTimeout());
        var left = Assert.Single(await theirs.GetOpenOrdersAsync(Spot, default).DefaultTimeout());
        Assert.Equal(kept.Order!.VenueOrderId, left.VenueOrderId);
        Assert.Equal(kept.Order.ClientOrderId, left.ClientOrderId);
    }

    [SkippableFact]
    public async Task C17_Candles_AreThePaperMarketsOwn_ReadInPages_AtEveryInterval()
    {
        await using var venue = Venue.Connect(Instance);
        Skip.IfNot(venue is ICandleHistory, $"{venue.Venue} keeps no candle history it can be asked for");
        var history = (ICandleHistory)venue;
        // Taken before the trade: read from a minute earlier, the trade's minute is always in (taken after, a trade in the
        // last moment of a minute fell before the read's start once the next minute began, and the read was empty).
        var now = DateTimeOffset.UtcNow;
        // A trade this minute at two prices, so the minute has a bar of its own beside the (flat) synthetic past.
        var bids = Levels(Perp, Side.Buy, 3);
        SellDownTo(Perp, bids.Min(l => l.Price), ours: 0m);
        var until = now + TimeSpan.FromMinutes(1);
        // A day of minutes spans pages on every venue but Aster (1 500 a read); 30 minutes and 4 hours are built from
        // shorter candles where a venue lacks them (Lighter, Paradex).
        foreach (var (interval, span) in new[] { (TimeSpan.FromMinutes(1), TimeSpan.FromDays(1)), (TimeSpan.FromMinutes(30), TimeSpan.FromDays(2)), (TimeSpan.FromHours(4), TimeSpan.FromDays(2)) })
        {
            var read = await history.GetCandlesAsync(Perp, interval, now - span, until, default).DefaultTimeout();
            var expected = Venue.Market.Candles(Venue.MarketSymbol(Perp), interval, now - span, until)!;
            Assert.True(expected.Count >= span / interval - 1, $"{expected.Count} candles of {interval}");
            Assert.Equal(expected, read);
        }
        var minute = (await history.GetCandlesAsync(Perp, TimeSpan.FromMinutes(1), now - TimeSpan.FromMinutes(1), until, default).DefaultTimeout())[^1];
        Assert.Equal(bids.Max(l => l.Price), minute.Open);
        Assert.True(minute.Low < minute.Open && minute.Volume >= bids.Where(l => l.Price > bids.Min(b => b.Price)).Sum(l => l.Quantity), minute.ToString());
    }

    // ---- helpers ----

    private static void RequireCapability(IExchangeConnector venue, ConnectorCapabilities needed) =>
        Skip.IfNot(venue.Capabilities.HasFlag(needed), $"{venue.Venue} does not declare {needed}");

    /// <summary>A bid below the background book: it rests, and only a taker that sweeps down to it fills it.</summary>
    private decimal PassiveBid(string symbol) => Levels(symbol, Side.Buy, 50).Min(l => l.Price) - 0.5m;

    /// <summary>The background book of a venue symbol, from the paper market behind it.</summary>
    private BookLevel[] Levels(string symbol, Side side, int depth) => Venue.Market.Levels(Venue.MarketSymbol(symbol), side, depth);

    private static PlaceOrderRequest Bid(string clientId, string symbol, decimal price, decimal quantity) =>
        new(symbol, clientId, Side.Buy, OrderType.Limit, TimeInForce.Gtc, price, quantity, PostOnly: true);

    private static async Task<PlaceOrderResult> PlaceBidAsync(IExchangeConnector venue, string clientId, string symbol, decimal price, decimal quantity, bool expectAccepted = true)
    {
        var result = await venue.PlaceOrderAsync(Bid(clientId, symbol, price, quantity), default).DefaultTimeout();
        if (expectAccepted) Assert.True(result.Outcome == CommandOutcome.Accepted, $"the bid was not accepted: {result.Code} {result.Message}");
        return result;
    }

    /// <summary>Another account sells everything above <paramref name="price"/> and <paramref name="ours"/> at it.</summary>
    private void SellDownTo(string symbol, decimal price, decimal ours)
    {
        var ahead = Levels(symbol, Side.Buy, 50).Where(l => l.Price > price).Sum(l => l.Quantity);
        var taker = Venue.Market.Place("taker", new PlaceOrderRequest(Venue.MarketSymbol(symbol), $"taker{Interlocked.Increment(ref _takerOrders)}", Side.Sell, OrderType.Limit, TimeInForce.Ioc, price, ahead + ours));
        Assert.Equal(CommandOutcome.Accepted, taker.Outcome);
    }

    private static Task ReadBookAsync(IExchangeConnector venue, OrderBook book, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        try
        {
            await foreach (var e in venue.StreamOrderBookAsync(book.Symbol, cancellationToken))
            {
                switch (e)
                {
                    case BookSnapshotEvent s: book.ApplySnapshot(s.Sequence, s.Bids, s.Asks, s.Time); break;
                    case BookDeltaEvent d:
                        var applied = book.ApplyDelta(d.FirstSequence, d.LastSequence, d.Bids, d.Asks, d.Time);
                        Assert.NotEqual(BookApplyResult.Gap, applied);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
    }, CancellationToken.None);
}
