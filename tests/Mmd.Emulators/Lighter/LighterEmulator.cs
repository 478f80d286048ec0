using System.Net;
using Mmd.Emulators.Faults;
using Mmd.Emulators.Hosting;
using Mmd.Emulators.Streams;
using Mmd.Exchanges.Lighter;
using Mmd.Exchanges.Paper;
using Mmd.Trading.Primitives;

namespace Mmd.Emulators.Lighter;

/// <summary>
/// A loopback Lighter venue: its <c>/api/v1</c> REST paths and JSON shapes, its L2 transactions through
/// <c>sendTx</c> (Schnorr signatures, chain id, expiry and per-key nonces checked as the venue checks them, see
/// <see cref="LighterAuthenticator"/>), auth tokens on private reads, and its WebSocket API on <c>/stream</c>, backed by
/// the paper venue's matching engine. The paper perpetuals are listed under Lighter's names (SOL_USDC_PERP is SOL,
/// market 0 …); each account index trades on its own paper account. Faults are scripted through <see cref="Faults"/>.
/// </summary>
public sealed partial class LighterEmulator : IAsyncDisposable
{
    public const long TestnetChainId = 300;
    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly StreamSockets _streams = new();

    private LighterEmulator(WebApplication app, PaperExchange exchange, TimeProvider time, long chainId)
    {
        _app = app;
        Exchange = exchange;
        _time = time;
        Auth = new LighterAuthenticator(chainId);
        Clock = new VenueClock(time) { SkewChanged = FireDueScheduledCancels };
        Perpetuals = exchange.Instruments.Where(i => i.Kind == InstrumentKind.Perpetual).ToArray();
    }

    public PaperExchange Exchange { get; }

    public LighterAuthenticator Auth { get; }

    public FaultPlan Faults { get; } = new();

    public Uri RestUrl { get; private set; } = null!;

    public Uri WebSocketUrl => new(RestUrl.ToString().Replace("http://", "ws://", StringComparison.Ordinal) + "stream");

    /// <summary>The listed markets: a market's id is its place in this list.</summary>
    private InstrumentSpec[] Perpetuals { get; }

    public static async Task<LighterEmulator> StartAsync(PaperExchange exchange, TimeProvider time, int port = 0, long chainId = TestnetChainId,
        CancellationToken cancellationToken = default)
    {
        var app = LoopbackHost.Create(port);
        var emulator = new LighterEmulator(app, exchange, time, chainId);
        emulator.Map(app);
        var listening = await LoopbackHost.StartAsync(app, cancellationToken).ConfigureAwait(false);
        emulator.RestUrl = new Uri($"http://127.0.0.1:{listening}/");
        return emulator;
    }

    /// <summary>The paper account behind a Lighter account index.</summary>
    public static string PaperAccount(long accountIndex) => "lighter-" + accountIndex.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Lighter's name of a paper perpetual: SOL_USDC_PERP is SOL.</summary>
    public static string LighterSymbol(string paperSymbol) => paperSymbol[..paperSymbol.IndexOf('_', StringComparison.Ordinal)];

    /// <summary>Fault: cuts every open WebSocket at once.</summary>
    public void DropWebSockets() => _streams.DropAll();

    public async ValueTask DisposeAsync()
    {
        DropWebSockets();
        await DisposeScheduledCancelsAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The venue's clock; a test runs it ahead of the machine's to bring a scheduled cancel-all due.</summary>
    public VenueClock Clock { get; }

    private DateTimeOffset Now => Clock.Now;

    private InstrumentSpec? MarketOf(string? marketId) => int.TryParse(marketId, out var id) && id >= 0 && id < Perpetuals.Length ? Perpetuals[id] : null;

    private int MarketIdOf(string paperSymbol) => Array.FindIndex(Perpetuals, i => i.Symbol == paperSymbol);

    private void Map(WebApplication app)
    {
        app.Use((context, next) => FaultMiddleware.ApplyAsync(context, next, Faults, _time, (c, fault) => c.Response.WriteAsJsonAsync(fault.Kind == FaultKind.RateLimit
            ? new LighterError(429, "Too Many Requests")
            : new LighterError(500, "internal error"), LighterJson.Options)));
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(55) });
        app.Map("/stream", AcceptStreamAsync);
        app.MapGet("/api/v1/orderBookDetails", () => Json(new LighterOrderBookDetails(200, Markets(), [])));
        app.MapGet("/api/v1/candles", (HttpContext c) => Candles(c));
        app.MapGet("/api/v1/account", (HttpContext c) => Account(c));
        app.MapGet("/api/v1/apikeys", (HttpContext c) => ApiKeys(c));
        app.MapGet("/api/v1/nextNonce", (HttpContext c) => NextNonce(c));
        app.MapGet("/api/v1/accountActiveOrders", Private(ActiveOrders));
        app.MapGet("/api/v1/accountInactiveOrders", Private(InactiveOrders));
        app.MapGet("/api/v1/trades", Private(Trades));
        app.MapGet("/api/v1/positionFunding", Private(PositionFunding));
        app.MapPost("/api/v1/sendTx", (Func<HttpContext, Task<IResult>>)SendTxAsync);
        app.MapPost("/_emulator/drop-streams", () =>
        {
            DropWebSockets();
            return Results.Ok();
        });
        MapScheduledCancels(app);
    }

    // ---- request plumbing ----

    /// <summary>A private read: the auth token (header <c>authorization</c>, or query <c>auth</c>) must speak for the account asked about.</summary>
    private Delegate Private(Func<HttpContext, long, InstrumentSpec, IResult> handler) => (HttpContext context) =>
    {
        var token = context.Request.Headers["authorization"].FirstOrDefault() ?? context.Request.Query["auth"].FirstOrDefault();
        if (Auth.AccountOf(token, Now) is not { } account || context.Request.Query["account_index"].ToString() != account.ToString(System.Globalization.CultureInfo.InvariantCulture))
            return Error(HttpStatusCode.Unauthorized, 20001, "invalid auth token");
        return MarketOf(context.Request.Query["market_id"]) is { } market ? handler(context, account, market) : Error(HttpStatusCode.BadRequest, 21001, "invalid market_id");
    };

    private static IResult Json(object value, int status = 200) => Results.Json(value, LighterJson.Options, statusCode: status);

    private static IResult Error(HttpStatusCode status, int code, string message) => Results.Json(new LighterError(code, message), LighterJson.Options, statusCode: (int)status);
}
