using Mmd.Exchanges.Paper;
using Mmd.TestKit;
using Mmd.Trading.Engine;
using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Risk;
using Mmd.Trading.Strategies;
using Mmd.Trading.Strategies.PerpMarketMaking;
using Mmd.Trading.Strategies.SpotMarketMaking;

namespace Mmd.Trading.Tests;

public class InstanceEngineTests
{
    private static readonly InstrumentSpec Sol = Exchanges.Paper.PaperMarkets.Find("SOL_USDC")!;

    [Fact]
    public async Task Start_QuotesTheSeedLadder_WithOwnClientIds()
    {
        await using var h = new EngineHarness();
        _ = h.Start();
        await h.QuotingAsync();
        var mid = h.Exchange.Mid(EngineHarness.Symbol)!.Value;
        Span<decimal> bids = stackalloc decimal[3];
        Span<decimal> asks = stackalloc decimal[3];
        // The book's mid is the background's, which is centred on the market mid.
        QuoteMath.Prices(Sol, mid, 0.2m, bids, asks);
        var open = h.OpenOrders();
        Assert.Equal(bids.ToArray().OrderDescending(), open.Where(o => o.Side == Side.Buy).Select(o => o.Price!.Value).OrderDescending());
        Assert.Equal(asks.ToArray().Order(), open.Where(o => o.Side == Side.Sell).Select(o => o.Price!.Value).Order());
        Assert.All(open, o => Assert.True(ClientOrderIds.IsOwnedBy(o.ClientOrderId, "mm")));
        Assert.All(open, o => Assert.True(o.PostOnly));
        // Journaled before they left: every venue order is in the journal.
        Assert.All(open, o => Assert.True(h.Journal.Orders.ContainsKey(o.ClientOrderId!)));
    }

    [Fact]
    public async Task SmallMove_KeepsQuotes_LargeMove_ReplacesThem()
    {
        await using var h = new EngineHarness();
        _ = h.Start();
        await h.QuotingAsync();
        var before = h.OpenOrders().Select(o => o.ClientOrderId).ToHashSet();
        var mid = h.Exchange.Mid(EngineHarness.Symbol)!.Value;

        h.Exchange.SetMid(EngineHarness.Symbol, mid + 0.02m); // 0.013 %: inside the 0.05 % tolerance
        await h.StatsAsync(s => s.Mid == mid + 0.02m, "the engine saw the small move");
        Assert.Equal(before, h.OpenOrders().Select(o => o.ClientOrderId).ToHashSet());

        h.Exchange.SetMid(EngineHarness.Symbol, mid + 1m); // 0.67 %: every quote must move
        await Until.TrueAsync(() => h.OpenOrders().Count == 6 && !h.OpenOrders().Any(o => before.Contains(o.ClientOrderId)), "every quote was replaced");
        Assert.All(h.OpenOrders().Where(o => o.Side == Side.Buy), o => Assert.True(o.Price > mid));
    }

    [Fact]
    public async Task TakerHitsOurBid_FillRecordedOnce_StatsMatch()
    {
        await using var h = new EngineHarness();
        _ = h.Start();
        await h.QuotingAsync();
        // Another account sells everything down to our best bid: the background ahead of us, then our 0.5.
        var (bestBid, result) = h.SweepDownToOurBestBid();
        Assert.Equal(CommandOutcome.Accepted, result.Outcome);
        await Until.TrueAsync(() => h.Journal.Fills.Count == 1, "the fill is journaled");
        await h.StatsAsync(s => s.Session.Fills == 1, "stats count the fill");

        var final = (await h.StopAsync()).FinalStats;
        var fill = Assert.Single(h.Journal.Fills).Fill;
        Assert.Equal(bestBid, fill.Price);
        Assert.True(fill.IsMaker);
        Assert.Equal(1, final.Session.Fills);
        Assert.Equal(0.5m, final.Session.MakerBuyVolume);
        Assert.Equal(bestBid * 0.5m, final.Session.QuoteVolume);
        Assert.Equal(fill.Fee, final.Session.FeesByAsset["USDC"]);
        Assert.Equal(0.5m, final.Session.Position);
    }

    [Fact]
    public async Task AFillBeingWrittenWhenTheStopComes_IsJournaled_NotLostToTheStop()
    {
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writing = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        ScriptedConnector? scripted = null;
        await using var h = new EngineHarness(wrap: c => scripted = new ScriptedConnector(c));
        _ = h.Start();
        await h.QuotingAsync();
        // The journal's writer is busy when the fill comes (as SQLite's is with a stats write), and the stop comes meanwhile.
        h.Journal.BeforeFillWrite = async ct =>
        {
            writing.TrySetResult(ct);
            await held.Task.WaitAsync(ct);
        };
        scripted!.BeforeCancelAll = () => held.TrySetResult(); // the stop's cancel-all: a write the stop could cut short was cut by now
        h.SweepDownToOurBestBid();
        var token = await writing.Task.DefaultTimeout();
        var stopping = h.StopAsync();
        if (!token.CanBeCanceled) held.TrySetResult(); // a write the stop cannot cut short: let it finish
        var result = await stopping;

        // Once counted, a trade is skipped by the stop's catch-up as seen: a cut-short write lost it from the journal.
        var fill = Assert.Single(h.Journal.Fills).Fill;
        Assert.Equal(0.5m, fill.Quantity);
        Assert.Equal(1, result.FinalStats.Session.Fills);
        Assert.Equal(0.5m, result.FinalStats.Session.Position);
    }

    [Fact]
    public async Task Stats_FollowAFill_WithoutWaitingForTheHousekeepingTick()
    {
        await using var h = new EngineHarness();
        _ = h.Start();
        await h.QuotingAsync();
        // Every placement's answer handled first, so no event but the fill's can refresh the stats after the advance.
        await Until.TrueAsync(() => h.CaughtUp, "the engine is idle");
        h.Time.Advance(TimeSpan.FromMilliseconds(200)); // past the 100 ms stats refresh, well before the 1 s housekeeping tick
        // Another account's bid below ours changes the book: that event refreshes the stats at this instant, so the fill
        // that follows comes within the 100 ms refresh period (fake time stands still from here).
        var beforeBook = h.Engine.LatestStats;
        h.Exchange.Place("other", new PlaceOrderRequest(EngineHarness.Symbol, "o1", Side.Buy, OrderType.Limit, TimeInForce.Gtc, h.OurBestBid() - 5 * Sol.TickSize, 1m));
        await Until.TrueAsync(() => !ReferenceEquals(h.Engine.LatestStats, beforeBook), "the book update refreshed the stats");
        Assert.Equal(0, h.Engine.LatestStats!.Session.Fills);
        h.SweepDownToOurBestBid();
        // Only the fill's own event can have refreshed the stats again.
        await Until.TrueAsync(() => h.Engine.LatestStats?.Session.Fills == 1, "the live stats count the fill");
        Assert.Equal(0.5m, h.Engine.LatestStats!.Session.Position);
    }

    [Fact]
    public async Task StopWithFlatten_SellsBackWhatTheQuotesBought_AtMarket()
    {
        await using var h = new EngineHarness();
        var result = await BoughtThenStoppedWithFlattenAsync(h);
        Assert.Equal(0, result.OwnOrdersLeftOnVenue);
        Assert.Equal(0m, result.FinalStats.Cumulative.Position);
        var flatten = Assert.Single(h.Journal.Fills, f => f.Purpose == OrderPurpose.Flatten).Fill;
        Assert.Equal(OrderStatus.Filled, h.Journal.Orders[flatten.ClientOrderId!].Status); // not left open in the journal
        Assert.Equal(Side.Sell, flatten.Side);
        Assert.Equal(0.5m, flatten.Quantity);
        Assert.False(flatten.IsMaker);
        Assert.Empty(h.OpenOrders());
    }

    [Fact]
    public async Task StopWithFlatten_OnAVenueWithoutMarketOrders_SellsBackWithAnIocLimitNearTheBid()
    {
        // Lighter takes no market orders: the stop's flatten (and a perp market maker's reductions) were refused, every time.
        await using var h = new EngineHarness(wrap: c => new ScriptedConnector(c)
        {
            Lacks = ConnectorCapabilities.MarketOrders,
            OnPlace = (request, inner) => request.Type == OrderType.Market
                ? Task.FromResult(PlaceOrderResult.Rejected(RejectCode.Other, "this venue takes limit orders only"))
                : inner(request),
        });
        _ = h.Start();
        await h.QuotingAsync();
        h.SweepDownToOurBestBid();
        await Until.TrueAsync(() => h.Journal.Fills.Count == 1, "our bid is filled");
        var othersBid = h.Exchange.Levels(EngineHarness.Symbol, Side.Buy, 1)[0].Price; // ours are gone with the stop
        h.Engine.RequestFlattenOnStop();
        var result = await h.StopAsync();

        Assert.Equal(0m, result.FinalStats.Cumulative.Position);
        var flatten = h.Journal.Orders.Values.Single(o => o.Template.Purpose == OrderPurpose.Flatten).Template;
        Assert.Equal((OrderType.Limit, TimeInForce.Ioc), (flatten.Type, flatten.TimeInForce));
        Assert.InRange(flatten.Price!.Value, othersBid * (1 - InstanceEngine.MarketOrderLimitPct / 100m) - Sol.TickSize, othersBid);
    }

    [Fact]
    public async Task StopWithFlatten_OnAnAccountHoldingAnothersShort_ClosesOurLong_WithoutReduceOnlyOnceRefused()
    {
        // The account holds another instance's 2 short: a reduce-only sell of our 0.5 long would add to the account's short,
        // and the venue refuses it. It was tried three times so and the long left open.
        const string perp = "SOL_USDC_PERP";
        await using var h = new EngineHarness(config: new PerpMarketMakerConfig { SpreadPct = 0.2m, OrderQuantity = 0.5m, Levels = 3, MaxPosition = 3m, PositionThreshold = 1m },
            symbol: perp);
        Assert.Equal(CommandOutcome.Accepted, h.Exchange.Place(h.Name, new PlaceOrderRequest(perp, "other_1", Side.Sell, OrderType.Market, TimeInForce.Ioc, null, 2m)).Outcome);
        var result = await BoughtThenStoppedWithFlattenAsync(h);
        Assert.Equal(0m, result.FinalStats.Cumulative.Position);
        var flattens = h.Journal.Orders.Values.Where(o => o.Template.Purpose == OrderPurpose.Flatten).OrderByDescending(o => o.Template.ReduceOnly).ToList();
        Assert.Equal([(true, OrderStatus.Rejected), (false, OrderStatus.Filled)], flattens.Select(o => (o.Template.ReduceOnly, o.Status))); // as the journal keeps them
        Assert.Equal(-2m, h.Exchange.Positions(h.Name).Single(p => p.Symbol == perp).Quantity); // the other's short, as it was
    }

    /// <summary>Quotes, has its best bid filled, then stops with flatten.</summary>
    private static async Task<EngineResult> BoughtThenStoppedWithFlattenAsync(EngineHarness h)
    {
        _ = h.Start();
        await h.QuotingAsync();
        h.SweepDownToOurBestBid();
        await Until.TrueAsync(() => h.Journal.Fills.Count == 1, "our bid is filled");
        h.Engine.RequestFlattenOnStop();
        return await h.StopAsync();
    }

    [Fact]
    public async Task StopWithoutFlatten_KeepsThePosition()
    {
        await using var h = new EngineHarness();
        _ = h.Start();
        await h.QuotingAsync();
        h.SweepDownToOurBestBid();
        await Until.TrueAsync(() => h.Journal.Fills.Count == 1, "our bid is filled");
        Assert.Equal(0.5m, (await h.StopAsync()).FinalStats.Cumulative.Position);
        Assert.DoesNotContain(h.Journal.Fills, f => f.Purpose == OrderPurpose.Flatten);
    }

    [Fact]
    public async Task Stop_LeavesNoOwnOrderOnTheVenue_AndJournalAgrees()
    {
        await using var h = new EngineHarness();
        _ = h.Start();
        await h.QuotingAsync();
        var result = await h.StopAsync();
        Assert.Equal(0, result.OwnOrdersLeftOnVenue);
        Assert.Empty(h.OpenOrders());
        Assert.All(h.Journal.Orders.Values, o => Assert.True(OrderStateMachine.IsTerminal(o.Status), $"{o.Template.ClientOrderId} is {o.Status}"));
    }

    [Fact]
    public async Task AFault_AJournalThatCannotBeWritten_CancelsEveryOwnOrder_BeforeTheRunEnds()
    {
        var journal = new InMemoryTradingJournal();
        await using var h = new EngineHarness(journal: journal);
        var run = h.Start();
        await h.QuotingAsync();
        var sent = journal.Orders.Count;
        // The disk fills: the next write of the orders fails, as SQLite's "database or disk is full" does.
        journal.OnOrdersWrite = () => throw new IOException("database or disk is full");
        h.Exchange.SetMid(EngineHarness.Symbol, h.Exchange.Mid(EngineHarness.Symbol)!.Value + 1m); // every quote must move

        var fault = await Assert.ThrowsAsync<EngineFaultException>(() => run.DefaultTimeout());
        Assert.Equal("database or disk is full", fault.Message);
        Assert.IsType<IOException>(fault.InnerException);
        Assert.Equal(0, fault.OrdersLeft);
        Assert.Empty(h.OpenOrders());
        Assert.Equal(EngineState.Failed, h.Engine.State);
        // The replacements were never sent: an order goes out only once journaled.
        Assert.Equal(sent, journal.Orders.Count);
        Assert.All(h.Exchange.OrderHistory(h.Name, EngineHarness.Symbol), o => Assert.True(journal.Orders.ContainsKey(o.ClientOrderId!), $"{o.ClientOrderId} was sent unjournaled"));
    }

    [Fact]
    public async Task AFault_WhileAnOrderIsOnItsWay_WaitsForItToLand_ThenCancelsItToo()
    {
        var journal = new InMemoryTradingJournal();
        var release = new TaskCompletionSource();
        var holding = 0;
        await using var h = new EngineHarness(journal: journal, wrap: c => new ScriptedConnector(c)
        {
            OnPlace = async (request, inner) =>
            {
                if (Volatile.Read(ref holding) == 1 && Interlocked.Exchange(ref holding, 2) == 1) await release.Task; // the first order after the move
                return await inner(request);
            },
        });
        var run = h.Start();
        await h.QuotingAsync();
        Volatile.Write(ref holding, 1);
        var mid = h.Exchange.Mid(EngineHarness.Symbol)!.Value;
        h.Exchange.SetMid(EngineHarness.Symbol, mid + 1m);
        await Until.TrueAsync(() => Volatile.Read(ref holding) == 2, "a replacement is on its way to the venue");
        journal.OnOrdersWrite = () => throw new IOException("disk I/O error");
        h.Exchange.SetMid(EngineHarness.Symbol, mid + 2m);
        await Until.TrueAsync(() => h.Engine.State == EngineState.Stopping, "the fault's stop began");

        release.SetResult(); // it lands after the fault: the cancel-all must still see it
        var fault = await Assert.ThrowsAsync<EngineFaultException>(() => run.DefaultTimeout());
        Assert.Equal(0, fault.OrdersLeft);
        Assert.Empty(h.OpenOrders());
    }

    [Fact]
    public async Task AFault_InTheStartUpAfterItReconciled_CancelsTheOrdersItAdopted()
    {
        var journal = new InMemoryTradingJournal();
        using var exchange = VenueLeftByAKilledRun();
        await RestingOrderOfAKilledRunAsync(exchange, journal);

        // The venue's balances fail at every start: a crash loop must not keep the adopted order resting through it.
        await using var h = new EngineHarness(journal: journal, exchange: exchange,
            wrap: c => new ScriptedConnector(c) { BeforeBalances = _ => throw new HttpRequestException("502 Bad Gateway") });
        var fault = await Assert.ThrowsAsync<EngineFaultException>(() => h.Start().DefaultTimeout());
        Assert.Equal("502 Bad Gateway", fault.Message);
        Assert.Equal(0, fault.OrdersLeft);
        Assert.Empty(h.OpenOrders());
    }

    [Fact]
    public async Task AVenueSlowToAnswerItsReads_TheEngineFollowsTheMarketMeanwhile()
    {
        // Lighter paces the account's reads about a second apart, shared by the instances on it. The engine awaited its
        // balance read after a fill, and its catch-up after the account stream asked for a resync, in its loop: its quotes
        // stood where they were while the market moved, and the supervisor killed it for stale market data.
        var reads = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (balancesAsked, openOrdersAsked) = (0, 0);
        ScriptedConnector? scripted = null;
        await using var h = new EngineHarness(wrap: c => scripted = new ScriptedConnector(c));
        _ = h.Start();
        await h.QuotingAsync();
        scripted!.BeforeBalances = async ct => { Interlocked.Increment(ref balancesAsked); await reads.Task.WaitAsync(ct); };
        scripted.BeforeOpenOrders = async ct => { Interlocked.Increment(ref openOrdersAsked); await reads.Task.WaitAsync(ct); };

        var (bid, swept) = h.SweepDownToOurBestBid(); // a fill: the balances are read at the next housekeeping tick
        Assert.True(swept.Order!.FilledQuantity > 0);
        scripted.Inject(new AccountResyncRequiredEvent("the stream lost its place", h.Time.GetUtcNow()));
        await h.WaitAsync(() => Volatile.Read(ref balancesAsked) > 0 && Volatile.Read(ref openOrdersAsked) > 0, "both reads out", TimeSpan.FromMilliseconds(100));

        var mid = h.Exchange.Mid(EngineHarness.Symbol)!.Value;
        h.Exchange.SetMid(EngineHarness.Symbol, mid + 1m); // the market moves a long way while the venue has not answered
        await h.WaitAsync(() => h.OpenOrders().Count(o => o.Side == Side.Buy) == 3 && h.OurBestBid() > bid + 0.5m, "the bids follow the market",
            TimeSpan.FromMilliseconds(20));

        reads.SetResult();
        Assert.Equal(0, (await h.StopAsync()).OwnOrdersLeftOnVenue);
    }

    [Fact]
    public async Task AVenueSlowToAnswerCancels_AQuoteThatKeepsMoving_RestsTwoOrdersALevelAtMost()
    {
        // Aster's order limit shared by three instances answered a maker-taker hedge's cancels 1.3 s late while its quote
        // moved every few hundred ms: each move placed a new order while the old ones still rested (six bids, seven asks
        // of a one-level quote).
        var answerCancels = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelsAsked = 0;
        await using var h = new EngineHarness(wrap: c => new ScriptedConnector(c)
        {
            OnCancel = async (request, cancel) =>
            {
                Interlocked.Increment(ref cancelsAsked);
                await answerCancels.Task;
                return await cancel(request);
            },
        });
        _ = h.Start();
        await h.QuotingAsync();
        var mid = h.Exchange.Mid(EngineHarness.Symbol)!.Value;
        int Bids() => h.OpenOrders().Count(o => o.Side == Side.Buy);

        // The market steps up and back by 0.1 (beyond the 0.075 refresh tolerance, short of crossing our asks).
        h.Exchange.SetMid(EngineHarness.Symbol, mid + 0.1m); // three bids replaced: their cancels wait at the venue
        await h.WaitAsync(() => Bids() == 6, "the bids replaced, the old ones still resting");
        var asked = Volatile.Read(ref cancelsAsked);
        h.Exchange.SetMid(EngineHarness.Symbol, mid);
        await h.WaitAsync(() => Volatile.Read(ref cancelsAsked) >= asked + 3, "the replacements asked to leave too");
        foreach (var step in new[] { mid + 0.1m, mid })
        {
            h.Exchange.SetMid(EngineHarness.Symbol, step);
            await h.IdleAsync(); // the move acted on: any order it placed has been handed to the venue
        }

        Assert.Equal(6, Bids()); // the first two orders of each level; 15 when each move placed anew
        answerCancels.SetResult();
        // Once the cancels are answered, each level is quoted again (fake time moves on: the risk's order-rate window).
        await h.WaitAsync(() => Bids() == 3 && h.OpenOrders().Count(o => o.Side == Side.Sell) == 3, "3 quotes per side rest on the venue", TimeSpan.FromMilliseconds(20));
        Assert.Equal(0, (await h.StopAsync()).OwnOrdersLeftOnVenue);
    }

    [Fact]
    public async Task AtAVenueWhoseLimitHoldsThePlaces_AQuoteMovedOnBeforeItsPlaceLeft_IsWithdrawn_NeitherItNorACancelIsSent()
    {
        // Backpack's 10 requests a second split four ways queued quotes' places for seconds (p50 2.4-4.8 s): by the time
        // one went, the quote had moved, and its cancel queued behind more places. A place still waiting is taken back.
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = false;
        var sent = new System.Collections.Concurrent.ConcurrentBag<string>();
        var cancelled = new System.Collections.Concurrent.ConcurrentBag<string>();
        await using var h = new EngineHarness(wrap: c => new ScriptedConnector(c)
        {
            // The venue's limit as a connector's pacing keeps it: a place waits its turn armed, and leaves only if still wanted.
            OnPlace = async (request, place) =>
            {
                if (Volatile.Read(ref holding) && request.Withdrawal is { } withdrawal)
                {
                    withdrawal.Arm();
                    await hold.Task.WaitAsync(withdrawal.Token);
                    if (!withdrawal.TryLeave()) throw new OperationCanceledException(withdrawal.Token);
                }
                sent.Add(request.ClientOrderId);
                return await place(request);
            },
            OnCancel = (request, cancel) =>
            {
                cancelled.Add(request.ClientOrderId ?? request.VenueOrderId ?? "");
                return cancel(request);
            },
        });
        _ = h.Start();
        await h.QuotingAsync();
        var mid = h.Exchange.Mid(EngineHarness.Symbol)!.Value;
        var sentBefore = sent.Count;
        Volatile.Write(ref holding, true);

        // The market steps up and back by 0.1 (beyond the refresh tolerance) four times while the places are held.
        foreach (var step in new[] { mid + 0.1m, mid, mid + 0.1m, mid })
        {
            h.Exchange.SetMid(EngineHarness.Symbol, step);
            await h.IdleAsync();
        }
        Assert.Equal(sentBefore, sent.Count); // nothing left the held places
        hold.SetResult();
        await h.WaitAsync(() => h.OpenOrders().Count(o => o.Side == Side.Buy) == 3 && h.OpenOrders().Count(o => o.Side == Side.Sell) == 3,
            "3 quotes per side rest on the venue", TimeSpan.FromMilliseconds(20));
        await h.StatsAsync(s => s.OrdersWithdrawn > 0, "the withdrawn quotes counted");

        var withdrawn = h.Journal.Orders.Values.Where(o => o.LastError == "withdrawn before it was sent").Select(o => o.Template.ClientOrderId).ToList();
        Assert.NotEmpty(withdrawn);
        Assert.Equal(withdrawn.Count, h.Engine.LatestStats!.OrdersWithdrawn);
        Assert.All(withdrawn, id => Assert.Equal(OrderStatus.Cancelled, h.Journal.Orders[id].Status));
        Assert.DoesNotContain(sent, withdrawn.Contains); // never sent
        Assert.DoesNotContain(cancelled, withdrawn.Contains); // nor cancelled
        // Of the held places only the ones still wanted went: without the withdrawal, each move's places went, then their cancels.
        Assert.True(sent.Count - sentBefore <= 6, $"{sent.Count - sentBefore} places sent after the hold");
        Assert.Equal(0, (await h.StopAsync()).OwnOrdersLeftOnVenue);
    }

    [Fact]
    public async Task AStop_TakesBackTheQuotesStillWaitingToLeave_AndConfirmsTheBookFlatWithoutWaitingForThem()
    {
        var holding = false;
        var sent = 0;
        await using var h = new EngineHarness(shutdownTimeout: TimeSpan.FromSeconds(2), wrap: c => new ScriptedConnector(c)
        {
            OnPlace = async (request, place) =>
            {
                if (Volatile.Read(ref holding) && request.Withdrawal is { } withdrawal)
                {
                    withdrawal.Arm(); // the venue's limit never lets it go: only a withdrawal ends the wait
                    await Task.Delay(Timeout.Infinite, withdrawal.Token);
                }
                Interlocked.Increment(ref sent);
                return await place(request);
            },
        });
        _ = h.Start();
        await h.QuotingAsync();
        var sentBefore = Volatile.Read(ref sent);
        Volatile.Write(ref holding, true);
        h.Exchange.SetMid(EngineHarness.Symbol, h.Exchange.Mid(EngineHarness.Symbol)!.Value + 0.1m);
        await h.WaitAsync(() => h.Journal.Orders.Values.Count(o => o.Status == OrderStatus.Submitted) == 6, "the moved quotes' places waiting");

        Assert.Equal(0, (await h.StopAsync()).OwnOrdersLeftOnVenue); // -1 when the stop waited for them until its time ran out
        Assert.Equal(sentBefore, Volatile.Read(ref sent));
        Assert.Equal(6, h.Journal.Orders.Values.Count(o => o is { Status: OrderStatus.Cancelled, LastError: "withdrawn before it was sent" }));
    }

    [Fact]
    public async Task AStop_DropsTheReadsStillOutAtTheVenue_SoItsOwnConfirmTheBookFlat()
    {
        // A venue that answers one read at a time (Lighter paces an account's reads, a few seconds apart for an instance
        // among several): a stop whose open-orders read queued behind the running ones ran out of time unconfirmed.
        using var oneReadAtATime = new SemaphoreSlim(1);
        var balancesAsked = 0;
        ScriptedConnector? scripted = null;
        await using var h = new EngineHarness(shutdownTimeout: TimeSpan.FromSeconds(2), wrap: c => scripted = new ScriptedConnector(c));
        _ = h.Start();
        await h.QuotingAsync();
        scripted!.BeforeBalances = async ct =>
        {
            await oneReadAtATime.WaitAsync(ct);
            Interlocked.Increment(ref balancesAsked);
            try { await Task.Delay(Timeout.Infinite, ct); } // at the venue until given up
            finally { oneReadAtATime.Release(); }
        };
        scripted.BeforeOpenOrders = async ct =>
        {
            await oneReadAtATime.WaitAsync(ct);
            oneReadAtATime.Release();
        };
        var (_, swept) = h.SweepDownToOurBestBid(); // a fill: the balances are read at the next housekeeping tick
        Assert.True(swept.Order!.FilledQuantity > 0);
        await h.WaitAsync(() => Volatile.Read(ref balancesAsked) > 0, "the balance read is out", TimeSpan.FromMilliseconds(100));

        var result = await h.StopAsync();

        Assert.Equal(0, result.OwnOrdersLeftOnVenue); // -1 (unconfirmed) when the balance read held the venue through the stop
        Assert.Empty(h.OpenOrders());
    }

    [Fact]
    public async Task AStopThatNamesItsTimeout_GivesTheShutdownThatTimeLessItsMargin()
    {
        var reconciling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = new EngineHarness(wrap: c => new ScriptedConnector(c)
        {
            BeforeOpenOrders = async ct =>
            {
                reconciling.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct); // a venue that never answers, until the request is given up
            },
        });
        _ = h.Start();
        await reconciling.Task.DefaultTimeout();
        h.Engine.StopWithin(TimeSpan.FromSeconds(1)); // the daemon kills the worker after 1 s: 0.8 s of it for the stop

        var ended = await StopOnTheEnginesClockAsync(h);

        Assert.Contains("the start-up did not finish within 0.8s of the stop", ended.Reason, StringComparison.Ordinal); // not the options' 8 s
    }

    /// <summary>Stops a start-up that never finishes: its bound runs on the engine's (fake) clock, moved on until the run ends.</summary>
    private static async Task<ReconciliationFailedException> StopOnTheEnginesClockAsync(EngineHarness h)
    {
        var stopping = Assert.ThrowsAsync<ReconciliationFailedException>(() => h.StopAsync());
        await h.WaitAsync(() => stopping.IsCompleted, "the start-up's bound ends the run", TimeSpan.FromMilliseconds(50));
        return await stopping;
    }

    [Theory]
    [InlineData(30, 28)] // the daemon's default: 2 s to save the figures and report the exit
    [InlineData(5, 4)] // a fifth of a short one
    [InlineData(1, 0.8)]
    public void TheShutdownTakesTheStopTimeout_LessAFifthOfIt_AtMostTwoSeconds(double stopTimeoutSeconds, double shutdownSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(shutdownSeconds), EngineOptions.ShutdownTimeoutWithin(TimeSpan.FromSeconds(stopTimeoutSeconds)));

    [Fact]
    public async Task Stop_DoesNotCancelAnotherInstancesOrders()
    {
        await using var h = new EngineHarness(name: "mm");
        var neighbour = h.Exchange.Place("mm", new PlaceOrderRequest(EngineHarness.Symbol, "mm-b_1", Side.Buy, OrderType.Limit, TimeInForce.Gtc, 100m, 1m));
        Assert.Equal(CommandOutcome.Accepted, neighbour.Outcome);
        _ = h.Start();
        await h.QuotingAsync();
        await h.StopAsync();
        Assert.Equal("mm-b_1", Assert.Single(h.Exchange.OpenOrders("mm", EngineHarness.Symbol)).ClientOrderId); // same account, other instance: untouched
    }

    [Fact]
    public async Task Restart_AdoptsOwnRestingOrders_CancelsStrays_SettlesNeverSent()
    {
        var journal = new InMemoryTradingJournal();
        using var exchange = VenueLeftByAKilledRun();
        var mid = exchange.Mid(EngineHarness.Symbol)!.Value;

        // A journaled order resting on the venue (left by a killed run), a stray with our prefix, and a journaled order that never left.
        var resting = Tracked("mm_old1", Side.Buy, Sol.RoundPrice(mid * 0.999m), OrderStatus.Submitted);
        var neverSent = Tracked("mm_old2", Side.Sell, Sol.RoundPrice(mid * 1.001m), OrderStatus.New);
        await journal.SaveOrdersAsync([resting, neverSent], CancellationToken.None);
        exchange.Place("mm", resting.ToRequest());
        exchange.Place("mm", new PlaceOrderRequest(EngineHarness.Symbol, "mm_stray", Side.Buy, OrderType.Limit, TimeInForce.Gtc, 100m, 1m));

        await using var h = new EngineHarness(journal: journal, exchange: exchange);
        var run = h.Start();
        await h.QuotingAsync();
        Assert.DoesNotContain(h.OpenOrders(), o => o.ClientOrderId == "mm_stray");
        Assert.Equal(OrderStatus.Rejected, journal.Orders["mm_old2"].Status);
        Assert.NotEqual(OrderStatus.Submitted, journal.Orders["mm_old1"].Status);
        var result = await h.StopAsync();
        Assert.Equal(1, result.Startup!.Adopted);
        Assert.Equal(1, result.Startup.StrayCancelled);
        Assert.Equal(1, result.Startup.Settled);
    }

    [Fact]
    public async Task Restart_JournaledNewOrdersTheVenueReceived_AreAdoptedOrSettledWithTheirFills_NotAFailure()
    {
        // Killed after journaling two orders and sending them, before Submitted was journaled: one rests on the venue,
        // the other filled while no worker ran (the CI crash loop "is Filled on the venue but not in its open orders").
        var journal = new InMemoryTradingJournal();
        using var exchange = VenueLeftByAKilledRun();
        var mid = exchange.Mid(EngineHarness.Symbol)!.Value;
        var resting = Tracked("mm_old1", Side.Buy, Sol.RoundPrice(mid * 0.999m), OrderStatus.New);
        var filled = Tracked("mm_old2", Side.Buy, Sol.RoundPrice(mid * 1.01m), OrderStatus.New, postOnly: false);
        await journal.SaveOrdersAsync([resting, filled], CancellationToken.None);
        Assert.Equal(VenueOrderStatus.Open, exchange.Place("mm", resting.ToRequest()).Order!.Status);
        Assert.Equal(VenueOrderStatus.Filled, exchange.Place("mm", filled.ToRequest()).Order!.Status);

        await using var h = new EngineHarness(journal: journal, exchange: exchange);
        _ = h.Start();
        await h.QuotingAsync();
        Assert.Equal(OrderStatus.Filled, journal.Orders["mm_old2"].Status);
        Assert.Equal(0.5m, journal.Fills.Where(f => f.Fill.ClientOrderId == "mm_old2").Sum(f => f.Fill.Quantity));
        var result = await h.StopAsync();
        Assert.Equal(1, result.Startup!.Adopted);
        Assert.Equal(1, result.Startup.Settled);
        Assert.Equal(0.5m, result.FinalStats.Cumulative.Position);
        Assert.Empty(h.OpenOrders()); // the adopted order was live, so the stop cancelled it
    }

    [Fact]
    public async Task Restart_NumberedClientIds_GoOnAfterTheLastOrderTheJournalHolds_NotFromTheClock()
    {
        // A venue whose client ids are numbers (Backpack, Lighter): the last run ordered faster than its clock-based start
        // moves on, so the next run's start would hand out its numbers again.
        var journal = new InMemoryTradingJournal();
        var last = Tracked("mm_4000", Side.Buy, 100m, OrderStatus.New);
        await journal.SaveOrdersAsync([last], CancellationToken.None);
        last.Restore(OrderStatus.Cancelled, "V1", 0m, last.CreatedAt, null);
        await journal.SaveOrdersAsync([last], CancellationToken.None);
        var clock = 1000L;
        await using var h = new EngineHarness(journal: journal, wrap: c => new ScriptedConnector(c)
        {
            ClientIds = (name, _) => ClientOrderIds.FromNumbers(name, () => Interlocked.Increment(ref clock),
                last => clock = long.Parse(last["mm_".Length..], System.Globalization.CultureInfo.InvariantCulture)),
        });
        _ = h.Start();
        await h.QuotingAsync();
        var placed = journal.Orders.Keys.Where(id => id != "mm_4000").Select(id => long.Parse(id["mm_".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(placed);
        Assert.Equal(4001, placed.Min());
    }

    [Fact]
    public async Task Restart_AnOpenOrderOnANumberAnEarlierOrderHeld_CountsOnlyItsOwnFills()
    {
        // Numbered ids come round (Backpack: every four million orders): the journal holds the fills of an order of days
        // ago under the id of the one the last run left open. Counted as the open order's, they made its first fill
        // after the restart finish it in our books while the rest of it still rested on the venue.
        var journal = new InMemoryTradingJournal();
        using var exchange = VenueLeftByAKilledRun();
        var bestBid = exchange.Levels(EngineHarness.Symbol, Side.Buy, 1)[0].Price;
        var bestAsk = exchange.Levels(EngineHarness.Symbol, Side.Sell, 1)[0].Price;
        var price = bestBid + Sol.TickSize;
        Assert.True(price < bestAsk, "the open order is the best bid");
        var open = Tracked("mm_7", Side.Buy, price, OrderStatus.Open);
        await journal.SaveOrdersAsync([open], CancellationToken.None);
        var daysAgo = open.CreatedAt.AddDays(-3);
        await journal.RecordFillAsync(new VenueFill("earlier-7", "V0", "mm_7", EngineHarness.Symbol, Side.Buy, price, 0.3m, 0m, "USDC", true, daysAgo),
            OrderPurpose.Quote, CancellationToken.None);
        Assert.Equal(VenueOrderStatus.Open, exchange.Place("mm", open.ToRequest()).Order!.Status);
        // While no worker runs, a quarter of it fills.
        var sell = new PlaceOrderRequest(EngineHarness.Symbol, "taker_1", Side.Sell, OrderType.Limit, TimeInForce.Ioc, price, 0.25m);
        Assert.Equal(0.25m, exchange.Place("taker", sell).Order!.FilledQuantity);

        // Counted with the earlier order's fills, the rest of it was taken for filled and left resting, unworked: the venue
        // never showed the engine's three quotes a side alone.
        await using var h = new EngineHarness(journal: journal, exchange: exchange);
        _ = h.Start();
        await h.QuotingAsync();
        var result = await h.StopAsync();
        var order = journal.Orders["mm_7"];
        Assert.Equal(0.25m, order.Filled); // not 0.3 + 0.25, which finished it
        Assert.NotEqual(OrderStatus.Filled, order.Status);
        Assert.Equal(0.55m, result.FinalStats.Cumulative.Position); // both fills are the instance's all the same
        Assert.Empty(h.OpenOrders()); // the stop cancelled the rest, which it had tracked
    }

    [Fact]
    public async Task APaperAccountStartedAfresh_UnderAJournalOfItsEarlierTrades_HasItsNewTradesCounted()
    {
        // The account's files were deleted to start it afresh; the instance's journal keeps the earlier account's 50 trades
        // with it. Numbered from T1 again, the new account's trades were taken for those and dropped as counted already.
        var journal = new InMemoryTradingJournal();
        var earlier = DateTimeOffset.Parse("2026-11-23T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        using (var before = new PaperExchange(EngineHarness.QuietMarket(), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(earlier)))
        {
            for (var i = 0; i < 50; i++)
            {
                var bought = before.Place("mm", new PlaceOrderRequest(EngineHarness.Symbol, $"mm_b{i}", Side.Buy, OrderType.Market, TimeInForce.Ioc, null, 0.01m));
                foreach (var fill in before.Fills("mm", EngineHarness.Symbol, DateTimeOffset.MinValue).Where(f => f.ClientOrderId == bought.Order!.ClientOrderId))
                    await journal.RecordFillAsync(fill, OrderPurpose.Quote, CancellationToken.None);
            }
        }
        var journaled = journal.Fills.Count;
        using var exchange = VenueLeftByAKilledRun(); // the fresh account, an hour on
        await using var h = new EngineHarness(journal: journal, exchange: exchange);
        _ = h.Start();
        await h.QuotingAsync();
        var bid = h.OurBestBid();
        var sold = exchange.Place("taker", new PlaceOrderRequest(EngineHarness.Symbol, "taker_1", Side.Sell, OrderType.Limit, TimeInForce.Ioc, bid, 50m));
        Assert.True(sold.Order!.FilledQuantity > 0);
        var ours = exchange.Fills("mm", EngineHarness.Symbol, DateTimeOffset.MinValue);
        Assert.NotEmpty(ours);
        await Until.TrueAsync(() => journal.Fills.Count == journaled + ours.Count, "the new trades are journaled");
        Assert.All(ours, f => Assert.Contains(journal.Fills, j => j.Fill.TradeId == f.TradeId && j.Fill.ClientOrderId == f.ClientOrderId));
        var result = await h.StopAsync();
        Assert.Equal(journaled + ours.Count, result.FinalStats.Cumulative.Fills);
    }

    [Fact]
    public async Task Restart_AStopThatComesWhileItReconciles_StillCancelsTheLastRunsOrders_AndQuotesNothing()
    {
        // A killed run left a quote resting; the stop comes while the restarted engine waits on the venue's open orders.
        var journal = new InMemoryTradingJournal();
        using var exchange = VenueLeftByAKilledRun();
        var resting = Tracked("mm_old1", Side.Buy, Sol.RoundPrice(exchange.Mid(EngineHarness.Symbol)!.Value * 0.999m), OrderStatus.Submitted);
        await journal.SaveOrdersAsync([resting], CancellationToken.None);
        exchange.Place("mm", resting.ToRequest());
        var reconciling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = new EngineHarness(journal: journal, exchange: exchange, wrap: c => new ScriptedConnector(c)
        {
            BeforeOpenOrders = async ct =>
            {
                if (!reconciling.TrySetResult()) return;
                await answer.Task.WaitAsync(ct); // a real venue's request ends when its token fires
            },
        });
        _ = h.Start();
        await reconciling.Task.DefaultTimeout();
        var stopping = h.StopAsync();
        answer.SetResult();
        var result = await stopping;

        Assert.Equal(0, result.OwnOrdersLeftOnVenue);
        Assert.Empty(h.OpenOrders());
        Assert.Equal(OrderStatus.Cancelled, journal.Orders["mm_old1"].Status);
        Assert.Equal(["mm_old1"], journal.Orders.Keys); // stopped before its first quote: it sent none
    }

    [Fact]
    public async Task Restart_AStopWhileTheVenueNeverAnswersTheStartUp_EndsTheRunAsNotReconciled_AfterTheShutdownTime()
    {
        var reconciling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = new EngineHarness(shutdownTimeout: TimeSpan.FromMilliseconds(300), wrap: c => new ScriptedConnector(c)
        {
            BeforeOpenOrders = async ct =>
            {
                reconciling.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct); // a venue that never answers, until the request is given up
            },
        });
        _ = h.Start();
        await reconciling.Task.DefaultTimeout();
        var ended = await StopOnTheEnginesClockAsync(h);
        Assert.Contains("start-up did not finish", ended.Reason, StringComparison.Ordinal);
        Assert.Empty(h.Journal.Orders); // nothing was sent
    }

    [Fact]
    public async Task Restart_AFillOfAnOrderTheJournalHadAlreadyEnded_IsJournaledWithThatOrdersPurpose()
    {
        // Killed after journaling a rebalance order as Filled (from the venue's answer), before its fill was written: the
        // restart finds the fill on the venue, and the journal no longer lists the order among the open ones.
        var journal = new InMemoryTradingJournal();
        using var exchange = VenueLeftByAKilledRun();
        var mid = exchange.Mid(EngineHarness.Symbol)!.Value;
        var rebalance = new TrackedOrder
        {
            ClientOrderId = "mm_old1", Symbol = EngineHarness.Symbol, Side = Side.Buy, Type = OrderType.Limit, TimeInForce = TimeInForce.Ioc,
            Price = Sol.RoundPrice(mid * 1.01m), Quantity = 0.5m, Purpose = OrderPurpose.Rebalance, Level = -1,
            CreatedAt = DateTimeOffset.Parse("2026-11-23T11:59:00Z", System.Globalization.CultureInfo.InvariantCulture),
        };
        rebalance.Restore(OrderStatus.Filled, "v1", 0.5m, rebalance.CreatedAt, null);
        await journal.SaveOrdersAsync([rebalance], CancellationToken.None);
        Assert.Equal(VenueOrderStatus.Filled, exchange.Place("mm", rebalance.ToRequest()).Order!.Status);

        await using var h = new EngineHarness(journal: journal, exchange: exchange);
        _ = h.Start();
        await h.QuotingAsync();
        var recovered = Assert.Single(journal.Fills);
        Assert.Equal(("mm_old1", OrderPurpose.Rebalance), (recovered.Fill.ClientOrderId, recovered.Purpose)); // not a quote's fill
        Assert.Equal(1, (await h.StopAsync()).Startup!.FillsRecovered);
    }

    [Fact]
    public async Task Restart_ACancelTheLastRunNeverHeardBackAbout_IsSentAgain_NotLeftOnTheBook()
    {
        var journal = new InMemoryTradingJournal();
        await using var h = new EngineHarness(journal: journal);
        // Killed after sending the cancel, before its answer: journaled PendingCancel, still resting on the venue.
        var cancelling = Tracked("mm_old1", Side.Sell, Sol.RoundPrice(h.Exchange.Mid(EngineHarness.Symbol)!.Value * 1.01m), OrderStatus.PendingCancel);
        await journal.SaveOrdersAsync([cancelling], CancellationToken.None);
        h.Exchange.Place(h.Name, cancelling.ToRequest());
        _ = h.Start();
        await h.QuotingAsync();
        Assert.DoesNotContain(h.OpenOrders(), o => o.ClientOrderId == "mm_old1");
        Assert.Equal(OrderStatus.Cancelled, journal.Orders["mm_old1"].Status);
        var result = await h.StopAsync();
        Assert.Equal(1, result.Startup!.CancelsResent);
        Assert.Equal(0, result.Startup.Adopted);
    }

    [Fact]
    public async Task Restart_ACancellingOrderTheVenueNoLongerKnows_IsSettledAsCancelled_NotAFailure()
    {
        var journal = new InMemoryTradingJournal();
        // Killed while cancelling; the venue cancelled it and has since dropped it from its history.
        var cancelling = Tracked("mm_old1", Side.Sell, 151m, OrderStatus.PendingCancel);
        await journal.SaveOrdersAsync([cancelling], CancellationToken.None);
        await using var h = new EngineHarness(journal: journal);
        _ = h.Start();
        await h.QuotingAsync();
        Assert.Equal(OrderStatus.Cancelled, journal.Orders["mm_old1"].Status);
        Assert.Equal(1, (await h.StopAsync()).Startup!.Settled);
    }

    [Fact]
    public async Task Restart_JournalOpenButVenueNeverHeardOfIt_FailsClosed_AndCancelsWhatTheLastRunLeftResting()
    {
        var journal = new InMemoryTradingJournal();
        using var exchange = VenueLeftByAKilledRun();
        await journal.SaveOrdersAsync([Tracked("mm_ghost", Side.Buy, 100m, OrderStatus.Open)], CancellationToken.None);
        await RestingOrderOfAKilledRunAsync(exchange, journal);
        await using var h = new EngineHarness(journal: journal, exchange: exchange);
        var ex = await Assert.ThrowsAsync<ReconciliationFailedException>(() => h.Start().DefaultTimeout());
        Assert.Contains("mm_ghost", ex.Reason, StringComparison.Ordinal);
        Assert.Equal(EngineState.Failed, h.Engine.State);
        // It never quoted, and the last run's order does not rest unwatched through the retries: cancelled, confirmed.
        Assert.Equal(0, ex.OrdersLeft);
        Assert.Empty(h.OpenOrders());
        Assert.Equal(["mm_ghost", "mm_old1"], journal.Orders.Keys.Order());
    }

    [Fact]
    public async Task PostOnlyRejection_RetriedOnceOneTickFurther()
    {
        var rejectFirst = 2; // the first bid and the first ask
        await using var h = new EngineHarness(wrap: c => new ScriptedConnector(c)
        {
            OnPlace = (request, inner) => request.PostOnly && Interlocked.Decrement(ref rejectFirst) >= 0
                ? Task.FromResult(PlaceOrderResult.Rejected(RejectCode.PostOnlyWouldTake, "would take"))
                : inner(request),
        });
        _ = h.Start();
        await h.QuotingAsync();
        await Until.TrueAsync(() => h.Journal.Orders.Values.Count(o => o.Template.PostOnlyRetries == 1) == 2, "two retries journaled");
        var retries = h.Journal.Orders.Values.Where(o => o.Template.PostOnlyRetries == 1).Select(o => o.Template).ToList();
        var rejected = h.Journal.Orders.Values.Where(o => o.Status == OrderStatus.Rejected).Select(o => o.Template).ToList();
        Assert.Equal(2, rejected.Count);
        foreach (var retry in retries)
        {
            var original = rejected.Single(r => r.Side == retry.Side);
            Assert.Equal(original.Level, retry.Level);
            Assert.Equal(retry.Side == Side.Buy ? original.Price - Sol.TickSize : original.Price + Sol.TickSize, retry.Price);
        }
    }

    [Fact]
    public async Task AQuoteTheVenueKeepsRefusing_HoldsItsSide_OneSecondDoublingTo30_TheOtherSideQuotesOn()
    {
        // Every ask refused (no funds, say): they were sent again at every decision, 141 refusals in 10 s of this market.
        var refuseAsks = 1;
        var asks = 0;
        await using var h = new EngineHarness(market: EngineHarness.QuietMarket() with { VolatilityPct = 0.05m }, wrap: c => new ScriptedConnector(c)
        {
            OnPlace = (request, inner) =>
            {
                if (request.Side != Side.Sell) return inner(request);
                Interlocked.Increment(ref asks);
                return Volatile.Read(ref refuseAsks) == 1 ? Task.FromResult(PlaceOrderResult.Rejected(RejectCode.InsufficientFunds, "no funds")) : inner(request);
            },
        });
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count(o => o.Side == Side.Buy) == 3, "the bids rest");
        await Until.TrueAsync(() => Volatile.Read(ref asks) >= 1, "an ask refused");
        // 10 s of a moving market, an event every 200 ms, each acted on: rounds at 1, 2, 4 and 8 s after the last, at most 3 asks each.
        await h.RunPathAsync(TimeSpan.FromSeconds(10));
        Assert.InRange(Volatile.Read(ref asks), 1, 15);
        Assert.Equal(3, h.OpenOrders().Count(o => o.Side == Side.Buy));

        // The venue takes them again: at the end of the current wait (30 s at most) the asks rest, and the side is free.
        Volatile.Write(ref refuseAsks, 0);
        for (var i = 0; i < 160 && h.OpenOrders().Count(o => o.Side == Side.Sell) < 3; i++) await h.StepAsync();
        Assert.Equal(3, h.OpenOrders().Count(o => o.Side == Side.Sell));
    }

    [Fact]
    public async Task AReductionTheVenueKeepsRefusing_WaitsOneSecondDoubling_NotSentAtEveryDecision()
    {
        // Our ask is lifted: short 0.5, above target + threshold, so the perp market maker reduces. The venue refuses every
        // reduction (margin, its rate limit): it was sent again at every decision, each refused.
        const string perp = "SOL_USDC_PERP";
        var refuse = 1;
        var reductions = 0;
        await using var h = new EngineHarness(config: new PerpMarketMakerConfig { SpreadPct = 0.04m, OrderQuantity = 0.5m, Levels = 1, MaxPosition = 1m, PositionThreshold = 0.1m },
            symbol: perp, market: EngineHarness.QuietMarket() with
            {
                PricePaths = new Dictionary<string, PricePath> { [perp] = new([(TimeSpan.Zero, 150m), (TimeSpan.FromSeconds(2), 150m), (TimeSpan.FromSeconds(2.2), 150.6m), (TimeSpan.FromSeconds(20), 150.6m)]) },
            },
            wrap: c => new ScriptedConnector(c)
            {
                OnPlace = (request, inner) =>
                {
                    if (request.TimeInForce != TimeInForce.Ioc) return inner(request);
                    Interlocked.Increment(ref reductions);
                    return Volatile.Read(ref refuse) == 1 ? Task.FromResult(PlaceOrderResult.Rejected(RejectCode.InsufficientFunds, "insufficient margin")) : inner(request);
                },
            });
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count == 2, "a quote a side");
        // 10 s of events every 200 ms after the ask is lifted: tries at 0, 1, 3 and 7 s after the first refusal.
        await h.RunPathAsync(TimeSpan.FromSeconds(12.2));
        Assert.InRange(Volatile.Read(ref reductions), 1, 5);

        // The venue takes it again: within the current wait (8 s) the reduction goes through.
        Volatile.Write(ref refuse, 0);
        for (var i = 0; i < 60 && !h.Journal.Fills.Any(f => f.Purpose == OrderPurpose.Reduce); i++) await h.StepAsync();
        Assert.Equal(Side.Buy, Assert.Single(h.Journal.Fills, f => f.Purpose == OrderPurpose.Reduce).Fill.Side);
    }

    [Fact]
    public async Task PostOnlyStorm_Regression_ABouncingSideWaitsForANewerBook()
    {
        // The seed's perp grid sent post-only orders that bounced hundreds of times a day in a rally (§9.1). Here a side
        // whose orders all bounce tries each level once more, one tick further, then waits until the market's opposite
        // touch moves (our own asks arriving on the book do not count).
        var bids = 0;
        await using var h = new EngineHarness(wrap: c => new ScriptedConnector(c)
        {
            OnPlace = (request, inner) =>
            {
                if (request.Side != Side.Buy) return inner(request);
                Interlocked.Increment(ref bids);
                return Task.FromResult(PlaceOrderResult.Rejected(RejectCode.PostOnlyWouldTake, "would take"));
            },
        });
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count(o => o.Side == Side.Sell) == 3, "the asks rest");
        await Until.TrueAsync(() => Volatile.Read(ref bids) == 6, "each bid level bounced, retried once, bounced");
        for (var i = 0; i < 30; i++) { h.Time.Advance(TimeSpan.FromMilliseconds(500)); await Task.Delay(5); } // timers fire, the book stands still
        Assert.Equal(6, Volatile.Read(ref bids));
        h.Exchange.SetMid(EngineHarness.Symbol, h.Exchange.Mid(EngineHarness.Symbol)!.Value + 0.5m); // the market moved
        await Until.TrueAsync(() => Volatile.Read(ref bids) >= 12, "one more round once the market moved");
        for (var i = 0; i < 10; i++) { h.Time.Advance(TimeSpan.FromMilliseconds(500)); await Task.Delay(5); }
        Assert.Equal(12, Volatile.Read(ref bids));
    }

    [Fact]
    public async Task PostOnlyStorm_OnAVenueThatTellsTheRefusalOnItsStreamBeforeItAnswers_ALevelWaitsForTheAnswer()
    {
        // Paradex closes a post-only order that would cross on its orders channel, then the connector answers Rejected.
        // A level whose order the stream had ended was quoted again at once, at the price that had just bounced, before
        // the answer could start the post-only rule (one retry a tick further, then wait for the market).
        var bids = 0;
        ScriptedConnector? scripted = null;
        EngineHarness? harness = null;
        await using var h = harness = new EngineHarness(wrap: c => scripted = new ScriptedConnector(c)
        {
            OnPlace = async (request, inner) =>
            {
                if (request.Side != Side.Buy) return await inner(request);
                Interlocked.Increment(ref bids);
                scripted!.InjectRefusal(request, DateTimeOffset.UtcNow);
                await harness!.JournaledAsync(request.ClientOrderId, OrderStatus.Rejected); // the answer comes after the engine has heard the stream
                return PlaceOrderResult.Rejected(RejectCode.PostOnlyWouldTake, "would take");
            },
        });
        _ = h.Start();
        await Until.TrueAsync(() => h.OpenOrders().Count(o => o.Side == Side.Sell) == 3, "the asks rest");
        await Until.TrueAsync(() => Volatile.Read(ref bids) >= 6, "each bid level bounced, retried once, bounced");
        for (var i = 0; i < 30; i++) { h.Time.Advance(TimeSpan.FromMilliseconds(500)); await Task.Delay(5); } // timers fire, the book stands still
        await h.SettledAsync(); // no answer still on its way
        Assert.Equal(6, Volatile.Read(ref bids));
    }

    [Fact]
    public async Task UnknownPlaceOutcome_IsSettledByQuery_NeverResubmitted()
    {
        var lost = 1;
        await using var h = new EngineHarness(wrap: c => new ScriptedConnector(c)
        {
            // The venue takes the first order but the response is lost.
            OnPlace = async (request, inner) =>
            {
                var result = await inner(request);
                return Interlocked.Decrement(ref lost) >= 0 ? PlaceOrderResult.Unknown("response lost") : result;
            },
        });
        _ = h.Start();
        await h.QuotingAsync();
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await Until.TrueAsync(() => h.Journal.Orders.Values.All(o => o.Status != OrderStatus.Unknown), "the unknown order is settled");
        Assert.Equal(6, h.OpenOrders().Count); // no duplicate at the level whose answer was lost
        Assert.Equal(6, h.Journal.Orders.Count);
    }

    [Fact]
    public async Task LateArrival_OfAnOrderGivenUpAsNeverReceived_IsCancelledOnSight()
    {
        // A request the venue had no record of, past the grace, is settled as never received and the level quoted again.
        // When that request reaches the venue after all, it is a second order at the level that nobody works: cancel it.
        PlaceOrderRequest? held = null;
        await using var h = new EngineHarness(wrap: c => new ScriptedConnector(c)
        {
            OnPlace = (request, inner) => request.Side == Side.Buy && Interlocked.CompareExchange(ref held, request, null) is null
                ? Task.FromResult(PlaceOrderResult.Unknown("request stuck in the network"))
                : inner(request),
        });
        var run = h.Start();
        await h.WaitAsync(() => held is { } lost && h.OpenOrders().Count == 6 && h.Journal.Orders[lost.ClientOrderId].Status == OrderStatus.Rejected,
            "the lost bid is given up as never received and its level quoted again", TimeSpan.FromMilliseconds(500));
        var stuck = held!;
        var late = await h.Connector.PlaceOrderAsync(stuck, default); // the stuck request arrives
        Assert.Equal(VenueOrderStatus.Open, late.Order?.Status);
        await h.WaitAsync(() => h.OpenOrders().Count == 6 && h.OpenOrders().All(o => o.ClientOrderId != stuck.ClientOrderId) || run.IsCompleted,
            "the late order is cancelled");
        Assert.False(run.IsCompleted, run.Exception?.ToString());
        Assert.Equal(VenueOrderStatus.Cancelled, (await h.Connector.GetOrderAsync(EngineHarness.Symbol, stuck.ClientOrderId, default))?.Status);
        Assert.Equal(3, h.OpenOrders().Count(o => o.Side == Side.Buy));
    }

    [Fact]
    public async Task AnOrderWithOurPrefixThatNoRunOfOursPlaced_TripsTheKillSwitch_AndIsLeftToItsOwner_ItsFillsNotOurs()
    {
        // Another process trades as "mm" on this account (a worker of the same spec on another state dir): its order
        // carries our prefix, but neither this run nor the journal placed it. Taken for a stray, it was cancelled, and
        // the other cancelled ours in turn; each counted the other's fills as its own.
        await using var h = new EngineHarness();
        _ = h.Start();
        await h.QuotingAsync();
        var price = h.OurBestBid() - 10 * Sol.TickSize;
        Assert.Equal(CommandOutcome.Accepted, h.Exchange.Place(h.Name, new PlaceOrderRequest(EngineHarness.Symbol, "mm_other1", Side.Buy, OrderType.Limit,
            TimeInForce.Gtc, price, 0.5m)).Outcome);

        await h.StatsAsync(s => s.KillSwitchTripped, "the kill switch trips");
        Assert.StartsWith($"order mm_other1 (Buy 0.5 @ {price}) carries this instance's client-id prefix, but no run of it placed it",
            h.Engine.LatestStats!.KillSwitchReason, StringComparison.Ordinal);
        await h.WaitAsync(() => h.OpenOrders().Count == 1, "our quotes pulled");
        Assert.Equal("mm_other1", Assert.Single(h.OpenOrders()).ClientOrderId); // left to its owner

        // The market sells through it: the other's fill, not in our journal or figures.
        var sweep = h.Exchange.Levels(EngineHarness.Symbol, Side.Buy, 50).Where(l => l.Price >= price).Sum(l => l.Quantity);
        Assert.Equal(CommandOutcome.Accepted, h.Exchange.Place("taker", new PlaceOrderRequest(EngineHarness.Symbol, "x1", Side.Sell, OrderType.Limit, TimeInForce.Ioc, price, sweep)).Outcome);
        Assert.Contains(h.Exchange.Fills(h.Name, EngineHarness.Symbol, DateTimeOffset.MinValue), f => f.ClientOrderId == "mm_other1");
        await h.SettledAsync();
        var result = await h.StopAsync();
        Assert.Empty(h.Journal.Fills);
        Assert.Equal((0, 0m), (result.FinalStats.Session.Fills, result.FinalStats.Session.Position));
    }

    [Fact]
    public async Task AnOpenReportOfAnOrderOnlyTheJournalKnows_IsCancelledAsAStray_WithoutTrippingTheKillSwitch()
    {
        // An order of an earlier run (in the journal, ended there, so this run does not track it) reported open: ours, so
        // a stray to cancel, not another process's.
        var journal = new InMemoryTradingJournal();
        await using var h = new EngineHarness(journal: journal);
        _ = h.Start();
        await h.QuotingAsync();
        var earlier = Tracked("mm_old1", Side.Buy, h.OurBestBid() - 10 * Sol.TickSize, OrderStatus.Cancelled);
        await journal.SaveOrdersAsync([earlier], CancellationToken.None);
        Assert.Equal(CommandOutcome.Accepted, h.Exchange.Place(h.Name, earlier.ToRequest()).Outcome);

        await h.WaitAsync(() => h.OpenOrders().Count == 6 && h.OpenOrders().All(o => o.ClientOrderId != "mm_old1"), "the stray is cancelled");
        await h.SettledAsync();
        Assert.False(h.Engine.LatestStats!.KillSwitchTripped, h.Engine.LatestStats.KillSwitchReason);
    }

    [Fact]
    public async Task BookGap_Resubscribes_AndKeepsQuoting()
    {
        await using var h = new EngineHarness();
        _ = h.Start();
        await h.QuotingAsync();
        h.Exchange.InjectBookGap(EngineHarness.Symbol);
        var mid = h.Exchange.Mid(EngineHarness.Symbol)!.Value;
        h.Exchange.SetMid(EngineHarness.Symbol, mid + 1m);
        await h.WaitAsync(() => h.OpenOrders().Count == 6 && h.OpenOrders().All(o => o.Side == Side.Sell || o.Price > mid), "quotes follow the market after the resync");
        // The fills that reached us before the new book did not set off a storm of post-only rejections.
        var rejected = h.Journal.Orders.Values.Count(o => o.Status == OrderStatus.Rejected);
        Assert.True(rejected <= 6, $"{rejected} post-only rejections");
        Assert.True(h.Engine.Health.BookSynced);
    }

    [Fact]
    public async Task StaleBook_PullsQuotes()
    {
        ScriptedConnector? scripted = null;
        await using var h = new EngineHarness(wrap: c => scripted = new ScriptedConnector(c));
        var run = h.Start();
        await h.QuotingAsync();
        scripted!.BookSilent = true; // the stream stays up but nothing arrives any more
        h.Time.Advance(TimeSpan.FromSeconds(16)); // longer than StaleBookAfter
        await Until.TrueAsync(() => h.OpenOrders().Count == 0 || run.IsCompleted, "quotes are pulled");
        Assert.False(run.IsFaulted, run.Exception?.ToString());
        Assert.False(h.Engine.Health.BookFresh);
        scripted.BookSilent = false;
        h.Exchange.SetMid(EngineHarness.Symbol, h.Exchange.Mid(EngineHarness.Symbol)!.Value); // fresh data again
        await h.QuotingAsync();
    }

    /// <summary>
    /// Moves the clock a quarter second at a time until the still market's next quiet mark (every 5 s) has reached the
    /// engine and been handled: the marks pace the clock, so it never outruns the feed past the stale limit.
    /// </summary>
    private static async Task NextQuietMarkAsync(EngineHarness h, ScriptedConnector scripted, Task run)
    {
        var next = scripted.AliveMarks + 1;
        await h.WaitAsync(() => (scripted.AliveMarks >= next && h.CaughtUp) || run.IsCompleted, $"quiet mark {next} taken", TimeSpan.FromMilliseconds(250));
        Assert.False(run.IsCompleted, run.Exception?.ToString());
    }

    [Fact]
    public async Task QuietBook_ThatTheFeedSaysIsAlive_KeepsItsQuotes()
    {
        // A still market (the harness's): nothing moves the book, but the paper feed says every five seconds that it is
        // alive. Nine of its marks, forty-five seconds (three stale limits, short of the minute's forced refresh); before
        // quiet marks the engine pulled every quote after fifteen. The clock moves a quarter second at a time, and only
        // until the next mark has reached the engine: the marks pace it.
        ScriptedConnector? scripted = null;
        await using var h = new EngineHarness(wrap: c => scripted = new ScriptedConnector(c));
        var run = h.Start();
        await h.QuotingAsync();
        var started = h.Time.GetUtcNow();
        var quotes = h.OpenOrders().Select(o => o.ClientOrderId).Order().ToList();
        var lastChange = h.Engine.Health.LastBookUpdate;
        for (var mark = 1; mark <= 9; mark++) await NextQuietMarkAsync(h, scripted!, run);
        Assert.True(h.Time.GetUtcNow() - started >= TimeSpan.FromSeconds(40), $"only {h.Time.GetUtcNow() - started} passed");
        Assert.Equal(quotes, h.OpenOrders().Select(o => o.ClientOrderId).Order().ToList());
        Assert.True(h.Engine.Health.BookFresh);
        Assert.Equal(lastChange, h.Engine.Health.LastBookUpdate); // fresh by the feed's word, not because the book moved
    }

    [Fact]
    public async Task ForcedRefresh_ReplacesAQuoteOnceItHasRestedTheInterval_NotOneJustPlaced()
    {
        // The harness's interval is a minute. Quotes placed at 0 s are all replaced by a move at 50 s; the seed's fixed beat
        // would replace them again at 60 s, ten seconds old, at the same prices. They are replaced once they are a minute old.
        ScriptedConnector? scripted = null;
        await using var h = new EngineHarness(wrap: c => scripted = new ScriptedConnector(c));
        var run = h.Start();
        await h.QuotingAsync();
        var started = h.Time.GetUtcNow();
        async Task ElapseUntilAsync(DateTimeOffset when)
        {
            // The still market's quiet marks (every 5 s) keep the book fresh.
            while (h.Time.GetUtcNow() < when) await NextQuietMarkAsync(h, scripted!, run);
        }
        HashSet<string> Quotes() => h.OpenOrders().Select(o => o.ClientOrderId!).ToHashSet();

        await ElapseUntilAsync(started + TimeSpan.FromSeconds(50));
        var first = Quotes();
        h.Exchange.SetMid(EngineHarness.Symbol, h.Exchange.Mid(EngineHarness.Symbol)!.Value + 1m); // every quote moves
        await Until.TrueAsync(() => Quotes() is { Count: 6 } q && !q.Overlaps(first) && h.CaughtUp, "every quote was replaced");
        var moved = Quotes();
        var movedAt = h.Time.GetUtcNow();

        await ElapseUntilAsync(started + TimeSpan.FromSeconds(75)); // past the minute since the first quotes
        Assert.Equal(moved, Quotes());

        await ElapseUntilAsync(movedAt + TimeSpan.FromSeconds(61));
        await Until.TrueAsync(() => Quotes() is { Count: 6 } q && !q.Overlaps(moved), "the moved quotes are replaced a minute after they were placed");
    }

    [Fact]
    public async Task AccountStreamDown_PullsQuotes_ReportsIt_AndQuotesAgainOnceBack()
    {
        ScriptedConnector? scripted = null;
        await using var h = new EngineHarness(wrap: c => scripted = new ScriptedConnector(c));
        var run = h.Start();
        await h.QuotingAsync();
        scripted!.AccountDown = true; // fills would go unseen from here
        await h.WaitAsync(() => !h.Engine.Health.AccountStreamConnected, "the engine sees the stream down");
        Assert.Equal(6, h.OpenOrders().Count); // within the grace a reconnect may still save the quotes
        await h.WaitAsync(() => h.OpenOrders().Count == 0 || run.IsCompleted, "quotes are pulled after the grace", TimeSpan.FromMilliseconds(100));
        Assert.False(run.IsFaulted, run.Exception?.ToString());
        scripted.AccountDown = false;
        await h.WaitAsync(() => h.Engine.Health.AccountStreamConnected, "the stream reconnects", TimeSpan.FromMilliseconds(100));
        await h.QuotingAsync();
    }

    [Fact]
    public async Task RiskDenials_NeverReachTheVenue()
    {
        await using var h = new EngineHarness(risk: new RiskLimits { MaxOrderNotional = 50m }); // 0.5 x 150 = 75 > 50
        _ = h.Start();
        await h.StatsAsync(s => s.RiskDenials >= 6, "denials are counted");
        Assert.Empty(h.OpenOrders());
        Assert.Empty(h.Journal.Orders);
    }

    [Fact]
    public async Task QuotesTheOrderRateHoldsBack_WaitForItsWindow_OneDenialEachTimeItRunsOut()
    {
        // Four orders a second, one kept for protective orders: three quotes a second, and six to place.
        await using var h = new EngineHarness(risk: new RiskLimits { MaxOrdersPerSecond = 4 });
        _ = h.Start();
        await h.WaitAsync(() => h.OpenOrders().Count == 6, "six quotes, over two windows of the rate");
        await h.StatsAsync(s => s.OpenBuyOrders + s.OpenSellOrders == 6, "the stats see them");
        // Each evaluation in between (the acks of the first three, the housekeeping tick) asked again for every quote
        // missing, and each was a denial: 3 at the first pass, 3 more at each evaluation until the window moved on.
        Assert.Equal(1, h.Engine.LatestStats!.RiskDenials);
    }

    [Fact]
    public async Task AQuoteThePositionLimitDenied_IsNotAskedForAgain_WhileWhatItWasJudgedOnIsTheSame()
    {
        // A 0.5 quote a side against a limit of 0.3: each is beyond it from a flat position.
        var config = new SpotMarketMakerConfig { SpreadPct = 0.2m, OrderQuantity = 0.5m, Levels = 1, RebalanceEnabled = false };
        await using var h = new EngineHarness(config: config, risk: new RiskLimits { MaxPosition = 0.3m });
        _ = h.Start();
        await h.StatsAsync(s => s.RiskDenials >= 2, "both quotes denied");
        await h.WaitAsync(() => h.Time.GetUtcNow() > h.Engine.LatestStats!.SessionStart.AddSeconds(3), "three seconds of events and ticks", TimeSpan.FromMilliseconds(50));
        await h.StatsAsync(s => s.Mid is not null, "fresh stats");
        // Each evaluation asked again for both, and each was a denial; now one a side, as nothing they were judged on moved.
        Assert.Equal(2, h.Engine.LatestStats!.RiskDenials);
        Assert.Empty(h.OpenOrders());
    }

    [Fact]
    public async Task StartPaused_QuotesNothing_UntilResumed()
    {
        await using var h = new EngineHarness(startPaused: true);
        _ = h.Start();
        await h.StatsAsync(s => s.QuotingPaused && s.Mid is not null, "running, paused");
        await h.WaitAsync(() => h.Time.GetUtcNow() > h.Engine.LatestStats!.SessionStart.AddSeconds(2), "two seconds of the market");
        Assert.Empty(h.OpenOrders());
        Assert.Null(await h.Engine.ExecuteAsync(new ResumeQuoting(), CancellationToken.None).DefaultTimeout());
        await h.QuotingAsync();
    }

    private static async Task<InMemoryTradingJournal> JournalOfATrippedRunAsync()
    {
        var journal = new InMemoryTradingJournal();
        var t = DateTimeOffset.Parse("2026-11-23T11:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        await journal.SaveStatsAsync(new Stats.StatsSnapshot
        {
            Instance = "mm", Venue = "paper", Symbol = EngineHarness.Symbol, BaseAsset = "SOL", QuoteAsset = "USDC", Time = t, SessionStart = t,
            Session = new Stats.StatsFigures(), Cumulative = new Stats.StatsFigures(), KillSwitchTripped = true,
            KillSwitchReason = "drawdown 6 from peak 1 reached the limit 5",
        }, replaceLatest: false, CancellationToken.None);
        return journal;
    }

    [Fact]
    public async Task AKillSwitchTheLastRunTripped_HoldsInASupervisorsRestart_AndIsSavedAtOnce()
    {
        var journal = await JournalOfATrippedRunAsync();
        await using var h = new EngineHarness(journal: journal, keepTrippedKillSwitch: true);
        _ = h.Start();
        await h.StatsAsync(s => s.KillSwitchTripped && s.Mid is not null, "running, the kill switch tripped");
        Assert.Equal("drawdown 6 from peak 1 reached the limit 5", h.Engine.LatestStats!.KillSwitchReason);
        await h.WaitAsync(() => h.Time.GetUtcNow() > h.Engine.LatestStats!.SessionStart.AddSeconds(2), "two seconds of the market");
        Assert.Empty(h.OpenOrders());
        // This run's own snapshot says so too, at its first housekeeping tick: a crash now restores it again.
        var session = h.Engine.LatestStats!.SessionStart;
        Assert.Contains(h.Journal.Stats, s => s.SessionStart == session && s.KillSwitchTripped && s.Time - session < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task TheJournal_IsPruned_OfOrdersThatEndedBeforeTheRetention_AtTheFirstTickAndHourly()
    {
        // A market maker journals thousands of orders a day; without a prune the journal grew for as long as it ran.
        var journal = new InMemoryTradingJournal();
        var now = DateTimeOffset.Parse("2026-11-23T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        TrackedOrder Ended(string id, DateTimeOffset at)
        {
            var o = new TrackedOrder
            {
                ClientOrderId = id, Symbol = EngineHarness.Symbol, Side = Side.Buy, Type = OrderType.Limit, TimeInForce = TimeInForce.Gtc,
                Price = 140m, Quantity = 0.5m, Level = 0, CreatedAt = at,
            };
            o.Restore(OrderStatus.Cancelled, "v-" + id, 0m, at, null);
            return o;
        }
        await journal.SaveOrdersAsync([Ended("mm_old", now.AddDays(-31)), Ended("mm_month", now.AddDays(-29).AddHours(-0.5))], CancellationToken.None);
        await using var h = new EngineHarness(journal: journal);
        _ = h.Start();
        await h.QuotingAsync();
        await h.WaitAsync(() => !journal.Orders.ContainsKey("mm_old"), "the first housekeeping tick prunes", TimeSpan.FromMilliseconds(100));
        Assert.True(journal.Orders.ContainsKey("mm_month"));
        Assert.Equal(6, journal.Orders.Values.Count(o => o.Status == OrderStatus.Open)); // our quotes: never pruned

        await h.WaitAsync(() => !journal.Orders.ContainsKey("mm_month"), "an hour later, the next prune", TimeSpan.FromMinutes(10));
        Assert.True(h.Time.GetUtcNow() - now >= TimeSpan.FromHours(0.5), "not before it is 30 days old");
    }

    [Fact]
    public async Task AKillSwitchThatTrips_IsJournaledAtOnce_NotAtTheNextSnapshotPeriod()
    {
        await using var h = new EngineHarness(risk: new RiskLimits { MaxDrawdown = 0.5m });
        _ = h.Start();
        await h.QuotingAsync();
        await h.WaitAsync(() => h.Journal.Stats.Count > 0, "the first housekeeping tick: the session's peak, 0", TimeSpan.FromMilliseconds(100));
        Assert.False(h.Journal.Stats[^1].KillSwitchTripped);
        h.Exchange.SetMid(EngineHarness.Symbol, 147m); // through our bids: long, and 2 % under water
        await h.StatsAsync(s => s.KillSwitchTripped, "the kill switch trips");
        // Within seconds, not the minute of the snapshot period: a worker that crashes now restarts tripped.
        Assert.True(h.Journal.Stats[^1] is { KillSwitchTripped: true } latest && latest.KillSwitchReason!.StartsWith("drawdown ", StringComparison.Ordinal));
        Assert.True(h.Time.GetUtcNow() - h.Engine.LatestStats!.SessionStart < TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task TheDailyLossLimit_PullsTheQuotesForTheRestOfTheUtcDay_JournalsItAtOnce_AndTheNextDayQuotesAgain()
    {
        await using var h = new EngineHarness(risk: new RiskLimits { MaxDailyLoss = 0.5m });
        _ = h.Start();
        await h.QuotingAsync();
        await h.StatsAsync(s => s.TodayNetPnl is not null, "today's figure");
        h.Exchange.SetMid(EngineHarness.Symbol, 147m); // through our bids: long, and 2 % under water
        await h.StatsAsync(s => s.DailyLossHalt is not null, "the daily loss halt");
        Assert.StartsWith("today's net PnL -", h.Engine.LatestStats!.DailyLossHalt, StringComparison.Ordinal);
        Assert.Equal(h.Engine.LatestStats.DailyLossHalt, h.Journal.Stats[^1].DailyLossHalt); // saved at once: a restart knows the day's start
        Assert.False(h.Engine.LatestStats.KillSwitchTripped);
        await h.WaitAsync(() => h.OpenOrders().Count == 0, "quotes pulled");

        // The price comes back: still halted today.
        h.Exchange.SetMid(EngineHarness.Symbol, 150m);
        await h.WaitAsync(() => h.Time.GetUtcNow().Hour >= 18, "six hours on", TimeSpan.FromMinutes(10));
        Assert.Empty(h.OpenOrders());
        await h.WaitAsync(() => h.OpenOrders().Count == 6, "quoting again after 00:00 UTC", TimeSpan.FromMinutes(10));
        Assert.Equal(new DateOnly(2026, 11, 24), DateOnly.FromDateTime(h.Time.GetUtcNow().UtcDateTime));
        Assert.Null(h.Engine.LatestStats!.DailyLossHalt);
    }

    [Fact]
    public async Task TheOperatorLiftsADailyLossHalt_QuotesReturnAtOnce_AndTheLiftIsJournaledWithTheDaysStart()
    {
        await using var h = new EngineHarness(risk: new RiskLimits { MaxDailyLoss = 0.5m });
        _ = h.Start();
        await h.QuotingAsync();
        Assert.Equal("no daily loss halt to lift", await h.Engine.ExecuteAsync(new LiftDailyLossHalt(), CancellationToken.None));
        h.Exchange.SetMid(EngineHarness.Symbol, 147m);
        await h.StatsAsync(s => s.DailyLossHalt is not null, "the daily loss halt");
        await h.WaitAsync(() => h.OpenOrders().Count == 0, "quotes pulled");

        Assert.Null(await h.Engine.ExecuteAsync(new LiftDailyLossHalt(), CancellationToken.None));
        await h.WaitAsync(() => h.OpenOrders().Count > 0, "quoting again, the same day");
        await h.StatsAsync(s => s.DailyLossHalt is null && s.SinceDailyLossHaltLifted is not null, "the lift in the stats");
        Assert.True(h.Engine.LatestStats!.TodayNetPnl <= -0.5m); // today's figure still counts from midnight
        await h.WaitAsync(() => h.Journal.Stats.Count > 0 && h.Journal.Stats[^1].DayStart?.LimitFrom is not null, "the lift journaled, for a restart");
    }

    [Fact]
    public async Task ARunShorterThanAHousekeepingTick_StillEndsWithTodaysFigure()
    {
        await using var h = new EngineHarness();
        _ = h.Start();
        await h.QuotingAsync();
        var result = await h.StopAsync();
        Assert.Equal(0m, result.FinalStats.TodayNetPnl); // mmctl report reads the day's net PnL from the last snapshot
        Assert.Equal(result.FinalStats.TodayNetPnl, h.Journal.Stats[^1].TodayNetPnl);
    }

    [Fact]
    public async Task ARestartWithinTheDay_CountsTodaysLossFromTheDaysStart_TheLastRunSaved()
    {
        var journal = new InMemoryTradingJournal();
        await using (var h = new EngineHarness(journal: journal))
        {
            _ = h.Start();
            await h.QuotingAsync();
            await h.StatsAsync(s => s.TodayNetPnl is not null, "today's figure");
            h.Exchange.SetMid(EngineHarness.Symbol, 147m);
            await h.StatsAsync(s => s.TodayNetPnl < -0.5m, "under water by more than 0.5 today");
            await h.StopAsync();
        }
        // The same day, the market where the last run left it, a limit of 0.5: the loss it took counts.
        var market = EngineHarness.QuietMarket() with { StartPrices = new Dictionary<string, decimal> { [EngineHarness.Symbol] = 147m } };
        await using var again = new EngineHarness(journal: journal, market: market, risk: new RiskLimits { MaxDailyLoss = 0.5m });
        _ = again.Start();
        await again.StatsAsync(s => s.DailyLossHalt is not null, "halted by the loss the last run took today");
        Assert.True(again.Engine.LatestStats!.TodayNetPnl < -0.5m);
        // Not one quote went out: today's loss was known before the first.
        Assert.Equal(0, again.Engine.LatestStats.OrdersPlaced);
        Assert.Empty(again.OpenOrders());
    }

    [Fact]
    public async Task AKillSwitchTheLastRunTripped_IsClearedByAnOperatorsStart_AndTheJournalLearnsItAtOnce()
    {
        var journal = await JournalOfATrippedRunAsync();
        await using var h = new EngineHarness(journal: journal, keepTrippedKillSwitch: false);
        _ = h.Start();
        await h.QuotingAsync();
        Assert.False(h.Engine.LatestStats?.KillSwitchTripped ?? false);
        // Before the snapshot period: a crash now must not bring back the kill switch the operator cleared.
        await h.WaitAsync(() => h.Journal.Stats.Count > 1, "a snapshot of this run", TimeSpan.FromMilliseconds(100));
        Assert.Null(await h.Journal.LoadTrippedKillSwitchAsync(CancellationToken.None));
        Assert.True(h.Time.GetUtcNow() - h.Engine.LatestStats!.SessionStart < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Rebalance_SendsIocAndAttributesTheFill()
    {
        var config = new SpotMarketMakerConfig { SpreadPct = 0.2m, OrderQuantity = 0.5m, Levels = 1, RebalanceEnabled = true, BaseTargetPct = 30m, RebalanceThresholdPct = 15m };
        await using var h = new EngineHarness(config: config); // default paper balances: 100 SOL + 10000 USDC, 60 % base
        _ = h.Start();
        await Until.TrueAsync(() => h.Journal.Fills.Any(f => f.Purpose == OrderPurpose.Rebalance), "a rebalance fill");
        var rebalance = h.Journal.Orders.Values.Single(o => o.Template.Purpose == OrderPurpose.Rebalance).Template;
        Assert.Equal(TimeInForce.Ioc, rebalance.TimeInForce);
        Assert.Equal(Side.Sell, rebalance.Side);
        await h.StatsAsync(s => s.Session.RebalanceQuoteVolume > 0, "stats attribute the rebalance");
    }

    [Fact]
    public async Task ARebalanceHeldForOurBidInItsWay_GoesOnceWhenTheBidLeaves_NotAgainBesideTheStrategysNextAsk()
    {
        // Seen live (a spot market maker on the Backpack emulator): a rebalance held while our bid stood in its way was let
        // go in the turn the strategy asked for it again, and both went: two IOC sells of 50 SOL, 1 ms apart.
        var config = new SpotMarketMakerConfig { SpreadPct = 0.02m, OrderQuantity = 0.5m, Levels = 1, RebalanceEnabled = false, BaseTargetPct = 30m, RebalanceThresholdPct = 15m };
        var sent = 0;
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var logger = new Microsoft.Extensions.Logging.Testing.FakeLogger();
        await using var h = new EngineHarness(config: config, logger: logger, wrap: c => new ScriptedConnector(c)
        {
            OnPlace = async (request, place) =>
            {
                if (request.TimeInForce != TimeInForce.Ioc) return await place(request);
                Interlocked.Increment(ref sent);
                await answer.Task; // held at the venue: a second one sent beside it is counted meanwhile
                return await place(request);
            },
        });
        _ = h.Start();
        await h.QuotingAsync(perSide: 1); // our bid rests a tick above the market's best: a rebalance sell there reaches it
        Assert.Null(await h.Engine.ExecuteAsync(new UpdateConfig(config with { RebalanceEnabled = true }), CancellationToken.None));
        await h.WaitAsync(() => Volatile.Read(ref sent) > 0, "a rebalance sent", TimeSpan.FromMilliseconds(20));
        await h.IdleAsync(); // the turn that sent it is over: all it sent has been handed to the venue
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Message.Contains("Rebalance Sell 50.00 waits for our own orders in its way", StringComparison.Ordinal));
        Assert.Equal(1, Volatile.Read(ref sent));
        answer.SetResult();
        await Until.TrueAsync(() => h.Journal.Fills.Any(f => f.Purpose == OrderPurpose.Rebalance), "the rebalance answered, and its fills in");
    }

    [Fact]
    public async Task ARebalanceTheVenueRefuses_WaitsLongerEachTime_InsteadOfGoingAgainAtEveryBalancesRead()
    {
        // Four instances on one Backpack account: the spot market maker's rebalance, sized from balances the others hold
        // part of, was refused for insufficient funds 44 times in 2 minutes.
        var config = new SpotMarketMakerConfig { SpreadPct = 0.2m, OrderQuantity = 0.5m, Levels = 1, RebalanceEnabled = true, BaseTargetPct = 30m, RebalanceThresholdPct = 15m };
        var refused = new System.Collections.Concurrent.ConcurrentQueue<DateTimeOffset>();
        EngineHarness? harness = null;
        await using var h = harness = new EngineHarness(config: config, wrap: c => new ScriptedConnector(c)
        {
            OnPlace = (request, place) =>
            {
                if (request.TimeInForce != TimeInForce.Ioc) return place(request);
                refused.Enqueue(harness!.Time.GetUtcNow());
                return Task.FromResult(PlaceOrderResult.Rejected(RejectCode.InsufficientFunds, "Insufficient funds"));
            },
        });
        _ = h.Start();
        await h.QuotingAsync(perSide: 1);
        var start = h.Time.GetUtcNow();
        await h.WaitAsync(() => h.Time.GetUtcNow() - start > TimeSpan.FromSeconds(20), "20 s of fake time", TimeSpan.FromMilliseconds(50));

        // 1, 2, 4, 8 s apart: five in 20 s at most (one a balances read without the wait).
        var times = refused.ToList();
        Assert.InRange(times.Count, 2, 5);
        for (var i = 1; i < times.Count; i++)
            Assert.True(times[i] - times[i - 1] >= TimeSpan.FromSeconds(1 << (i - 1)), $"refusal {i} came {(times[i] - times[i - 1]).TotalSeconds} s after the last");
    }

    /// <summary>A quiet paper venue on its own clock, made before the harness so a test can leave a killed run's orders on it.</summary>
    [Fact]
    public async Task Restart_StartsFromTheFiguresCheckpoint_ReadsOnlyTheFillsAfterIt_AndHasTheFiguresOfEveryFill()
    {
        var journal = new InMemoryTradingJournal();
        var t = DateTimeOffset.Parse("2026-11-23T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        VenueFill Old(int i) => new($"T{i}", $"V{i}", $"mm_old{i}", EngineHarness.Symbol, i % 3 == 2 ? Side.Sell : Side.Buy, 149m + i * 0.1m, 0.5m,
            0.01m * i, i % 4 == 0 ? "SOL" : "USDC", i % 2 == 0, t.AddMinutes(i));
        for (var i = 0; i < 10; i++) await journal.RecordFillAsync(Old(i), OrderPurpose.Quote, CancellationToken.None);

        // The first start replays them all (a journal from before checkpoints) and saves a checkpoint of them.
        EngineResult first;
        await using (var h = new EngineHarness(journal: journal))
        {
            _ = h.Start();
            await h.QuotingAsync();
            first = await h.StopAsync();
        }
        Assert.Equal((10, 0L), (first.Startup!.JournalFills, first.Startup.CheckpointFills));
        Assert.Equal(10, journal.Checkpoint!.LastFillRow);

        // A killed run journaled three more after its last checkpoint; one of them is of an order still open.
        var open = Tracked("mm_open1", Side.Buy, 140m, OrderStatus.PartiallyFilled);
        open.Restore(OrderStatus.PartiallyFilled, "V12", 0.2m, open.CreatedAt, null);
        await journal.SaveOrdersAsync([open], CancellationToken.None);
        for (var i = 10; i < 13; i++) await journal.RecordFillAsync(Old(i), OrderPurpose.Quote, CancellationToken.None);
        using var exchange = VenueLeftByAKilledRun();
        exchange.Place("mm", open.ToRequest());
        journal.FillQueries.Clear();
        await using var again = new EngineHarness(journal: journal, exchange: exchange);
        _ = again.Start();
        await again.QuotingAsync();
        var restarted = await again.StopAsync();
        Assert.Equal((3, 10L), (restarted.Startup!.JournalFills, restarted.Startup.CheckpointFills));
        // Of the fills the checkpoint covers, only the open order's and the newest minute's were read back, never all of them.
        Assert.All(journal.FillQueries, q => Assert.True(q.AfterRow == 10 || (q.UpToRow == 10 && (q.Orders is not null || q.From is not null)), $"{q}"));
        Assert.Contains(journal.FillQueries, q => q.Orders?.SequenceEqual(["mm_open1"]) == true);

        // The same thirteen fills with no checkpoint: the same figures.
        var copy = new InMemoryTradingJournal();
        for (var i = 0; i < 13; i++) await copy.RecordFillAsync(Old(i), OrderPurpose.Quote, CancellationToken.None);
        await using var whole = new EngineHarness(journal: copy);
        _ = whole.Start();
        await whole.QuotingAsync();
        var replayed = await whole.StopAsync();
        Assert.Equal((13, 0L), (replayed.Startup!.JournalFills, replayed.Startup.CheckpointFills));
        Assert.Equivalent(replayed.FinalStats.Cumulative with { UnrealizedPnl = 0m }, restarted.FinalStats.Cumulative with { UnrealizedPnl = 0m }, strict: true);
        Assert.Equal(13, restarted.FinalStats.Cumulative.Fills);
    }

    /// <summary>A journaled buy, mm_old1, resting on the venue just below the mid: what a killed run left.</summary>
    private static async Task RestingOrderOfAKilledRunAsync(Exchanges.Paper.PaperExchange exchange, InMemoryTradingJournal journal)
    {
        var resting = Tracked("mm_old1", Side.Buy, Sol.RoundPrice(exchange.Mid(EngineHarness.Symbol)!.Value * 0.999m), OrderStatus.Submitted);
        await journal.SaveOrdersAsync([resting], CancellationToken.None);
        exchange.Place("mm", resting.ToRequest());
    }

    private static Exchanges.Paper.PaperExchange VenueLeftByAKilledRun() =>
        new(EngineHarness.QuietMarket(), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));

    private static TrackedOrder Tracked(string id, Side side, decimal price, OrderStatus status, bool postOnly = true)
    {
        var o = new TrackedOrder
        {
            ClientOrderId = id, Symbol = EngineHarness.Symbol, Side = side, Type = OrderType.Limit, TimeInForce = TimeInForce.Gtc,
            Price = price, Quantity = 0.5m, PostOnly = postOnly, Level = 0, CreatedAt = DateTimeOffset.Parse("2026-11-23T11:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
        };
        o.Restore(status, null, 0, o.CreatedAt, null);
        return o;
    }
}
