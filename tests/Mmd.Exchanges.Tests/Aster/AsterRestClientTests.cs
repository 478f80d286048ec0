using System.Net;
using Microsoft.Extensions.Time.Testing;
using Mmd.Exchanges.Aster;
using Mmd.TestKit;

namespace Mmd.Exchanges.Tests.Aster;

/// <summary>The REST client's request shapes and its reading of the venue's answers, against a stub HTTP handler.</summary>
public class AsterRestClientTests
{
    private const string Signer = "0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0";
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-24T12:00:10Z", System.Globalization.CultureInfo.InvariantCulture);

    private static AsterCredentials V3() => AsterCredentials.From(new Dictionary<string, string>
    {
        [AsterCredentials.UserVariable] = "0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e",
        [AsterCredentials.SignerVariable] = Signer,
        [AsterCredentials.SignerKeyVariable] = "4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1",
    }, AsterSigning.V3);

    private static AsterCredentials V1() => AsterCredentials.From(new Dictionary<string, string>
    {
        [AsterCredentials.ApiKeyVariable] = "key1", [AsterCredentials.SecretKeyVariable] = "secret1",
    }, AsterSigning.V1);

    private sealed class Stub(Func<HttpRequestMessage, string, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<(HttpRequestMessage Request, string Body)> Seen { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            lock (Seen) Seen.Add((request, body));
            return answer(request, body);
        }
    }

    private static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };

    private const string Order = """{"orderId":7,"symbol":"SOLUSDT","status":"NEW","clientOrderId":"mm_1","price":"150","avgPrice":"0","origQty":"1","executedQty":"0","timeInForce":"GTX","type":"LIMIT","reduceOnly":false,"side":"BUY","updateTime":1}""";

    private static (AsterRestClient Client, Stub Stub, FakeTimeProvider Time) Client(AsterCredentials credentials, Func<HttpRequestMessage, string, HttpResponseMessage> answer)
    {
        var time = new FakeTimeProvider(T0);
        var stub = new Stub(answer);
        var client = new AsterRestClient(new HttpClient(stub) { BaseAddress = new Uri("http://aster.test") },
            new AsterRequestSigner(credentials, time, TimeSpan.FromSeconds(5)), new AsterOptions(), time);
        return (client, stub, time);
    }

    /// <summary>Runs a call that waits on fake time, moving the clock on until it ends.</summary>
    private static async Task<T> DrivenAsync<T>(FakeTimeProvider time, Task<T> call)
    {
        await Until.TrueAsync(() =>
        {
            if (call.IsCompleted) return true;
            time.Advance(TimeSpan.FromMilliseconds(100));
            return false;
        }, "the call ends");
        return await call;
    }

    [Fact]
    public async Task V3_ASignedGet_CarriesNonceUserSignerAndSignature_InTheQuery_AndTheVenueRecoversTheSigner()
    {
        var (client, stub, _) = Client(V3(), (_, _) => Json("[]"));
        Assert.Empty(await client.GetOpenOrdersAsync("SOLUSDT", CancellationToken.None));
        var (request, body) = Assert.Single(stub.Seen);
        Assert.Equal("/fapi/v3/openOrders", request.RequestUri!.AbsolutePath);
        Assert.Empty(body);
        Assert.False(request.Headers.Contains(AsterHmacSigner.ApiKeyHeader));
        var query = request.RequestUri.Query[1..];
        var at = query.IndexOf("&signature=", StringComparison.Ordinal);
        Assert.StartsWith("symbol=SOLUSDT&nonce=", query, StringComparison.Ordinal);
        Assert.Equal(Signer, AsterEip712Signer.RecoverSigner(query[..at], query[(at + 11)..], AsterEip712Signer.MainnetChainId));
    }

    [Fact]
    public async Task V1_ASignedPost_SendsAFormBody_WithTheKeyHeader_OnTheV1Path()
    {
        var (client, stub, _) = Client(V1(), (_, _) => Json(Order));
        var placed = await client.PlaceOrderAsync([("symbol", "SOLUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTX"), ("quantity", "1"), ("price", "150"),
            ("newClientOrderId", "mm_1")], CancellationToken.None);
        Assert.Equal(7, placed.OrderId);
        var (request, body) = Assert.Single(stub.Seen);
        Assert.Equal(("/fapi/v1/order", "application/x-www-form-urlencoded"), (request.RequestUri!.AbsolutePath, request.Content!.Headers.ContentType!.MediaType));
        Assert.Equal("key1", Assert.Single(request.Headers.GetValues(AsterHmacSigner.ApiKeyHeader)));
        var at = body.IndexOf("&signature=", StringComparison.Ordinal);
        Assert.Contains("&recvWindow=5000&timestamp=", body[..at], StringComparison.Ordinal);
        Assert.Equal(new AsterHmacSigner("key1", "secret1").Sign(body[..at]), body[(at + 11)..]);
    }

    [Fact]
    public async Task A503_OnAnOrder_IsAnUnknownOutcome_NeverSentAgain_AndAnErrorBodyIsARefusal()
    {
        var (client, stub, _) = Client(V3(), (_, _) => Json("""{"code":-1000,"msg":"Unknown error, please check your request or try again later."}""", HttpStatusCode.ServiceUnavailable));
        await Assert.ThrowsAsync<AsterOutcomeUnknownException>(() => client.PlaceOrderAsync([("symbol", "SOLUSDT")], CancellationToken.None));
        Assert.Single(stub.Seen);

        var (refusing, _, _) = Client(V3(), (_, _) => Json("""{"code":-2010,"msg":"Order would immediately match and take."}""", HttpStatusCode.BadRequest));
        var refused = await Assert.ThrowsAsync<AsterApiException>(() => refusing.PlaceOrderAsync([("symbol", "SOLUSDT")], CancellationToken.None));
        Assert.Equal((-2010, false), (refused.Code, refused.IsRateLimit));

        var (unknownOrder, _, _) = Client(V3(), (_, _) => Json("""{"code":-2013,"msg":"Order does not exist."}""", HttpStatusCode.BadRequest));
        Assert.Null(await unknownOrder.GetOrderAsync("SOLUSDT", "mm_9", CancellationToken.None));
    }

    [Fact]
    public async Task A429_PausesEveryRequest_ForItsRetryAfter_ThenTheReadIsAskedAgain()
    {
        var calls = 0;
        var (client, stub, time) = Client(V3(), (_, _) =>
        {
            if (Interlocked.Increment(ref calls) > 1) return Json("[]");
            var limited = Json("""{"code":-1003,"msg":"Too many requests."}""", HttpStatusCode.TooManyRequests);
            limited.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(3));
            return limited;
        });
        await DrivenAsync(time, client.GetOpenOrdersAsync("SOLUSDT", CancellationToken.None));
        Assert.Equal(2, stub.Seen.Count);
        Assert.True(time.GetUtcNow() - T0 >= TimeSpan.FromSeconds(3), "the second request waited out the Retry-After");
    }

    [Fact]
    public async Task A418Ban_IsNotRetried_AndHoldsEveryRequest()
    {
        var (client, stub, _) = Client(V3(), (_, _) => Json("""{"code":-1003,"msg":"Way too many requests; IP banned."}""", (HttpStatusCode)418));
        var banned = await Assert.ThrowsAsync<AsterApiException>(() => client.GetOpenOrdersAsync("SOLUSDT", CancellationToken.None));
        Assert.True(banned.IsBan);
        Assert.Single(stub.Seen);
        Assert.True(client.Gate.PauseLeft() >= TimeSpan.FromMinutes(1.9));
    }

    [Fact]
    public async Task UsedWeightNearTheLimit_HoldsRequestsUntilTheNextMinute_BeforeA429IsEarned()
    {
        var (client, stub, time) = Client(V3(), (_, _) =>
        {
            var ok = Json("[]");
            ok.Headers.Add("X-MBX-USED-WEIGHT-1M", "2200"); // past 90 % of 2400
            return ok;
        });
        await client.GetOpenOrdersAsync("SOLUSDT", CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(50), client.Gate.PauseLeft()); // 12:00:10 -> 12:01:00
        await DrivenAsync(time, client.GetOpenOrdersAsync("SOLUSDT", CancellationToken.None));
        Assert.True(time.GetUtcNow() >= T0.AddSeconds(50));
        Assert.Equal(2, stub.Seen.Count);
    }
}
