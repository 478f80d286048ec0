using Mmd.Emulators.Faults;
using Mmd.Emulators.Paradex;
using Mmd.Exchanges.Paper;
using Mmd.Exchanges.Paradex;
using Mmd.TestKit;
using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Tests.Paradex;

/// <summary>What the conformance suite does not reach: the SBE frames, credentials, the JWT's life, and the emulator's checks.</summary>
public sealed class ParadexConnectorTests : IAsyncLifetime, IDisposable
{
    private PaperExchange _market = null!;
    private ParadexEmulator _emulator = null!;

    public async Task InitializeAsync()
    {
        _market = new PaperExchange(new PaperSettings { VolatilityPct = 0m, FlowRate = 0m }, TimeProvider.System);
        _emulator = await ParadexEmulator.StartAsync(_market, TimeProvider.System).DefaultTimeout();
        var credentials = ParadexCredentials.From(ParadexTestKeys.Variables);
        _emulator.Auth.Register(credentials.Account, StarkEcdsa.PublicKey(StarkTypedData.ParseNumber(ParadexTestKeys.PrivateKey)!));
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    // After DisposeAsync: the emulator is stopped before the market behind it.
    public void Dispose() => _market.Dispose();

    private ParadexConnector Connect(IReadOnlyDictionary<string, string>? variables = null) =>
        new(new ParadexOptions { RestBaseUrl = _emulator.RestUrl, WebSocketUrl = _emulator.WebSocketUrl }, ParadexCredentials.From(variables ?? ParadexTestKeys.Variables),
            TimeProvider.System);

    [Fact]
    public void Sbe_ABookEvent_DecodesAsTheSchemaLaysItOut_AndACutFrameIsRefused()
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_123);
        var frame = ParadexEmulator.EncodeBook("SOL-USD-PERP", 420, time, [new BookLevel(150.25m, 1.5m), new BookLevel(150.2m, 0.00000001m)], [new BookLevel(150.3m, 2m)]);
        Assert.Equal(8 + 89 + 4 + 32 + 4 + 16 + 1 + 12, frame.Length);
        Assert.Equal((ushort)3, ParadexSbe.TemplateOf(frame));
        var book = ParadexSbe.DecodeBook(frame);
        Assert.Equal(("SOL-USD-PERP", 420L, true, time), (book.Market, book.Sequence, book.IsSnapshot, book.Time));
        Assert.Equal([new BookLevel(150.25m, 1.5m), new BookLevel(150.2m, 0.00000001m)], book.Bids);
        Assert.Equal([new BookLevel(150.3m, 2m)], book.Asks);
        Assert.Throws<FormatException>(() => ParadexSbe.DecodeBook(frame.AsSpan(0, frame.Length - 3)));
        frame[4] = 2; // another schema's frame is not ours to read
        Assert.Null(ParadexSbe.TemplateOf(frame));
    }

    [Theory]
    [InlineData("PARADEX_ACCOUNT_ADDRESS", "", "PARADEX_ACCOUNT_ADDRESS is not set")]
    [InlineData("PARADEX_ACCOUNT_ADDRESS", "0xnothex", "PARADEX_ACCOUNT_ADDRESS is not a StarkNet address")]
    [InlineData("PARADEX_PRIVATE_KEY", "0x0", "PARADEX_PRIVATE_KEY is not a STARK private key")]
    [InlineData("PARADEX_PRIVATE_KEY", "0x800000000000010ffffffffffffffffb781126dcae7b2321e66a241adc64d2f", "PARADEX_PRIVATE_KEY is not a STARK private key")]
    public void Credentials_NameTheVariableThatIsWrong_AndNeverPrintTheKey(string variable, string value, string message)
    {
        var variables = ParadexTestKeys.Variables;
        variables[variable] = value;
        var e = Assert.Throws<ParadexCredentialsException>(() => ParadexCredentials.From(variables));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("3c1e95", ParadexCredentials.From(ParadexTestKeys.Variables).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_WithAKeyTheAccountDidNotRegister_IsRefusedByTheVenue_BeforeAnyOrder()
    {
        var variables = ParadexTestKeys.Variables;
        variables["PARADEX_PRIVATE_KEY"] = "0x12";
        await using var connector = Connect(variables);
        var e = await Assert.ThrowsAsync<ParadexApiException>(() => connector.ConnectAsync(default).DefaultTimeout());
        Assert.Equal("INVALID_STARKNET_SIGNATURE", e.Code);
    }

    [Fact]
    public async Task ARevokedJwt_IsReplacedOnce_AndTheCallGoesThrough()
    {
        await using var connector = Connect();
        await connector.ConnectAsync(default).DefaultTimeout();
        var first = await connector.Rest.JwtAsync(default);
        _emulator.Auth.RevokeTokens();
        Assert.Empty(await connector.GetOpenOrdersAsync("SOL-USD-PERP", default).DefaultTimeout());
        Assert.NotEqual(first, await connector.Rest.JwtAsync(default));
    }

    [Fact]
    public async Task Instruments_ArePerpetualsWithTheVenuesTickAndStep_AndFokIsRefusedWithoutARequest()
    {
        await using var connector = Connect();
        var sol = (await connector.GetInstrumentsAsync(default).DefaultTimeout()).Single(i => i.Symbol == "SOL-USD-PERP");
        var paper = _market.Instruments.Single(i => i.Symbol == "SOL_USDC_PERP");
        Assert.Equal((InstrumentKind.Perpetual, paper.TickSize, paper.StepSize, "SOL", "USDC"), (sol.Kind, sol.TickSize, sol.StepSize, sol.BaseAsset, sol.QuoteAsset));
        var before = _emulator.Faults.Requests.Count;
        var fok = await connector.PlaceOrderAsync(new PlaceOrderRequest("SOL-USD-PERP", "x_1", Side.Buy, OrderType.Limit, TimeInForce.Fok, 100m, 1m), default);
        Assert.Equal(CommandOutcome.Rejected, fok.Outcome);
        Assert.Equal(before, _emulator.Faults.Requests.Count);
    }

    [Fact]
    public async Task AnOrderSignedForOtherTerms_IsRefusedByTheVenue()
    {
        await using var connector = Connect();
        var jwt = await connector.Rest.JwtAsync(default);
        var signer = await connector.Rest.SignerAsync(default);
        var stamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var signature = signer.SignOrder(stamp, "SOL-USD-PERP", Side.Buy, "LIMIT", 1m, 100m);
        using var http = new HttpClient { BaseAddress = _emulator.RestUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/orders")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new ParadexNewOrder("SOL-USD-PERP", "BUY", "LIMIT", "2", "100", "GTC", signature, stamp, "x_2", null, 30_000),
                options: ParadexJson.Options),
        };
        request.Headers.Authorization = new("Bearer", jwt);
        using var response = await http.SendAsync(request).DefaultTimeout();
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("INVALID_ORDER_SIGNATURE", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_market.OpenOrders(ParadexTestKeys.Account, "SOL_USDC_PERP"));
    }

    [Fact]
    public async Task ReadsAndOrderWrites_ArePacedApart_AReadHeldByA429_HoldsNoOrderBack()
    {
        await using var connector = Connect();
        await connector.ConnectAsync(CancellationToken.None).DefaultTimeout();
        // Reads are told to wait five minutes; with one gate for both, the order below would wait as long.
        _emulator.Faults.Add(new Fault(FaultKind.RateLimit, "GET", "/v1/positions") { RetryAfter = TimeSpan.FromMinutes(5) });
        using var cancel = new CancellationTokenSource();
        var read = connector.Rest.GetPositionsAsync(cancel.Token);
        await Until.TrueAsync(() => _emulator.Faults.Requests.Any(r => r.Path == "/v1/positions" && r.Status == 429), "the read is refused with a Retry-After");

        var order = await connector.Rest.PlaceOrderAsync("SOL-USD-PERP", Side.Buy, "LIMIT", 0.1m, 100m, "POST_ONLY", "gate_1", reduceOnly: false, CancellationToken.None)
            .DefaultTimeout();
        await connector.Rest.CancelOrderAsync(order.Id, CancellationToken.None).DefaultTimeout();
        Assert.False(read.IsCompleted, "the read still waits out its pause");
        Assert.Empty(_market.OpenOrders(ParadexTestKeys.Account, "SOL_USDC_PERP"));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.DefaultTimeout());
    }

    [Fact]
    public async Task FundingPayments_AreWhatAFillRealized_OfThePositionsAccruedFunding_MadeByTheOrderFilled()
    {
        using var market = new PaperExchange(new PaperSettings { VolatilityPct = 0m, FlowRate = 0m, FundingInterval = TimeSpan.FromSeconds(1), FundingRatePct = 0.01m },
            TimeProvider.System);
        await using var emulator = await ParadexEmulator.StartAsync(market, TimeProvider.System).DefaultTimeout();
        emulator.Auth.Register(ParadexCredentials.From(ParadexTestKeys.Variables).Account, StarkEcdsa.PublicKey(StarkTypedData.ParseNumber(ParadexTestKeys.PrivateKey)!));
        await using var connector = new ParadexConnector(new ParadexOptions { RestBaseUrl = emulator.RestUrl, WebSocketUrl = emulator.WebSocketUrl },
            ParadexCredentials.From(ParadexTestKeys.Variables), TimeProvider.System);
        var since = DateTimeOffset.UtcNow;
        Task<PlaceOrderResult> BuyAsync(string clientId) => connector.PlaceOrderAsync(new PlaceOrderRequest("SOL-USD-PERP", clientId, Side.Buy, OrderType.Limit,
            TimeInForce.Ioc, market.Levels("SOL_USDC_PERP", Side.Sell, 1)[0].Price + 1m, 2m), default).DefaultTimeout();
        Assert.Equal(VenueOrderStatus.Filled, (await BuyAsync("mm_1")).Order!.Status);
        await Until.TrueAsync(() =>
        {
            market.Tick(); // settlements run on the venue's tick
            return market.Funding(ParadexTestKeys.Account, "SOL_USDC_PERP", since).Count >= 2;
        }, "two settlements pass");
        // Accrued on the position, not realized: no payment until the position changes.
        Assert.Empty(await connector.GetFundingPaymentsAsync("SOL-USD-PERP", since, default).DefaultTimeout());

        Assert.Equal(VenueOrderStatus.Filled, (await BuyAsync("mm_2")).Order!.Status);
        market.Tick();
        var payments = await connector.GetFundingPaymentsAsync("SOL-USD-PERP", since, default).DefaultTimeout();
        var second = market.Fills(ParadexTestKeys.Account, "SOL_USDC_PERP", since)[^1];
        var accrued = market.Funding(ParadexTestKeys.Account, "SOL_USDC_PERP", since).Where(p => p.Time <= second.Timestamp).Sum(p => p.Amount);
        var payment = Assert.Single(payments);
        Assert.Equal(("fill-" + second.TradeId, "SOL-USD-PERP", "mm_2", second.Timestamp), (payment.Id, payment.Symbol, payment.RealizedOnOrder,
            payment.Time.AddTicks(second.Timestamp.Ticks % TimeSpan.TicksPerMillisecond))); // the venue keeps milliseconds
        Assert.Equal(accrued, payment.Amount);
        Assert.True(payment.Amount < 0, "a long pays a positive rate");
        // The instance whose order changed the position realized it all; another instance on the account, none.
        Assert.Equal(payment.Amount, payment.ShareOf(4m, id => id.StartsWith("mm_", StringComparison.Ordinal)));
        Assert.Equal(0m, payment.ShareOf(4m, id => id.StartsWith("other_", StringComparison.Ordinal)));
        Assert.Empty(await connector.GetFundingPaymentsAsync("SOL-USD-PERP", payment.Time.AddMilliseconds(1), default).DefaultTimeout());
    }

    private decimal PassiveBid => _market.Levels("SOL_USDC_PERP", Side.Buy, 50).Min(l => l.Price) - 0.5m;

    private static Task<PlaceOrderResult> BidAsync(ParadexConnector connector, string clientId, decimal price) =>
        connector.PlaceOrderAsync(new PlaceOrderRequest("SOL-USD-PERP", clientId, Side.Buy, OrderType.Limit, TimeInForce.Gtc, price, 0.5m, PostOnly: true), default)
            .DefaultTimeout();

    /// <summary>GETs of one order (by id, or by client id in the history): the read-backs the order watch saves.</summary>
    private int OrderReads() => _emulator.Faults.Requests.Count(r => r.Method == "GET" && (r.Path.StartsWith("/v1/orders/", StringComparison.Ordinal)
        || r.Path.StartsWith("/v1/orders-history", StringComparison.Ordinal)));

    [Fact]
    public async Task Writes_LearnHowTheVenueExecutedThem_FromTheOrderWatch_WithoutAReadBack()
    {
        await using var connector = Connect();
        await connector.ConnectAsync(default).DefaultTimeout();
        var resting = await BidAsync(connector, "mm_1", PassiveBid);
        var crossing = await BidAsync(connector, "mm_2", _market.Levels("SOL_USDC_PERP", Side.Sell, 1)[0].Price);
        var cancelled = await connector.CancelOrderAsync(new CancelOrderRequest("SOL-USD-PERP", resting.Order!.VenueOrderId, null), default).DefaultTimeout();
        var again = await connector.CancelOrderAsync(new CancelOrderRequest("SOL-USD-PERP", resting.Order.VenueOrderId, null), default).DefaultTimeout();
        var third = await BidAsync(connector, "mm_3", PassiveBid);
        var byClientId = await connector.CancelOrderAsync(new CancelOrderRequest("SOL-USD-PERP", null, "mm_3"), default).DefaultTimeout();

        Assert.Equal((CommandOutcome.Accepted, VenueOrderStatus.Open), (resting.Outcome, resting.Order.Status));
        Assert.Equal((CommandOutcome.Rejected, RejectCode.PostOnlyWouldTake), (crossing.Outcome, crossing.Code));
        Assert.Equal((CommandOutcome.Accepted, VenueOrderStatus.Cancelled), (cancelled.Outcome, cancelled.Order!.Status));
        Assert.Equal(CommandOutcome.Rejected, again.Outcome);
        Assert.Equal((CommandOutcome.Accepted, VenueOrderStatus.Cancelled, "mm_3"), (byClientId.Outcome, byClientId.Order!.Status, byClientId.Order.ClientOrderId));
        Assert.Equal(VenueOrderStatus.Open, third.Order!.Status);
        // Six writes, one subscription, and not one order read: each outcome came pushed.
        Assert.Equal(6, _emulator.Faults.Requests.Count(r => r.Method is "POST" or "DELETE" && r.Path.StartsWith("/v1/orders", StringComparison.Ordinal)));
        Assert.Equal(1, _emulator.OrderSubscriptions);
        Assert.Equal(0, OrderReads());
        Assert.Empty(_market.OpenOrders(ParadexTestKeys.Account, "SOL_USDC_PERP"));
    }

    [Fact]
    public async Task AWatchThatMissesAPush_IsReplaced_AndThatWriteSettlesByReadBack()
    {
        await using var connector = Connect();
        await connector.ConnectAsync(default).DefaultTimeout();
        Assert.Equal(VenueOrderStatus.Open, (await BidAsync(connector, "mm_1", PassiveBid)).Order!.Status);
        _emulator.PushOrderUpdates = false;

        var unseen = await BidAsync(connector, "mm_2", PassiveBid - 0.1m);
        Assert.Equal((CommandOutcome.Accepted, VenueOrderStatus.Open), (unseen.Outcome, unseen.Order!.Status));
        Assert.Equal(1, OrderReads()); // the venue, asked, showed the order open: the watch had missed it

        _emulator.PushOrderUpdates = true;
        var cancelled = await connector.CancelOrderAsync(new CancelOrderRequest("SOL-USD-PERP", unseen.Order.VenueOrderId, null), default).DefaultTimeout();
        Assert.Equal(VenueOrderStatus.Cancelled, cancelled.Order!.Status);
        Assert.Equal(2, _emulator.OrderSubscriptions); // a new watch, which saw the cancel without a read
        Assert.Equal(1, OrderReads());
    }

    [Theory]
    [InlineData("NEW", "0", null, "GTC", VenueOrderStatus.Open)]
    [InlineData("OPEN", "0.4", null, "GTC", VenueOrderStatus.PartiallyFilled)]
    [InlineData("CLOSED", "1", null, "GTC", VenueOrderStatus.Filled)]
    [InlineData("CLOSED", "0", "USER_CANCELED", "GTC", VenueOrderStatus.Cancelled)]
    [InlineData("CLOSED", "0.4", "USER_CANCELED", "GTC", VenueOrderStatus.Cancelled)]
    [InlineData("CLOSED", "0", "POST_ONLY_WOULD_CROSS", "POST_ONLY", VenueOrderStatus.Rejected)]
    [InlineData("CLOSED", "0.2", "IOC_ORDER_EXPIRED", "IOC", VenueOrderStatus.Expired)]
    public void Status_FollowsStateFilledAndCancelReason(string status, string filled, string? reason, string instruction, VenueOrderStatus expected)
    {
        var order = new ParadexOrder("1", "c", "SOL-USD-PERP", "BUY", "LIMIT", 1m, 1m - decimal.Parse(filled, System.Globalization.CultureInfo.InvariantCulture), 100m,
            instruction, status, reason, null, 0, 0);
        Assert.Equal(expected, ParadexMapping.StatusOf(order));
    }
}
