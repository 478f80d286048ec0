using System.Net;
using Mmd.Emulators.Faults;
using Mmd.Emulators.Hosting;
using Mmd.Emulators.Streams;
using Mmd.Exchanges.Paper;
using Mmd.Exchanges.Paradex;
using Mmd.Trading.Primitives;

namespace Mmd.Emulators.Paradex;

/// <summary>
/// A loopback Paradex venue: its <c>/v1</c> REST paths and JSON shapes, JWT auth and order signatures checked as the venue
/// checks them (<see cref="ParadexAuthenticator"/>), its error codes, its asynchronous writes (an order is answered NEW and
/// settled after; a cancel is answered 204), and its WebSocket API (JSON-RPC; the public book in SBE), backed by the paper
/// venue's matching engine. The paper perpetuals are listed under Paradex's names (SOL_USDC_PERP is SOL-USD-PERP); each
/// account trades on its own paper account. Faults are scripted through <see cref="Faults"/>.
/// </summary>
public sealed partial class ParadexEmulator : IAsyncDisposable
{
    public const string MainnetChainId = "PRIVATE_SN_PARACLEAR_MAINNET";
    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly StreamSockets _streams = new();

    private ParadexEmulator(WebApplication app, PaperExchange exchange, TimeProvider time, string chainId)
    {
        _app = app;
        Exchange = exchange;
        _time = time;
        Auth = new ParadexAuthenticator(chainId);
    }

    public PaperExchange Exchange { get; }

    public ParadexAuthenticator Auth { get; }

    public FaultPlan Faults { get; } = new();

    public Uri RestUrl { get; private set; } = null!;

    public Uri WebSocketUrl => new(RestUrl.ToString().Replace("http://", "ws://", StringComparison.Ordinal) + "v1");

    public static async Task<ParadexEmulator> StartAsync(PaperExchange exchange, TimeProvider time, int port = 0, string chainId = MainnetChainId,
        CancellationToken cancellationToken = default)
    {
        var app = LoopbackHost.Create(port);
        var emulator = new ParadexEmulator(app, exchange, time, chainId);
        emulator.Map(app);
        var listening = await LoopbackHost.StartAsync(app, cancellationToken).ConfigureAwait(false);
        emulator.RestUrl = new Uri($"http://127.0.0.1:{listening}/");
        return emulator;
    }

    /// <summary>Fault: cuts every open WebSocket at once.</summary>
    public void DropWebSockets() => _streams.DropAll();

    public async ValueTask DisposeAsync()
    {
        DropWebSockets();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Paradex's name of a paper perpetual: SOL_USDC_PERP is SOL-USD-PERP.</summary>
    public static string ParadexSymbol(string paperSymbol) => paperSymbol[..paperSymbol.IndexOf('_', StringComparison.Ordinal)] + "-USD-PERP";

    private string? PaperSymbol(string? market) =>
        market is null ? null : Exchange.Instruments.FirstOrDefault(i => i.Kind == InstrumentKind.Perpetual && ParadexSymbol(i.Symbol) == market)?.Symbol;

    private void Map(WebApplication app)
    {
        app.Use((context, next) => FaultMiddleware.ApplyAsync(context, next, Faults, _time, (c, fault) => c.Response.WriteAsJsonAsync(fault.Kind == FaultKind.RateLimit
            ? new ParadexError("RATE_LIMIT_EXCEEDED", "rate limit exceeded")
            : new ParadexError("INTERNAL_ERROR", "internal error"), ParadexJson.Options)));
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(55) });
        app.Map("/v1", AcceptStreamAsync);
        app.MapGet("/v1/system/config", () => Json(new ParadexSystemConfig(Auth.ChainId)));
        app.MapGet("/v1/system/time", () => Results.Json(new { server_time = Now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        app.MapGet("/v1/markets", () => Json(new ParadexResults<ParadexMarket>(Markets())));
        app.MapGet("/v1/markets/klines", (HttpContext c) => Klines(c));
        app.MapPost("/v1/auth", (HttpContext c) =>
        {
            string? Header(string name) => c.Request.Headers[name].FirstOrDefault();
            var (jwt, error, message) = Auth.IssueJwt(Header("PARADEX-STARKNET-ACCOUNT"), Header("PARADEX-STARKNET-SIGNATURE"), Header("PARADEX-TIMESTAMP"),
                Header("PARADEX-SIGNATURE-EXPIRATION"), Now);
            return jwt is not null ? Json(new ParadexJwt(jwt)) : Error(HttpStatusCode.BadRequest, error!, message!);
        });
        app.MapGet("/v1/orders", Private((c, account) => OpenOrders(c, account)));
        app.MapGet("/v1/orders/{id}", Private((c, account) => GetOrder(account, (string)c.Request.RouteValues["id"]!)));
        app.MapGet("/v1/orders-history", Private((c, account) => OrderHistory(c, account)));
        app.MapPost("/v1/orders", PrivateAsync(PlaceOrderAsync));
        app.MapDelete("/v1/orders/by_client_id/{clientId}", Private((c, account) => CancelByClientId(c, account, (string)c.Request.RouteValues["clientId"]!)));
        app.MapDelete("/v1/orders/{id}", Private((c, account) => Cancel(account, (string)c.Request.RouteValues["id"]!)));
        app.MapDelete("/v1/orders", Private((c, account) => CancelAll(c, account)));
        app.MapGet("/v1/fills", Private((c, account) => Fills(c, account)));
        app.MapGet("/v1/positions", Private((_, account) => Positions(account)));
        app.MapGet("/v1/balance", Private((_, account) => Balances(account)));
        app.MapGet("/v1/account", Private((_, account) => Account(account)));
        app.MapPost("/_emulator/drop-streams", () =>
        {
            DropWebSockets();
            return Results.Ok();
        });
        app.MapPost("/_emulator/revoke-tokens", () =>
        {
            Auth.RevokeTokens();
            return Results.Ok();
        });
    }

    // ---- request plumbing ----

    private Delegate Private(Func<HttpContext, string, IResult> handler) => (HttpContext context) =>
        AccountOf(context) is { } account ? handler(context, account) : Unauthorized();

    private Delegate PrivateAsync(Func<HttpContext, string, Task<IResult>> handler) => (HttpContext context) =>
        AccountOf(context) is { } account ? handler(context, account) : Task.FromResult(Unauthorized());

    private string? AccountOf(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.FirstOrDefault();
        return header is not null && header.StartsWith("Bearer ", StringComparison.Ordinal) ? Auth.AccountOf(header["Bearer ".Length..], Now) : null;
    }

    private static IResult Unauthorized() => Error(HttpStatusCode.Unauthorized, "INVALID_TOKEN", "invalid or expired bearer token");

    private static IResult Json(object value, int status = 200) => Results.Json(value, ParadexJson.Options, statusCode: status);

    private static IResult Error(HttpStatusCode status, string code, string message) =>
        Results.Json(new ParadexError(code, message), ParadexJson.Options, statusCode: (int)status);
}
