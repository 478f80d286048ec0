using Mmd.Emulators.Faults;
using Mmd.Emulators.Lighter;
using Mmd.Exchanges.Lighter;
using Mmd.Exchanges.Paper;
using Mmd.TestKit;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Tests.Lighter;

/// <summary>What the conformance suite does not reach: credentials, the registered key, nonces shared and lost, book gaps, fees.</summary>
public sealed class LighterConnectorTests : IAsyncLifetime, IDisposable
{
    private PaperExchange _market = null!;
    private LighterEmulator _emulator = null!;

    public async Task InitializeAsync()
    {
        _market = new PaperExchange(new PaperSettings { VolatilityPct = 0m, FlowRate = 0m }, TimeProvider.System);
        _emulator = await LighterEmulator.StartAsync(_market, TimeProvider.System).DefaultTimeout();
        _emulator.Auth.Register(LighterTestKeys.Account, LighterTestKeys.ApiKeyIndex, Signer().PublicKey);
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    // After DisposeAsync: the emulator is stopped before the market behind it.
    public void Dispose() => _market.Dispose();

    private static LighterSigner Signer() =>
        new(LighterSigner.ParsePrivateKey(LighterTestKeys.PrivateKey, out _)!.Value, LighterTestKeys.Account, LighterTestKeys.ApiKeyIndex, LighterEmulator.TestnetChainId);

    private LighterConnector Connect(string instance = "mm", IReadOnlyDictionary<string, string>? variables = null, LighterEmulator? emulator = null,
        TimeSpan deadManCountdown = default) =>
        new(new LighterOptions { RestBaseUrl = (emulator ?? _emulator).RestUrl, WebSocketUrl = (emulator ?? _emulator).WebSocketUrl, DeadManCountdown = deadManCountdown },
            LighterCredentials.From(variables ?? LighterTestKeys.Variables), instance, TimeProvider.System);

    private decimal PassiveBid => _market.Levels("SOL_USDC_PERP", Side.Buy, 50).Min(l => l.Price) - 0.5m;

    private static Task<PlaceOrderResult> BidAsync(LighterConnector connector, string clientId, decimal price) =>
        connector.PlaceOrderAsync(new PlaceOrderRequest("SOL", clientId, Side.Buy, OrderType.Limit, TimeInForce.Gtc, price, 0.5m, PostOnly: true), default).DefaultTimeout();

    [Theory]
    [InlineData("LIGHTER_ACCOUNT_INDEX", "", "LIGHTER_ACCOUNT_INDEX is not set")]
    [InlineData("LIGHTER_ACCOUNT_INDEX", "-4", "LIGHTER_ACCOUNT_INDEX is not an account index")]
    [InlineData("LIGHTER_API_KEY_INDEX", "300", "LIGHTER_API_KEY_INDEX is not an API key index")]
    [InlineData("LIGHTER_PRIVATE_KEY", "0b8e0f63c24d8baacd9d29ad4e9a4b73c4a8d2bb8b16dc4fa9d7c2e1d3a8b1f0", "LIGHTER_PRIVATE_KEY: a Lighter API private key is 40 bytes")]
    public void Credentials_NameTheVariableThatIsWrong_AndNeverPrintTheKey(string variable, string value, string message)
    {
        var variables = LighterTestKeys.Variables;
        variables[variable] = value;
        var e = Assert.Throws<LighterCredentialsException>(() => LighterCredentials.From(variables));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("0b8e0f", LighterCredentials.From(LighterTestKeys.Variables).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Credentials_OfAnInstanceWithItsOwnKey_AreThatKeysIndex_AndItsOwnPrivateKeyVariable()
    {
        var variables = LighterTestKeys.Variables; // the daemon's key 5
        var e = Assert.Throws<LighterCredentialsException>(() => LighterCredentials.From(variables, apiKeyIndex: 7));
        Assert.Equal("LIGHTER_PRIVATE_KEY_7 is not set", e.Message); // never the daemon's key for another index
        variables["LIGHTER_PRIVATE_KEY_7"] = LighterTestKeys.PrivateKey;
        var own = LighterCredentials.From(variables, apiKeyIndex: 7);
        Assert.Equal((LighterTestKeys.Account, 7), (own.AccountIndex, own.ApiKeyIndex));
        Assert.Equal(5, LighterCredentials.From(variables).ApiKeyIndex);
    }

    [Theory]
    [InlineData("LIGHTER_PRIVATE_KEY", "1100000000000000000000000000000000000000000000000000000000000000000000000000000000", "registered with another public key")]
    [InlineData("LIGHTER_API_KEY_INDEX", "6", "has no API key 6")]
    public async Task Connect_WithAKeyTheVenueDoesNotHold_FailsWithTheReason_BeforeAnyOrder(string variable, string value, string reason)
    {
        var variables = LighterTestKeys.Variables;
        variables[variable] = value[..Math.Min(value.Length, 80)];
        await using var connector = Connect(variables: variables);
        var e = await Assert.ThrowsAsync<LighterApiException>(() => connector.ConnectAsync(default).DefaultTimeout());
        Assert.Equal(LighterApiException.InvalidPublicKey, e.Code);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_emulator.Faults.Requests, r => r.Path == "/api/v1/sendTx");
    }

    [Fact]
    public async Task ANonceSpentByAnotherClientOfTheKey_IsRefused_ReadAgain_AndTheOrderSignedAgainGoesThrough()
    {
        await using var first = Connect("mm-a");
        await using var second = Connect("mm-b");
        var firstIds = first.CreateClientOrderIds("mm-a", DateTimeOffset.UtcNow);
        Assert.Equal(CommandOutcome.Accepted, (await BidAsync(first, firstIds.Next(), PassiveBid)).Outcome); // first now holds nonce 1 as its next
        Assert.Equal(CommandOutcome.Accepted, (await BidAsync(second, second.CreateClientOrderIds("mm-b", DateTimeOffset.UtcNow).Next(), PassiveBid - 0.01m)).Outcome);
        Assert.Equal(CommandOutcome.Accepted, (await BidAsync(first, firstIds.Next(), PassiveBid - 0.02m)).Outcome);

        var sends = _emulator.Faults.Requests.Where(r => r.Path == "/api/v1/sendTx").Select(r => r.Status).ToList();
        Assert.Equal([200, 200, 400, 200], sends); // the refused one did nothing, so it could be signed again
        Assert.Equal(3, _emulator.Auth.NextNonce(LighterTestKeys.Account, LighterTestKeys.ApiKeyIndex));
        Assert.Equal(3, (await first.GetOpenOrdersAsync("SOL", default).DefaultTimeout()).Count);
    }

    [Fact]
    public async Task AnUnansweredTransaction_IsNeverResent_AndTheNextOneReadsTheNonceAgain()
    {
        await using var connector = Connect();
        var ids = connector.CreateClientOrderIds("mm", DateTimeOffset.UtcNow);
        Assert.Equal(CommandOutcome.Accepted, (await BidAsync(connector, ids.Next(), PassiveBid)).Outcome);
        _emulator.Faults.Add(new Fault(FaultKind.LoseResponse, "POST", "/api/v1/sendTx"));
        var lost = ids.Next();
        Assert.Equal(CommandOutcome.Unknown, (await BidAsync(connector, lost, PassiveBid - 0.01m)).Outcome);
        Assert.Equal(VenueOrderStatus.Open, (await connector.GetOrderAsync("SOL", lost, default).DefaultTimeout())?.Status);
        Assert.Equal(CommandOutcome.Accepted, (await BidAsync(connector, ids.Next(), PassiveBid - 0.02m)).Outcome);

        Assert.Equal(3, _emulator.Faults.Requests.Count(r => r.Path == "/api/v1/sendTx"));
        Assert.Equal(3, (await connector.GetOpenOrdersAsync("SOL", default).DefaultTimeout()).Count);
    }

    [Fact]
    public async Task DeadMansSwitch_IsScheduledBeforeTheFirstOrder_AndWhenTheVenuesClockPassesIt_EveryOrderOfTheAccountIsCancelled()
    {
        var countdown = TimeSpan.FromMinutes(7);
        await using var connector = Connect(deadManCountdown: countdown);
        Assert.Empty(await connector.GetOpenOrdersAsync("SOL", default).DefaultTimeout());
        Assert.Null(_emulator.ScheduledCancelOf(LighterTestKeys.Account)); // reading arms nothing
        var before = DateTimeOffset.UtcNow.AddMilliseconds(-1); // the venue keeps milliseconds
        var ids = connector.CreateClientOrderIds("mm", before);
        Assert.Equal(CommandOutcome.Accepted, (await BidAsync(connector, ids.Next(), PassiveBid)).Outcome);
        var at = _emulator.ScheduledCancelOf(LighterTestKeys.Account);
        Assert.InRange(at!.Value, before + countdown, DateTimeOffset.UtcNow + countdown);
        Assert.Equal(CommandOutcome.Accepted, (await BidAsync(connector, ids.Next(), PassiveBid - 0.01m)).Outcome);
        Assert.Equal(at, _emulator.ScheduledCancelOf(LighterTestKeys.Account)); // scheduled once, not per order
        var paper = LighterEmulator.PaperAccount(LighterTestKeys.Account);
        Assert.Equal(2, _market.OpenOrders(paper, "SOL_USDC_PERP").Count);

        // The worker is cut off and renews nothing; the venue's clock passes the scheduled time.
        _emulator.Clock.Skew = countdown + TimeSpan.FromSeconds(1);
        Assert.Empty(_market.OpenOrders(paper, "SOL_USDC_PERP"));
        Assert.Equal(1, _emulator.ScheduledCancelsFired);
        Assert.Null(_emulator.ScheduledCancelOf(LighterTestKeys.Account));
    }

    [Fact]
    public async Task DeadMansSwitch_GuardsOrdersFoundResting_IsMovedOnByAnotherInstance_AndAStopAbortsIt()
    {
        var paper = LighterEmulator.PaperAccount(LighterTestKeys.Account);
        // An order rests that a connector without the switch placed (off by default): nothing is scheduled.
        await using (var plain = Connect("op"))
            Assert.Equal(CommandOutcome.Accepted, (await BidAsync(plain, plain.CreateClientOrderIds("op", DateTimeOffset.UtcNow).Next(), PassiveBid)).Outcome);
        Assert.Null(_emulator.ScheduledCancelOf(LighterTestKeys.Account));

        var first = Connect("mm", deadManCountdown: TimeSpan.FromMinutes(7));
        Assert.Single(await first.GetOpenOrdersAsync("SOL", default).DefaultTimeout()); // found resting: guarded at once
        var firstAt = _emulator.ScheduledCancelOf(LighterTestKeys.Account)!.Value;

        // A second instance on the account schedules its own: the venue keeps one, so the queued one is aborted first.
        var second = Connect("mm2", deadManCountdown: TimeSpan.FromMinutes(8));
        Assert.Equal(CommandOutcome.Accepted, (await BidAsync(second, second.CreateClientOrderIds("mm2", DateTimeOffset.UtcNow).Next(), PassiveBid - 0.01m)).Outcome);
        var secondAt = _emulator.ScheduledCancelOf(LighterTestKeys.Account)!.Value;
        Assert.True(secondAt > firstAt + TimeSpan.FromSeconds(59), $"{secondAt} replaced {firstAt}");
        // Without the abort, the venue refuses another.
        var signer = Signer();
        var refused = await Assert.ThrowsAsync<LighterApiException>(() => first.Rest.SendTxAsync((nonce, expiredAt) => new LighterCancelAllOrdersTx(signer.AccountIndex,
            signer.ApiKeyIndex, expiredAt, nonce, LighterCancelAllOrdersTx.Scheduled, DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeMilliseconds()), default).DefaultTimeout());
        Assert.Equal(LighterEmulator.ScheduledCancelAlreadyQueued, refused.Code);

        // A graceful stop turns the account's switch off (the other instance's next renewal schedules it again) and cancels nothing.
        await first.DisposeAsync();
        Assert.Null(_emulator.ScheduledCancelOf(LighterTestKeys.Account));
        await second.DisposeAsync();
        Assert.Null(_emulator.ScheduledCancelOf(LighterTestKeys.Account));
        Assert.Equal(0, _emulator.ScheduledCancelsFired);
        Assert.Equal(2, _market.OpenOrders(paper, "SOL_USDC_PERP").Count);
    }

    [Fact]
    public async Task FundingPayments_AreTheAccountsSettlements_EachWithThePositionItWasPaidOn()
    {
        using var market = new PaperExchange(new PaperSettings { VolatilityPct = 0m, FlowRate = 0m, FundingInterval = TimeSpan.FromSeconds(1), FundingRatePct = 0.01m },
            TimeProvider.System);
        await using var emulator = await LighterEmulator.StartAsync(market, TimeProvider.System).DefaultTimeout();
        emulator.Auth.Register(LighterTestKeys.Account, LighterTestKeys.ApiKeyIndex, Signer().PublicKey);
        await using var connector = Connect(emulator: emulator);
        var since = DateTimeOffset.UtcNow;
        var ask = market.Levels("SOL_USDC_PERP", Side.Sell, 1)[0].Price;
        var bought = await connector.PlaceOrderAsync(new PlaceOrderRequest("SOL", connector.CreateClientOrderIds("mm", since).Next(), Side.Buy, OrderType.Limit,
            TimeInForce.Ioc, ask + 1m, 2m), default).DefaultTimeout();
        Assert.Equal(VenueOrderStatus.Filled, bought.Order!.Status);
        var paper = LighterEmulator.PaperAccount(LighterTestKeys.Account);
        await Until.TrueAsync(() =>
        {
            market.Tick(); // settlements run on the venue's tick
            return market.Funding(paper, "SOL_USDC_PERP", since).Count >= 2;
        }, "two settlements pass");

        var paid = market.Funding(paper, "SOL_USDC_PERP", since);
        var payments = await connector.GetFundingPaymentsAsync("SOL", since, default).DefaultTimeout();

        // Lighter keeps seconds; each settlement is there once, oldest first, with what the account paid and on which position.
        Assert.Equal(paid.Select(p => (p.Time.ToUnixTimeSeconds(), p.Amount)), payments.Take(paid.Count).Select(p => (p.Time.ToUnixTimeSeconds(), p.Amount)));
        Assert.All(payments, p => Assert.Equal(("SOL", 2m, true), (p.Symbol, p.Position, p.PaidOnPosition)));
        Assert.All(payments, p => Assert.True(p.Amount < 0, "a long pays a positive rate"));
        Assert.Equal(payments.Count, payments.Select(p => p.Id).Distinct().Count());
        // An instance that held half the position paid half.
        Assert.Equal(payments[0].Amount / 2, payments[0].AmountFor(1m));
        Assert.Empty(await connector.GetFundingPaymentsAsync("SOL", payments[^1].Time.AddSeconds(1), default).DefaultTimeout());
    }

    [Fact]
    public async Task Writes_LearnHowTheVenueExecutedThem_FromTheOrderWatch_WithoutAReadBack()
    {
        await using var connector = Connect();
        var ids = connector.CreateClientOrderIds("mm", DateTimeOffset.UtcNow);
        var resting = await BidAsync(connector, ids.Next(), PassiveBid);
        var ask = _market.Levels("SOL_USDC_PERP", Side.Sell, 1)[0].Price;
        var crossing = await BidAsync(connector, ids.Next(), ask);
        var cancelled = await connector.CancelOrderAsync(new CancelOrderRequest("SOL", resting.Order!.VenueOrderId, null), default).DefaultTimeout();
        var again = await connector.CancelOrderAsync(new CancelOrderRequest("SOL", resting.Order.VenueOrderId, null), default).DefaultTimeout();

        Assert.Equal((CommandOutcome.Accepted, VenueOrderStatus.Open), (resting.Outcome, resting.Order.Status));
        Assert.Equal((CommandOutcome.Rejected, RejectCode.PostOnlyWouldTake), (crossing.Outcome, crossing.Code));
        Assert.Equal((CommandOutcome.Accepted, VenueOrderStatus.Cancelled), (cancelled.Outcome, cancelled.Order!.Status));
        Assert.Equal((CommandOutcome.Rejected, RejectCode.OrderNotFound), (again.Outcome, again.Code));
        // Three transactions (the second cancel is not sent), and not one order read: each outcome came pushed.
        Assert.Equal(3, _emulator.Faults.Requests.Count(r => r.Path == "/api/v1/sendTx"));
        Assert.DoesNotContain(_emulator.Faults.Requests, r => r.Path is "/api/v1/accountActiveOrders" or "/api/v1/accountInactiveOrders");
    }

    [Fact]
    public async Task AStreamWithoutTheVenuesGreeting_FailsRatherThanSubscribe_AndWritesSettleByReadBack()
    {
        _emulator.GreetStreams = false;
        await using var connector = new LighterConnector(new LighterOptions { RestBaseUrl = _emulator.RestUrl, WebSocketUrl = _emulator.WebSocketUrl,
            RequestTimeout = TimeSpan.FromSeconds(1) }, LighterCredentials.From(LighterTestKeys.Variables), "mm", TimeProvider.System);
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var _ in connector.StreamOrderBookAsync("SOL", default).WithCancellation(default)) { }
        }).DefaultTimeout();
        // Without a watch, a write still settles, by REST read-back.
        var placed = await BidAsync(connector, connector.CreateClientOrderIds("mm", DateTimeOffset.UtcNow).Next(), PassiveBid);
        Assert.Equal((CommandOutcome.Accepted, VenueOrderStatus.Open), (placed.Outcome, placed.Order!.Status));
        Assert.Contains(_emulator.Faults.Requests, r => r.Path == "/api/v1/accountActiveOrders");
    }

    [Fact]
    public async Task EveryStream_TheOrderWatchToo_SendsTheVenuesPing_AndAnswersItsPings()
    {
        await using var connector = new LighterConnector(new LighterOptions { RestBaseUrl = _emulator.RestUrl, WebSocketUrl = _emulator.WebSocketUrl,
            StreamPingInterval = TimeSpan.FromMilliseconds(100) }, LighterCredentials.From(LighterTestKeys.Variables), "mm", TimeProvider.System);
        // Only the order watch is open: it is what a quoting worker keeps for longest without other traffic.
        Assert.Equal(CommandOutcome.Accepted, (await BidAsync(connector, connector.CreateClientOrderIds("mm", DateTimeOffset.UtcNow).Next(), PassiveBid)).Outcome);
        await Until.TrueAsync(() => _emulator.KeepAlives.Pings >= 2, "the watch pings the venue");
        _emulator.PingStreams();
        await Until.TrueAsync(() => _emulator.KeepAlives.Pongs >= 1, "the watch answers the venue's ping");
    }

    [Fact]
    public async Task ABookUpdateThatDoesNotFollowTheLastNonce_FailsTheStream()
    {
        await using var connector = Connect();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var events = new List<MarketDataEvent>();
        var reading = Task.Run(async () =>
        {
            await foreach (var e in connector.StreamOrderBookAsync("SOL", stop.Token))
            {
                lock (events) events.Add(e);
            }
        });
        await Until.TrueAsync(() => { lock (events) return events.OfType<BookSnapshotEvent>().Any(); }, "the snapshot arrives");
        _market.InjectBookGap("SOL_USDC_PERP");
        _market.Place("maker", new PlaceOrderRequest("SOL_USDC_PERP", "m1", Side.Buy, OrderType.Limit, TimeInForce.Gtc, PassiveBid, 1m));
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => reading.DefaultTimeout());
        Assert.Contains("updates were lost", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFill_CarriesTheFeeTheVenueCharged_OnTheStreamAndInTheHistory()
    {
        await using var connector = Connect();
        var placed = await BidAsync(connector, connector.CreateClientOrderIds("mm", DateTimeOffset.UtcNow).Next(), PassiveBid);
        var price = placed.Order!.Price!.Value;
        var ahead = _market.Levels("SOL_USDC_PERP", Side.Buy, 50).Where(l => l.Price > price).Sum(l => l.Quantity);
        _market.Place("taker", new PlaceOrderRequest("SOL_USDC_PERP", "t1", Side.Sell, OrderType.Limit, TimeInForce.Ioc, price, ahead + 0.5m));
        var paperFill = Assert.Single(_market.Fills(LighterEmulator.PaperAccount(LighterTestKeys.Account), "SOL_USDC_PERP", DateTimeOffset.UnixEpoch));
        var fill = Assert.Single(await connector.GetFillsAsync("SOL", DateTimeOffset.UtcNow.AddMinutes(-1), default).DefaultTimeout());
        Assert.Equal((paperFill.Fee, "USDC", true, 0.5m, price, Side.Buy), (fill.Fee, fill.FeeAsset, fill.IsMaker, fill.Quantity, fill.Price, fill.Side));
        Assert.Equal(placed.Order.ClientOrderId, fill.ClientOrderId);
        Assert.Equal(placed.Order.VenueOrderId, fill.VenueOrderId);
    }
}
