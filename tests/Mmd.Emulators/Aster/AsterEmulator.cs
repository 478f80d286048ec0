using System.Net;
using System.Text.Json;
using Mmd.Emulators.Faults;
using Mmd.Emulators.Hosting;
using Mmd.Exchanges.Aster;
using Mmd.Exchanges.Paper;

namespace Mmd.Emulators.Aster;

/// <summary>
/// A loopback Aster futures venue: its V3 and V1 REST paths and JSON shapes, both signature schemes checked as the venue
/// checks them (<see cref="AsterAuthenticator"/>), its error codes and used-weight header, backed by the paper venue's
/// matching engine and synthetic market. The paper perpetuals are listed under Aster's names (SOL_USDC_PERP is SOLUSDC).
/// Each V3 user (or V1 key) trades on its own paper account. Faults are scripted through <see cref="Faults"/>.
/// </summary>
public sealed partial class AsterEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly ITimer _expiry;

    private AsterEmulator(WebApplication app, PaperExchange exchange, TimeProvider time, long chainId)
    {
        _app = app;
        Exchange = exchange;
        _time = time;
        Auth = new AsterAuthenticator(chainId);
        Clock = new VenueClock(time);
        _expiry = time.CreateTimer(_ => ExpireDue(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public PaperExchange Exchange { get; }

    public AsterAuthenticator Auth { get; }

    public FaultPlan Faults { get; } = new();

    /// <summary>
    /// The accounts' self-trade prevention where an order names none (the venue's account-level STP mode, which the account's
    /// owner sets and V1 orders cannot override): EXPIRE_MAKER, the paper venue's own rule, unless a test sets EXPIRE_TAKER.
    /// </summary>
    public string AccountStpMode { get; set; } = "EXPIRE_MAKER";

    public Uri RestUrl { get; private set; } = null!;

    /// <summary>The venue's clock; a test runs it ahead of the machine's.</summary>
    public VenueClock Clock { get; }

    public static async Task<AsterEmulator> StartAsync(PaperExchange exchange, TimeProvider time, int port = 0, long chainId = AsterEip712Signer.MainnetChainId,
        CancellationToken cancellationToken = default)
    {
        var app = LoopbackHost.Create(port);
        var emulator = new AsterEmulator(app, exchange, time, chainId);
        emulator.Map(app);
        var listening = await LoopbackHost.StartAsync(app, cancellationToken).ConfigureAwait(false);
        emulator.RestUrl = new Uri($"http://127.0.0.1:{listening}");
        return emulator;
    }

    public async ValueTask DisposeAsync()
    {
        await _expiry.DisposeAsync().ConfigureAwait(false);
        await DisposeCountdownsAsync().ConfigureAwait(false);
        DropWebSockets();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private DateTimeOffset VenueNow => Clock.Now;

    private void Map(WebApplication app)
    {
        app.Use((context, next) => FaultMiddleware.ApplyAsync(context, next, Faults, _time, (c, fault) => c.Response.WriteAsJsonAsync(fault.Kind == FaultKind.RateLimit
            ? new AsterError(-1003, "Too many requests; current limit is 2400 requests per minute.")
            : new AsterError(-1000, "Unknown error, please check your request or try again later."), AsterJson.Options)));
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.Map("/stream", AcceptCombinedAsync);
        app.Map("/ws/{listenKey}", (HttpContext c, string listenKey) => AcceptUserStreamAsync(c, listenKey));
        // Every path under V3 and V1 alike (the V1 paths of the private endpoints: fapi/v1 or v2 as the venue has them).
        void Both(string method, string v3, string v1, Delegate handler)
        {
            app.MapMethods("/fapi/v3/" + v3, [method], handler);
            app.MapMethods(v1, [method], handler);
        }
        Both("GET", "time", "/fapi/v1/time", () => Json(new AsterServerTime(VenueNow.ToUnixTimeMilliseconds())));
        Both("GET", "exchangeInfo", "/fapi/v1/exchangeInfo", () => Json(ExchangeInfo()));
        Both("GET", "depth", "/fapi/v1/depth", (HttpContext c) => Depth(c.Request.Query["symbol"].ToString()));
        Both("GET", "klines", "/fapi/v1/klines", (HttpContext c) => Klines(c.Request));
        Both("GET", "openOrders", "/fapi/v1/openOrders", Signed(OpenOrders));
        Both("GET", "order", "/fapi/v1/order", Signed(QueryOrder));
        Both("POST", "order", "/fapi/v1/order", Signed(PlaceOrder));
        Both("DELETE", "order", "/fapi/v1/order", Signed(CancelOrder));
        Both("DELETE", "allOpenOrders", "/fapi/v1/allOpenOrders", Signed(CancelAll));
        Both("GET", "userTrades", "/fapi/v1/userTrades", Signed(UserTrades));
        Both("GET", "positionRisk", "/fapi/v2/positionRisk", Signed(Positions));
        Both("GET", "balance", "/fapi/v2/balance", Signed(Balances));
        Both("POST", "batchOrders", "/fapi/v1/batchOrders", Signed(PlaceBatch));
        Both("DELETE", "batchOrders", "/fapi/v1/batchOrders", Signed(CancelBatch));
        Both("GET", "income", "/fapi/v1/income", Signed(Income));
        Both("GET", "fundingRate", "/fapi/v1/fundingRate", (HttpContext c) => FundingRates(c.Request.Query["symbol"].ToString(), c.Request.Query["startTime"].ToString()));
        Both("POST", "countdownCancelAll", "/fapi/v1/countdownCancelAll", Signed(CountdownCancelAll));
        // USER_STREAM: V3 signs these; V1 sends the key header alone.
        Both("POST", "listenKey", "/fapi/v1/listenKey", UserStream(CreateListenKey));
        Both("PUT", "listenKey", "/fapi/v1/listenKey", UserStream(KeepAliveListenKey));
        Both("DELETE", "listenKey", "/fapi/v1/listenKey", UserStream(CloseListenKey));
        app.MapPost("/_emulator/faults", async (HttpContext c) =>
        {
            var fault = await c.Request.ReadFromJsonAsync<Fault>(ControlJson, c.RequestAborted).ConfigureAwait(false);
            if (fault is null) return Results.BadRequest();
            Faults.Add(fault);
            return Results.Ok();
        });
        app.MapGet("/_emulator/faults", () => Results.Json(new { pending = Faults.Pending }));
        app.MapPost("/_emulator/drop-streams", () =>
        {
            DropWebSockets();
            return Results.Ok();
        });
        app.MapPost("/_emulator/book-gap", (string symbol) =>
        {
            if (PaperSymbol(symbol) is not { } paper) return Results.NotFound();
            Exchange.InjectBookGap(paper);
            return Results.Ok();
        });
        Clock.Map(app);
        app.MapPost("/_emulator/expire-listen-keys", () =>
        {
            ExpireListenKeys();
            return Results.Ok();
        });
        // The dead-man's switches armed now, and how many ran out: a test in another process checks them here.
        app.MapGet("/_emulator/countdowns", () => Results.Json(new
        {
            armed = _countdowns.Select(c => new { account = c.Key.Account, symbol = AsterSymbol(c.Key.Paper), countdownMs = (long)c.Value.Countdown.TotalMilliseconds }).ToArray(),
            cancels = CountdownCancels,
        }));
    }

    private static readonly JsonSerializerOptions ControlJson = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    // ---- request plumbing ----

    private sealed record Request(string Account, IReadOnlyDictionary<string, string> Fields);

    private Delegate Signed(Func<Request, IResult> handler) => (HttpContext context) => PrivateAsync(context, handler);

    /// <summary>The raw parameter string as received (the query, or the form body of a POST or PUT), checked, then handled.</summary>
    private async Task<IResult> PrivateAsync(HttpContext context, Func<Request, IResult> handler)
    {
        var raw = context.Request.QueryString.HasValue ? context.Request.QueryString.Value![1..] : "";
        if (HttpMethods.IsPost(context.Request.Method) || HttpMethods.IsPut(context.Request.Method))
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(CancellationToken.None).ConfigureAwait(false);
            if (body.Length > 0) raw = body;
        }
        var (account, denied) = Auth.Check(raw, context.Request.Headers[AsterHmacSigner.ApiKeyHeader].FirstOrDefault(), VenueNow);
        if (denied is not null) return Error(denied.Code is -2015 ? HttpStatusCode.Unauthorized : HttpStatusCode.BadRequest, denied.Code, denied.Msg);
        context.Response.Headers["X-MBX-USED-WEIGHT-1M"] = UsedWeight(context.Request.Path.Value ?? "");
        return handler(new Request(account!, AsterAuthenticator.Fields(raw)));
    }

    /// <summary>A USER_STREAM endpoint: V1's key header alone names the account; anything else is checked as a signed request.</summary>
    private Delegate UserStream(Func<string, IResult> handler) => (HttpContext context) =>
        Auth.AccountOfKey(context.Request.Headers[AsterHmacSigner.ApiKeyHeader].FirstOrDefault()) is { } account && !context.Request.QueryString.HasValue
            && context.Request.ContentLength is null or 0
            ? Task.FromResult(handler(account))
            : PrivateAsync(context, r => handler(r.Account));

    private static IResult Json(object value) => Results.Json(value, AsterJson.Options);

    private static IResult Error(HttpStatusCode status, int code, string message) =>
        Results.Json(new AsterError(code, message), AsterJson.Options, statusCode: (int)status);
}
