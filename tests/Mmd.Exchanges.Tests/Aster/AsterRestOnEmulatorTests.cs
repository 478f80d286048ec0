using System.Net;
using Mmd.Emulators.Aster;
using Mmd.Emulators.Faults;
using Mmd.Exchanges.Aster;
using Mmd.Exchanges.Paper;
using Mmd.TestKit;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Tests.Aster;

/// <summary>The REST client against the loopback Aster emulator: real HTTP, both signature schemes checked by the venue side.</summary>
public sealed class AsterRestOnEmulatorTests : IAsyncLifetime, IDisposable
{
    private const string User = AsterTestKeys.User;
    private const string Signer = AsterTestKeys.Signer;
    private const string SignerKey = AsterTestKeys.SignerKey;
    private const string Symbol = "SOLUSDC";
    private PaperExchange _market = null!;
    private AsterEmulator _venue = null!;

    public async Task InitializeAsync()
    {
        _market = new PaperExchange(new PaperSettings { VolatilityPct = 0m, FlowRate = 0m }, TimeProvider.System);
        _venue = await AsterEmulator.StartAsync(_market, TimeProvider.System).DefaultTimeout();
        _venue.Auth.ApproveAgent(User, Signer);
        _venue.Auth.AddKey(AsterTestKeys.V1ApiKey, AsterTestKeys.V1Secret);
    }

    public async Task DisposeAsync() => await _venue.DisposeAsync();

    public void Dispose() => _market.Dispose(); // after the venue that uses it (xunit disposes async first)

    private static AsterCredentials V3(string key = SignerKey, string signer = Signer) => AsterCredentials.From(new Dictionary<string, string>
    {
        [AsterCredentials.UserVariable] = User, [AsterCredentials.SignerVariable] = signer, [AsterCredentials.SignerKeyVariable] = key,
    }, AsterSigning.V3);

    private static AsterCredentials V1(string secret = "v1secret") => AsterCredentials.From(new Dictionary<string, string>
    {
        [AsterCredentials.ApiKeyVariable] = "v1key", [AsterCredentials.SecretKeyVariable] = secret,
    }, AsterSigning.V1);

    private AsterRestClient Client(AsterCredentials credentials) =>
        new(new HttpClient(), new AsterRequestSigner(credentials, TimeProvider.System, TimeSpan.FromSeconds(5)), new AsterOptions { RestBaseUrl = _venue.RestUrl }, TimeProvider.System);

    private decimal PassiveBid() => _market.Levels("SOL_USDC_PERP", Side.Buy, 1)[0].Price - 1m;

    private static (string Name, string Value)[] Bid(string clientId, decimal price, string tif = "GTX") =>
        [("symbol", Symbol), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", tif), ("quantity", "0.5"),
         ("price", price.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("newClientOrderId", clientId)];

    [Fact]
    public async Task V3_InstrumentsFromTheFilters_PlaceQueryListCancel_ByOurClientId()
    {
        using var client = Client(V3());
        await client.SyncClockAsync(CancellationToken.None).DefaultTimeout();
        var sol = (await client.GetExchangeInfoAsync(CancellationToken.None).DefaultTimeout()).Symbols.Select(AsterMapping.Instrument).Single(i => i?.Symbol == Symbol)!;
        Assert.Equal((0.01m, 0.01m, InstrumentKind.Perpetual), (sol.TickSize, sol.StepSize, sol.Kind)); // not pricePrecision 8

        var placed = await client.PlaceOrderAsync(Bid("mm_a1", PassiveBid()), CancellationToken.None).DefaultTimeout();
        Assert.Equal(("NEW", "mm_a1", "GTX"), (placed.Status, placed.ClientOrderId, placed.TimeInForce));
        Assert.Equal("mm_a1", Assert.Single(await client.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout()).ClientOrderId);
        Assert.Equal(placed.OrderId, (await client.GetOrderAsync(Symbol, "mm_a1", CancellationToken.None).DefaultTimeout())!.OrderId);
        Assert.Null(await client.GetOrderAsync(Symbol, "mm_never", CancellationToken.None).DefaultTimeout());
        Assert.Equal("CANCELED", (await client.CancelOrderAsync(Symbol, null, "mm_a1", CancellationToken.None).DefaultTimeout()).Status);
        Assert.Empty(await client.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout());
        var gone = await Assert.ThrowsAsync<AsterApiException>(() => client.CancelOrderAsync(Symbol, null, "mm_a1", CancellationToken.None).DefaultTimeout());
        Assert.Equal(RejectCode.OrderNotFound, AsterMapping.RejectCodeOf(gone.Code));
    }

    [Fact]
    public async Task V1_PlacesAndCancelsAll_OnItsOwnAccount()
    {
        using var client = Client(V1());
        await client.PlaceOrderAsync(Bid("k_1", PassiveBid()), CancellationToken.None).DefaultTimeout();
        Assert.Single(_market.OpenOrders("v1key", "SOL_USDC_PERP"));
        await client.CancelAllOnSymbolAsync(Symbol, CancellationToken.None).DefaultTimeout();
        Assert.Empty(await client.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout());
        Assert.NotEmpty(await client.GetBalancesAsync(CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task APostOnlyThatWouldTake_IsRefused_AsPostOnly()
    {
        using var client = Client(V3());
        var ask = _market.Levels("SOL_USDC_PERP", Side.Sell, 1)[0].Price;
        var refused = await Assert.ThrowsAsync<AsterApiException>(() => client.PlaceOrderAsync(Bid("mm_x", ask), CancellationToken.None).DefaultTimeout());
        Assert.Equal((-5022, RejectCode.PostOnlyWouldTake), (refused.Code, AsterMapping.RejectCodeOf(refused.Code)));
    }

    [Fact]
    public async Task TheVenueRefuses_AReplayedNonce_AnUnapprovedAgent_ATamperedString_AWrongHmac_AndAStaleTimestamp()
    {
        using var http = new HttpClient { BaseAddress = _venue.RestUrl };
        var signer = new AsterRequestSigner(V3(), TimeProvider.System, TimeSpan.FromSeconds(5));
        var signed = signer.Sign("symbol=SOLUSDC").Parameters;
        async Task<(HttpStatusCode, string)> Get(string query, string? apiKey = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/fapi/v3/openOrders?" + query);
            if (apiKey is not null) request.Headers.Add(AsterHmacSigner.ApiKeyHeader, apiKey);
            using var response = await http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.OK, (await Get(signed)).Item1);
        Assert.Contains("-4225", (await Get(signed)).Item2, StringComparison.Ordinal); // the same nonce again
        Assert.Contains("-1022", (await Get(signer.Sign("symbol=SOLUSDC").Parameters.Replace("SOLUSDC", "ETHUSDC", StringComparison.Ordinal))).Item2, StringComparison.Ordinal);

        // A valid signature by a key that is not an approved agent of the user.
        var stranger = new AsterEip712Signer(Convert.FromHexString("0101010101010101010101010101010101010101010101010101010101010101"));
        var (status, body) = await Get(new AsterRequestSigner(V3("0101010101010101010101010101010101010101010101010101010101010101", stranger.SignerAddress),
            TimeProvider.System, TimeSpan.FromSeconds(5)).Sign("symbol=SOLUSDC").Parameters);
        Assert.Equal((HttpStatusCode.Unauthorized, true), (status, body.Contains("-2015", StringComparison.Ordinal)));

        using var wrongSecret = Client(V1("not-the-secret"));
        Assert.Equal(-1022, (await Assert.ThrowsAsync<AsterApiException>(() => wrongSecret.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout())).Code);
        _venue.Clock.Skew = TimeSpan.FromSeconds(30); // the venue's clock is ahead: our timestamp is past its recvWindow
        using var late = Client(V1());
        Assert.Equal(-1021, (await Assert.ThrowsAsync<AsterApiException>(() => late.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout())).Code);
        await late.SyncClockAsync(CancellationToken.None).DefaultTimeout(); // measured, the offset puts it right
        Assert.Empty(await late.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task ALostAnswer_IsAnUnknownOutcome_AndTheQueryFindsTheOrder_A503IsUnknownToo()
    {
        using var client = Client(V3());
        _venue.Faults.Add(new Fault(FaultKind.LoseResponse, "POST", "/fapi/v3/order"));
        await Assert.ThrowsAsync<AsterOutcomeUnknownException>(() => client.PlaceOrderAsync(Bid("mm_lost", PassiveBid()), CancellationToken.None).DefaultTimeout());
        Assert.Equal("NEW", (await client.GetOrderAsync(Symbol, "mm_lost", CancellationToken.None).DefaultTimeout())!.Status);

        _venue.Faults.Add(new Fault(FaultKind.ServerError, "POST", "/fapi/v3/order") { Status = 503 });
        await Assert.ThrowsAsync<AsterOutcomeUnknownException>(() => client.PlaceOrderAsync(Bid("mm_503", PassiveBid()), CancellationToken.None).DefaultTimeout());
        Assert.Null(await client.GetOrderAsync(Symbol, "mm_503", CancellationToken.None).DefaultTimeout()); // this one never executed
    }
}
