using System.Globalization;
using System.Net;
using System.Text.Json;
using Mmd.Emulators.Faults;
using Mmd.Emulators.Hosting;
using Mmd.Exchanges.Backpack;
using Mmd.Exchanges.Paper;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Emulators.Backpack;

/// <summary>
/// A loopback Backpack Exchange: its REST paths and JSON shapes, its depth and account WebSocket streams, its
/// signature and window checks and error codes, backed by the paper venue's matching engine and synthetic market.
/// Each API key trades on its own paper account. Faults are scripted through <see cref="Faults"/> (or
/// <c>POST /_emulator/faults</c> when it runs as a process).
/// </summary>
public sealed partial class BackpackEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TimeProvider _time;

    private BackpackEmulator(WebApplication app, PaperExchange exchange, TimeProvider time)
    {
        _app = app;
        Exchange = exchange;
        _time = time;
        Clock = new VenueClock(time);
    }

    public PaperExchange Exchange { get; }

    public FaultPlan Faults { get; } = new();

    /// <summary>Test hook: sees the raw JSON body of every accepted single-order request.</summary>
    public Action<string>? OnOrderBody { get; set; }

    public Uri RestUrl { get; private set; } = null!;

    public Uri WebSocketUrl { get; private set; } = null!;

    /// <summary>The venue's clock; a test runs it ahead of the machine's.</summary>
    public VenueClock Clock { get; }

    /// <param name="pingInterval">How often the venue pings each WebSocket (Backpack: 60 s).</param>
    /// <param name="pingTimeout">How long after a ping a client that has not answered is dropped (default: twice the interval).</param>
    public static async Task<BackpackEmulator> StartAsync(PaperExchange exchange, TimeProvider time, int port = 0, TimeSpan? pingInterval = null,
        TimeSpan? pingTimeout = null, CancellationToken cancellationToken = default)
    {
        var app = LoopbackHost.Create(port);
        var emulator = new BackpackEmulator(app, exchange, time);
        var interval = pingInterval ?? TimeSpan.FromSeconds(60);
        emulator.Map(app, interval, pingTimeout ?? interval * 2);
        var listening = await LoopbackHost.StartAsync(app, cancellationToken).ConfigureAwait(false);
        emulator.RestUrl = new Uri($"http://127.0.0.1:{listening}");
        emulator.WebSocketUrl = new Uri($"ws://127.0.0.1:{listening}/");
        return emulator;
    }

    public async ValueTask DisposeAsync()
    {
        DropWebSockets();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static readonly JsonSerializerOptions ControlJson = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private long NowMs => Clock.Now.ToUnixTimeMilliseconds();

    private long NowMicros => NowMs * 1000;

    private void Map(WebApplication app, TimeSpan pingInterval, TimeSpan pingTimeout)
    {
        // As Backpack: a protocol Ping every interval, and a client that does not Pong in time is disconnected.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = pingInterval, KeepAliveTimeout = pingTimeout });
        app.Use(ApplyFaultsAsync);
        app.Map("/", AcceptStreamAsync);
        app.MapGet("/api/v1/time", () => Results.Text(NowMs.ToString(CultureInfo.InvariantCulture)));
        app.MapGet("/api/v1/markets", () => Json(Exchange.Instruments.Select(Market).ToArray()));
        app.MapGet("/api/v1/depth", Unsigned(Depth));
        app.MapGet("/api/v1/klines", Unsigned(Klines));
        app.MapGet("/api/v1/capital", Signed("balanceQuery", Capital));
        app.MapGet("/api/v1/capital/collateral", Signed("collateralQuery", Collateral));
        app.MapGet("/wapi/v1/capital/deposit/address", Signed("depositAddressQuery", DepositAddress));
        app.MapGet("/api/v1/position", Signed("positionQuery", Positions));
        app.MapGet("/api/v1/orders", Signed("orderQueryAll", OpenOrders));
        app.MapGet("/api/v1/order", Signed("orderQuery", OpenOrder));
        app.MapPost("/api/v1/order", Signed("orderExecute", PlaceOne));
        app.MapPost("/api/v1/orders", (Delegate)PlaceBatchAsync);
        app.MapDelete("/api/v1/order", Signed("orderCancel", CancelOne));
        app.MapDelete("/api/v1/orders", Signed("orderCancelAll", CancelAllOnSymbol));
        app.MapGet("/wapi/v1/history/orders", Signed("orderHistoryQueryAll", OrderHistory));
        app.MapGet("/wapi/v1/history/fills", Signed("fillHistoryQueryAll", Fills));
        app.MapGet("/wapi/v1/history/funding", Signed("fundingHistoryQueryAll", Funding));
        // Fault control for the emulator as a process: {"kind":"RateLimit","method":"GET","path":"/api/v1/orders","count":3,"retryAfter":"00:00:01"};
        // GET says how many uses of the scripted faults no request has met yet.
        app.MapPost("/_emulator/faults", async (HttpContext c) =>
        {
            var fault = await c.Request.ReadFromJsonAsync<Fault>(ControlJson, c.RequestAborted).ConfigureAwait(false);
            if (fault is null) return Results.BadRequest();
            Faults.Add(fault);
            return Results.Ok();
        });
        app.MapGet("/_emulator/faults", () => Results.Json(new { pending = Faults.Pending }));
        // Every request so far, in arrival order (control paths excepted), and how long ago it came: a test scripts a fault
        // for the next request of a kind once the client has quietly stopped making them.
        app.MapGet("/_emulator/requests", () =>
        {
            var now = _time.GetUtcNow();
            return Results.Json(Faults.Requests.Select(r => new { r.Method, r.Path, r.Status, AgoMs = (long)(now - r.At).TotalMilliseconds }).ToArray());
        });
        app.MapPost("/_emulator/drop-streams", () =>
        {
            DropWebSockets();
            return Results.Ok();
        });
        app.MapPost("/_emulator/book-gap", (string symbol) =>
        {
            Exchange.InjectBookGap(symbol);
            return Results.Ok();
        });
        Clock.Map(app);
    }

    private Task ApplyFaultsAsync(HttpContext context, RequestDelegate next) =>
        FaultMiddleware.ApplyAsync(context, next, Faults, _time, (c, fault) => c.Response.WriteAsJsonAsync(fault.Kind == FaultKind.RateLimit
            ? new BackpackError("TOO_MANY_REQUESTS", "Too many requests")
            : new BackpackError("SERVER_ERROR", "Internal server error"), BackpackJson.Options));

    // ---- request plumbing ----

    private sealed record Request(string Account, IReadOnlyDictionary<string, string> Fields, JsonElement? Body);

    // Route handlers are Delegates (not RequestDelegates) so the IResult they return is written.
    private static Delegate Unsigned(Func<Request, IResult> handler) =>
        (HttpContext context) => handler(new Request("", context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()), null));

    private Delegate Signed(string instruction, Func<Request, IResult> handler) =>
        (HttpContext context) => Private(context, instruction, handler);

    private async Task<IResult> Private(HttpContext context, string instruction, Func<Request, IResult> handler)
    {
        JsonElement? body = null;
        IReadOnlyList<BackpackParameter> fields;
        if (HttpMethods.IsGet(context.Request.Method) || context.Request.ContentLength is 0 or null && context.Request.Headers.ContentType.Count == 0)
        {
            fields = BackpackAuthenticator.Fields(context.Request.Query);
        }
        else
        {
            try
            {
                body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                return Error(HttpStatusCode.BadRequest, "INVALID_CLIENT_REQUEST", "The body is not JSON");
            }
            if (body.Value.ValueKind != JsonValueKind.Object) return Error(HttpStatusCode.BadRequest, "INVALID_CLIENT_REQUEST", "The body must be an object");
            fields = BackpackAuthenticator.Fields(body.Value);
        }
        if (BackpackAuthenticator.Check(context.Request.Headers, instruction, [fields], NowMs, out var account) is { } denied) return Denied(denied);
        if (instruction == "orderExecute" && body is { } json) OnOrderBody?.Invoke(json.GetRawText());
        return handler(new Request(account, fields.ToDictionary(f => f.Name, f => f.Value), body));
    }

    private async Task<IResult> PlaceBatchAsync(HttpContext context)
    {
        JsonElement body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return Error(HttpStatusCode.BadRequest, "INVALID_CLIENT_REQUEST", "The body is not JSON");
        }
        if (body.ValueKind != JsonValueKind.Array) return Error(HttpStatusCode.BadRequest, "INVALID_CLIENT_REQUEST", "A batch is an array of orders");
        var items = body.EnumerateArray().Select(BackpackAuthenticator.Fields).ToList();
        if (items.Count is 0 or > 50) return Error(HttpStatusCode.BadRequest, "INVALID_CLIENT_REQUEST", "A batch holds 1 to 50 orders");
        if (BackpackAuthenticator.Check(context.Request.Headers, "orderExecute", items, NowMs, out var account) is { } denied) return Denied(denied);
        var results = items.Select(fields =>
        {
            var (order, error) = Place(account, fields.ToDictionary(f => f.Name, f => f.Value));
            return error is null ? (object)WithOperation(order!) : new { operation = "Err", code = error.Value.Error.Code, message = error.Value.Error.Message };
        }).ToArray();
        return Json(results);
    }

    private static IResult Json(object value) => Results.Json(value, BackpackJson.Options);

    private static IResult Error(HttpStatusCode status, string code, string message) =>
        Results.Json(new BackpackError(code, message), BackpackJson.Options, statusCode: (int)status);

    private static IResult Denied(BackpackError error) =>
        Error(error.Code == "INVALID_CLIENT_REQUEST" ? HttpStatusCode.BadRequest : HttpStatusCode.Unauthorized, error.Code, error.Message);

    private static Dictionary<string, object?> WithOperation(BackpackOrder order)
    {
        var element = JsonSerializer.SerializeToElement(order, BackpackJson.Options);
        var result = new Dictionary<string, object?> { ["operation"] = "Ok" };
        foreach (var p in element.EnumerateObject()) result[p.Name] = p.Value;
        return result;
    }
}
