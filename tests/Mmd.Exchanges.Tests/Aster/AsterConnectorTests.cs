using Mmd.Emulators.Aster;
using Mmd.Emulators.Faults;
using Mmd.Exchanges.Aster;
using Mmd.Exchanges.Paper;
using Mmd.Exchanges.Tests.Conformance;
using Mmd.TestKit;
using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Tests.Aster;

/// <summary>
/// What the conformance suite does not cover of the Aster connector, against the loopback emulator over real HTTP and
/// WebSocket: pu continuity, bookTicker, the listen key's life, the dead-man's switch, batch orders and funding.
/// </summary>
[Collection(TimingSensitiveTests.Name)]
public sealed class AsterConnectorTests : IAsyncLifetime, IDisposable
{
    private const string Symbol = "SOLUSDC";
    private const string Paper = "SOL_USDC_PERP";
    private PaperExchange _market = null!;
    private AsterEmulator _venue = null!;

    public async Task InitializeAsync()
    {
        _market = new PaperExchange(new PaperSettings { VolatilityPct = 0m, FlowRate = 0m, FundingInterval = TimeSpan.FromSeconds(1), FundingRatePct = 0.01m },
            TimeProvider.System);
        _venue = await AsterEmulator.StartAsync(_market, TimeProvider.System).DefaultTimeout();
        _venue.Auth.ApproveAgent(AsterTestKeys.User, AsterTestKeys.Signer);
    }

    public async Task DisposeAsync() => await _venue.DisposeAsync();

    public void Dispose() => _market.Dispose();

    private AsterConnector Connect(AsterOptions? options = null, HttpMessageHandler? handler = null) =>
        new((options ?? new AsterOptions()) with { RestBaseUrl = _venue.RestUrl, WebSocketUrl = _venue.WebSocketUrl },
            AsterCredentials.From(AsterTestKeys.V3Variables, AsterSigning.V3), TimeProvider.System, handler);

    private decimal PassiveBid() => _market.Levels(Paper, Side.Buy, 50).Min(l => l.Price) - 0.5m;

    private static PlaceOrderRequest Bid(ClientOrderIds ids, decimal price, decimal quantity = 0.5m) =>
        new(Symbol, ids.Next(), Side.Buy, OrderType.Limit, TimeInForce.Gtc, price, quantity, PostOnly: true);

    [Fact]
    public async Task DepthStream_FollowsPu_NotU_AndALostEventIsAGap()
    {
        await using var venue = Connect();
        using var stop = new CancellationTokenSource();
        var book = new OrderBook(Symbol);
        var results = new List<BookApplyResult>();
        var reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in venue.StreamOrderBookAsync(Symbol, stop.Token))
                {
                    if (e is BookSnapshotEvent s) book.ApplySnapshot(s.Sequence, s.Bids, s.Asks, s.Time);
                    else if (e is BookDeltaEvent d) lock (results) results.Add(book.ApplyDelta(d.FirstSequence, d.LastSequence, d.Bids, d.Asks, d.Time));
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        });
        await Until.TrueAsync(() => book.IsSynced, "the snapshot arrives");
        // The venue's update ids jump by ten between events (U is not the last u + 1); pu links them, so nothing is a gap.
        var ids = new ClientOrderIds("dm", DateTimeOffset.UtcNow);
        var inside = _market.Levels(Paper, Side.Buy, 1)[0].Price + 0.01m;
        await venue.PlaceOrderAsync(Bid(ids, inside, 0.7m), default).DefaultTimeout();
        await Until.TrueAsync(() => book.BestBid?.Price == inside, "our bid shows on the streamed book");
        lock (results) Assert.DoesNotContain(BookApplyResult.Gap, results);
        Assert.Equal(0, book.Sequence % 10);

        _market.InjectBookGap(Paper); // the venue loses an event: the next one's pu is a u the client never saw
        _market.SetMid(Paper, _market.Mid(Paper)!.Value + 0.5m);
        await Until.TrueAsync(() => { lock (results) return results.Contains(BookApplyResult.Gap); }, "the lost event is caught as a gap");
        Assert.False(book.IsSynced);
        await stop.CancelAsync();
        await reading.DefaultTimeout();
    }

    [Fact]
    public async Task BookTicker_StreamsTheTouch()
    {
        await using var venue = Connect();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var ids = new ClientOrderIds("bt", DateTimeOffset.UtcNow);
        var inside = _market.Levels(Paper, Side.Buy, 1)[0].Price + 0.01m;
        var placing = Task.Run(async () =>
        {
            await Task.Delay(300);
            await venue.PlaceOrderAsync(Bid(ids, inside, 0.3m), default);
        });
        await foreach (var ticker in venue.StreamBookTickerAsync(Symbol, stop.Token))
        {
            Assert.Equal(Symbol, ticker.Symbol);
            Assert.True(ticker.BidPrice < ticker.AskPrice);
            if (ticker.BidPrice == inside && ticker.BidQuantity == 0.3m) break;
        }
        Assert.False(stop.IsCancellationRequested, "our bid never showed as the touch");
        await placing;
    }

    [Fact]
    public async Task ListenKey_IsKeptAlive_AndAnExpiredOne_FailsTheStream_ThenTheNextSubscriptionMakesANewKey()
    {
        await using var venue = Connect(new AsterOptions { ListenKeyKeepAlive = TimeSpan.FromMilliseconds(200) });
        await using (var first = new AccountRecorder(venue, Symbol))
        {
            await Until.TrueAsync(() => first.Events.OfType<AccountResyncRequiredEvent>().Any() && _venue.LastUserStreamAt >= first.StartedAt, "the user stream is connected");
            await Until.TrueAsync(() => _venue.ListenKeyKeepAlives >= 2, "the key is kept alive");
            _venue.ExpireListenKeys();
            await Until.TrueAsync(() => first.Failure is not null, "the expired key fails the stream");
            Assert.Contains("expired", first.Failure!.Message, StringComparison.Ordinal);
        }
        await using var again = new AccountRecorder(venue, Symbol);
        await Until.TrueAsync(() => again.Events.OfType<AccountResyncRequiredEvent>().Any() && _venue.LastUserStreamAt >= again.StartedAt, "subscribed again");
        Assert.Equal(2, _venue.ListenKeysCreated);
        var ids = new ClientOrderIds("lk", DateTimeOffset.UtcNow);
        var price = PassiveBid();
        var placed = await venue.PlaceOrderAsync(Bid(ids, price), default).DefaultTimeout();
        _market.Place("taker", new PlaceOrderRequest(Paper, "t1", Side.Sell, OrderType.Limit, TimeInForce.Ioc, price,
            _market.Levels(Paper, Side.Buy, 50).Where(l => l.Price > price).Sum(l => l.Quantity) + 0.2m));
        await Until.TrueAsync(() => again.Fills.Count == 1, "the fill arrives on the new key's stream");
        Assert.Equal((placed.Order!.ClientOrderId, 0.2m), (again.Fills[0].ClientOrderId, again.Fills[0].Quantity));
    }

    [Fact]
    public async Task DeadManSwitch_IsArmedBeforeTheFirstOrder_Renewed_AndTurnedOffByAGracefulStop()
    {
        // 3 s, renewed every second. With 1.5 s (a renewal every 0.5 s) the order was gone once in a CI run, where the test
        // assemblies share 2 cores; a renewal then has a second of slack. The countdown check comes first, to say which.
        var countdown = TimeSpan.FromSeconds(3);
        ClientOrderIds ids;
        await using (var venue = Connect(new AsterOptions { DeadManCountdown = countdown }))
        {
            ids = new ClientOrderIds("dms", DateTimeOffset.UtcNow);
            Assert.Null(_venue.CountdownOf(AsterTestKeys.Account, Symbol)); // reading arms nothing
            await venue.GetOpenOrdersAsync(Symbol, default).DefaultTimeout();
            Assert.Null(_venue.CountdownOf(AsterTestKeys.Account, Symbol));
            await venue.PlaceOrderAsync(Bid(ids, PassiveBid()), default).DefaultTimeout();
            Assert.Equal(countdown, _venue.CountdownOf(AsterTestKeys.Account, Symbol));
            // Twice the countdown later the order still rests: the switch was renewed in time.
            await Until.TrueAsync(() => venue.DeadManSwitchStatus!.Renewals >= 4, "the switch is renewed", TimeSpan.FromSeconds(20));
            Assert.Equal(0, _venue.CountdownCancels);
            Assert.Single(_market.OpenOrders(AsterTestKeys.Account, Paper));
        }
        Assert.Null(_venue.CountdownOf(AsterTestKeys.Account, Symbol)); // disposed: off, so the order the stop kept is not cancelled
        await Task.Delay(countdown * 2);
        Assert.Single(_market.OpenOrders(AsterTestKeys.Account, Paper));
    }

    [Fact]
    public async Task DeadManSwitch_IsArmedByOrdersFoundResting_WhichAWorkerAdopts_AndTurnedOffByItsStop()
    {
        // An earlier run's order rests and the switch is not armed (an earlier worker's countdown ran out, or it was off):
        // a worker that adopts the order and places nothing of its own must still guard it, renew, and turn it off at the stop.
        var countdown = TimeSpan.FromSeconds(3);
        var earlier = new ClientOrderIds("adopt", DateTimeOffset.UtcNow);
        Assert.Equal(CommandOutcome.Accepted, _market.Place(AsterTestKeys.Account, Bid(earlier, PassiveBid()) with { Symbol = Paper }).Outcome);
        Assert.Null(_venue.CountdownOf(AsterTestKeys.Account, Symbol));
        await using (var venue = Connect(new AsterOptions { DeadManCountdown = countdown }))
        {
            Assert.Single(await venue.GetOpenOrdersAsync(Symbol, default).DefaultTimeout()); // what a worker's start-up reconcile reads
            Assert.Equal(countdown, _venue.CountdownOf(AsterTestKeys.Account, Symbol));
            await Until.TrueAsync(() => venue.DeadManSwitchStatus!.Renewals >= 2, "the switch is renewed", TimeSpan.FromSeconds(20));
            Assert.Equal(0, _venue.CountdownCancels);
        }
        Assert.Null(_venue.CountdownOf(AsterTestKeys.Account, Symbol));
        Assert.Single(_market.OpenOrders(AsterTestKeys.Account, Paper));
    }

    [Fact]
    public async Task DeadManSwitch_ARenewalTheVenueTakesLate_IsAnsweredBeforeTheStopTurnsItOff()
    {
        // 6 s (renewed every 2 s): a run on a loaded machine (three test assemblies on two cores) once let a 3 s countdown
        // lapse during the 1.5 s hold, and the venue's own cancel took the order this test keeps.
        var venue = Connect(new AsterOptions { DeadManCountdown = TimeSpan.FromSeconds(6) });
        try
        {
            await venue.PlaceOrderAsync(Bid(new ClientOrderIds("late", DateTimeOffset.UtcNow), PassiveBid()), default).DefaultTimeout();
            // The venue holds the next renewal for 1.5 s, then takes it: sent last, it would arm the switch again after the stop's "off".
            _venue.Faults.Add(new Fault(FaultKind.Slow, "POST", "/fapi/v3/countdownCancelAll") { Delay = TimeSpan.FromSeconds(1.5) });
            await Until.TrueAsync(() => _venue.Faults.Pending == 0, "a renewal reaches the venue and is held", TimeSpan.FromSeconds(10));
        }
        finally
        {
            await venue.DisposeAsync().AsTask().DefaultTimeout(); // the stop, while the venue holds the renewal
        }
        await Task.Delay(TimeSpan.FromSeconds(2)); // past the hold: a renewal still held would have been taken by now
        Assert.Null(_venue.CountdownOf(AsterTestKeys.Account, Symbol));
        Assert.Single(_market.OpenOrders(AsterTestKeys.Account, Paper)); // and nothing fires on the order the stop kept
    }

    [Fact]
    public async Task DeadManSwitch_AFirstArmingTheVenueTakesLate_IsAnsweredBeforeTheStopTurnsItOff()
    {
        var venue = Connect(new AsterOptions { DeadManCountdown = TimeSpan.FromSeconds(3) });
        try
        {
            // The venue holds the arming before the first order for 1.5 s; the order's caller gives up (a stop) before then.
            _venue.Faults.Add(new Fault(FaultKind.Slow, "POST", "/fapi/v3/countdownCancelAll") { Delay = TimeSpan.FromSeconds(1.5) });
            using var givesUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => venue.PlaceOrderAsync(Bid(new ClientOrderIds("first", DateTimeOffset.UtcNow), PassiveBid()), givesUp.Token));
        }
        finally
        {
            await venue.DisposeAsync().AsTask().DefaultTimeout(); // the stop, while the venue holds the arming
        }
        await Task.Delay(TimeSpan.FromSeconds(2)); // past the hold
        Assert.Null(_venue.CountdownOf(AsterTestKeys.Account, Symbol));
    }

    [Fact]
    public async Task DeadManSwitch_AWorkerCutOffFromTheVenue_HasItsOrdersCancelledByTheVenue()
    {
        using var cable = new CuttableHandler();
        // 3 s, not less: a cold test process can take over a second for its first requests, and the venue would cancel before the cut.
        await using var venue = Connect(new AsterOptions { DeadManCountdown = TimeSpan.FromSeconds(3) }, cable);
        var ids = new ClientOrderIds("cut", DateTimeOffset.UtcNow);
        Assert.Equal(CommandOutcome.Accepted, (await venue.PlaceOrderAsync(Bid(ids, PassiveBid()), default).DefaultTimeout()).Outcome);
        Assert.Equal(CommandOutcome.Accepted, (await venue.PlaceOrderAsync(Bid(ids, PassiveBid() - 0.01m), default).DefaultTimeout()).Outcome);
        await Until.TrueAsync(() => venue.DeadManSwitchStatus!.Renewals >= 1, "the switch is renewed", TimeSpan.FromSeconds(10));
        Assert.Equal(2, _market.OpenOrders(AsterTestKeys.Account, Paper).Count);
        cable.Cut = true; // the worker lives but nothing it sends arrives: no renewal, no cancel
        await Until.TrueAsync(() => venue.DeadManSwitchStatus!.FailedRenewals >= 1, "a renewal is attempted and fails", TimeSpan.FromSeconds(10));
        // The emulator counts a run-out after its cancels, so wait for both.
        await Until.TrueAsync(() => _venue.CountdownCancels >= 1 && _market.OpenOrders(AsterTestKeys.Account, Paper).Count == 0, "the venue cancels on its own",
            TimeSpan.FromSeconds(10));
        Assert.Equal(1, _venue.CountdownCancels);
    }

    [Fact]
    public async Task A503_IsAnUnknownOutcome_SettledByAQuery_NeverBySendingAgain()
    {
        await using var venue = Connect();
        var ids = new ClientOrderIds("u", DateTimeOffset.UtcNow);
        // The venue acted, then answered 503 ("unknown execution status"): the order rests, and the query finds it.
        _venue.Faults.Add(new Fault(FaultKind.ServerErrorAfterExecuting, "POST", "/fapi/v3/order"));
        var acted = Bid(ids, PassiveBid());
        Assert.Equal(CommandOutcome.Unknown, (await venue.PlaceOrderAsync(acted, default).DefaultTimeout()).Outcome);
        Assert.Equal(VenueOrderStatus.Open, (await venue.GetOrderAsync(Symbol, acted.ClientOrderId, default).DefaultTimeout())?.Status);
        // The venue answered 503 before acting: unknown too, and the query says it never saw the order.
        _venue.Faults.Add(new Fault(FaultKind.ServerError, "POST", "/fapi/v3/order"));
        var lost = Bid(ids, PassiveBid() - 0.01m);
        Assert.Equal(CommandOutcome.Unknown, (await venue.PlaceOrderAsync(lost, default).DefaultTimeout()).Outcome);
        Assert.Null(await venue.GetOrderAsync(Symbol, lost.ClientOrderId, default).DefaultTimeout());
        Assert.Equal(2, _venue.Faults.Requests.Count(r => r is { Method: "POST", Path: "/fapi/v3/order" })); // each sent once
        Assert.Single(_market.OpenOrders(AsterTestKeys.Account, Paper));
    }

    [Fact]
    public async Task BatchOrders_AnswerEachOrderInItsPlace_AndTakeFiveAtMost()
    {
        await using var venue = Connect();
        var ids = new ClientOrderIds("batch", DateTimeOffset.UtcNow);
        var crossing = _market.Levels(Paper, Side.Sell, 1)[0].Price;
        var results = await venue.PlaceOrdersAsync([Bid(ids, PassiveBid()), Bid(ids, crossing), Bid(ids, PassiveBid() - 0.01m)], default).DefaultTimeout();
        Assert.Equal([CommandOutcome.Accepted, CommandOutcome.Rejected, CommandOutcome.Accepted], results.Select(r => r.Outcome));
        Assert.Equal(RejectCode.PostOnlyWouldTake, results[1].Code);
        Assert.Equal(2, (await venue.GetOpenOrdersAsync(Symbol, default).DefaultTimeout()).Count);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => venue.PlaceOrdersAsync(Enumerable.Range(0, 6).Select(_ => Bid(ids, PassiveBid())).ToList(), default));
    }

    [Fact]
    public async Task CancelAllOwnOrders_GoesTenToARequest_AndLeavesOtherOrders()
    {
        await using var venue = Connect();
        var mine = new ClientOrderIds("mine", DateTimeOffset.UtcNow);
        var theirs = new ClientOrderIds("theirs", DateTimeOffset.UtcNow);
        var low = PassiveBid();
        var kept = Bid(theirs, low);
        Assert.Equal(CommandOutcome.Accepted, (await venue.PlaceOrderAsync(kept, default).DefaultTimeout()).Outcome);
        for (var i = 1; i <= 12; i++) Assert.Equal(CommandOutcome.Accepted, (await venue.PlaceOrderAsync(Bid(mine, low - i * 0.01m), default).DefaultTimeout()).Outcome);

        Assert.Equal(12, await venue.CancelAllAsync(Symbol, ClientOrderIds.PrefixOf("mine"), default).DefaultTimeout());
        Assert.Equal(2, _venue.Faults.Requests.Count(r => r is { Method: "DELETE", Path: "/fapi/v3/batchOrders" }));
        Assert.Equal(kept.ClientOrderId, Assert.Single(await venue.GetOpenOrdersAsync(Symbol, default).DefaultTimeout()).ClientOrderId);
    }

    [Fact]
    public async Task FundingPayments_AreTheAccountsFees_WithTheRateOfEachSettlement()
    {
        await using var venue = Connect();
        var since = DateTimeOffset.UtcNow;
        var ids = new ClientOrderIds("fund", DateTimeOffset.UtcNow);
        var bought = await venue.PlaceOrderAsync(new PlaceOrderRequest(Symbol, ids.Next(), Side.Buy, OrderType.Market, TimeInForce.Ioc, null, 2m), default).DefaultTimeout();
        Assert.Equal(VenueOrderStatus.Filled, bought.Order!.Status);
        await Until.TrueAsync(() =>
        {
            _market.Tick();
            return _market.Funding(AsterTestKeys.Account, Paper, since).Count >= 2;
        }, "two settlements pass");
        var paid = _market.Funding(AsterTestKeys.Account, Paper, since);
        var payments = await venue.GetFundingPaymentsAsync(Symbol, since, default).DefaultTimeout();
        // Aster's times are milliseconds.
        Assert.Equal(paid.Select(p => (p.Time.ToUnixTimeMilliseconds(), p.Amount, p.Rate)), payments.Take(paid.Count).Select(p => (p.Time.ToUnixTimeMilliseconds(), p.Amount, p.Rate)));
        Assert.All(payments, p => Assert.Equal((Symbol, 2m, 0.0001m), (p.Symbol, p.Position, p.Rate)));
        Assert.Equal(payments.Count, payments.Select(p => p.Id).Distinct().Count());
    }

    /// <summary>A network cable the test can pull: once cut, every request fails before it leaves.</summary>
    private sealed class CuttableHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        public volatile bool Cut;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Cut ? throw new HttpRequestException(HttpRequestError.ConnectionError, "the cable is cut") : base.SendAsync(request, cancellationToken);
    }
}
