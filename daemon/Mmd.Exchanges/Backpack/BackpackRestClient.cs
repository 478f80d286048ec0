using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mmd.Exchanges.Shared;
using Mmd.Trading.Execution;

namespace Mmd.Exchanges.Backpack;

/// <summary>
/// Backpack's REST API: signs private requests (exchanges.md §1.4), keeps the clock offset to the venue, paces
/// requests through the <see cref="RequestGate"/>, and says plainly whether the venue acted: an error body
/// means it did not (<see cref="BackpackApiException"/>); no answer or a 5xx after sending means nobody knows
/// (<see cref="BackpackOutcomeUnknownException"/>). Reads ride out rate limits and server errors with bounded,
/// paced retries; writes are never retried here.
/// </summary>
public sealed class BackpackRestClient : IDisposable
{
    private const int ReadAttempts = 4;
    private readonly HttpClient _http;
    private readonly BackpackSigner? _signer;
    private readonly BackpackOptions _options;
    private readonly TimeProvider _time;
    private readonly RequestGate _gate;
    private long _clockOffsetMs;

    public BackpackRestClient(HttpClient http, BackpackSigner? signer, BackpackOptions options, TimeProvider time)
    {
        _http = http;
        _http.BaseAddress ??= options.RestBaseUrl;
        _http.Timeout = Timeout.InfiniteTimeSpan; // each request carries its own deadline
        _signer = signer;
        _options = options;
        _time = time;
        _gate = new RequestGate(options.RequestsPerSecond, options.Burst, time);
        Gates = new RequestGates(_gate);
    }

    /// <summary>Venue clock minus ours, in ms, from the last <see cref="SyncClockAsync"/>.</summary>
    public long ClockOffsetMs => Interlocked.Read(ref _clockOffsetMs);

    public RequestGate Gate => _gate;

    /// <summary>Measures the venue's clock (<c>GET /api/v1/time</c>) against ours, halfway through the round trip.</summary>
    public async Task SyncClockAsync(CancellationToken cancellationToken)
    {
        var before = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var text = await SendAsync(HttpMethod.Get, "/api/v1/time", null, [], isWrite: false, cancellationToken).ConfigureAwait(false);
        var after = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var server = long.Parse(text.Trim().Trim('"'), CultureInfo.InvariantCulture);
        Interlocked.Exchange(ref _clockOffsetMs, server - (before + after) / 2);
    }

    public Task<BackpackMarket[]> GetMarketsAsync(CancellationToken ct) => ReadAsync<BackpackMarket[]>("/api/v1/markets", null, [], ct);

    public Task<BackpackDepth> GetDepthAsync(string symbol, CancellationToken ct) =>
        ReadAsync<BackpackDepth>("/api/v1/depth", null, [BackpackParameter.Text("symbol", symbol)], ct);

    /// <param name="interval">One of the venue's <c>KlineInterval</c> names (1m, 5m, 15m, 30m, 1h, 4h, 1d, ...).</param>
    /// <param name="startTime">Unix seconds, as the venue takes them.</param>
    public Task<BackpackKline[]> GetKlinesAsync(string symbol, string interval, long startTime, long endTime, CancellationToken ct) =>
        ReadAsync<BackpackKline[]>("/api/v1/klines", null,
            [BackpackParameter.Text("symbol", symbol), BackpackParameter.Text("interval", interval), BackpackParameter.Number("startTime", startTime), BackpackParameter.Number("endTime", endTime)], ct);

    public Task<Dictionary<string, BackpackCapital>> GetCapitalAsync(CancellationToken ct) =>
        ReadAsync<Dictionary<string, BackpackCapital>>("/api/v1/capital", "balanceQuery", [], ct);

    /// <param name="blockchain">One of <see cref="BackpackBlockchains.All"/>, spelled as there.</param>
    public Task<BackpackDepositAddress> GetDepositAddressAsync(string blockchain, CancellationToken ct) =>
        ReadAsync<BackpackDepositAddress>("/wapi/v1/capital/deposit/address", "depositAddressQuery", [BackpackParameter.Text("blockchain", blockchain)], ct);

    public Task<BackpackCollateral> GetCollateralAsync(CancellationToken ct) =>
        ReadAsync<BackpackCollateral>("/api/v1/capital/collateral", "collateralQuery", [], ct);

    public async Task<BackpackPosition[]> GetPositionsAsync(CancellationToken ct)
    {
        try
        {
            return await ReadAsync<BackpackPosition[]>("/api/v1/position", "positionQuery", [], ct).ConfigureAwait(false);
        }
        catch (BackpackApiException e) when (e.Code == "RESOURCE_NOT_FOUND")
        {
            return []; // the venue's way of saying "no position"
        }
    }

    public Task<BackpackOrder[]> GetOpenOrdersAsync(string symbol, CancellationToken ct) =>
        ReadAsync<BackpackOrder[]>("/api/v1/orders", "orderQueryAll", [BackpackParameter.Text("symbol", symbol)], ct);

    /// <summary>One order by client id; null when the venue has never seen it (or no longer lists it).</summary>
    public async Task<BackpackOrder?> GetOrderAsync(string symbol, uint clientId, CancellationToken ct)
    {
        try
        {
            return await ReadAsync<BackpackOrder>("/api/v1/order", "orderQuery",
                [BackpackParameter.Text("symbol", symbol), BackpackParameter.Number("clientId", clientId)], ct).ConfigureAwait(false);
        }
        catch (BackpackApiException e) when (e.Code == "RESOURCE_NOT_FOUND")
        {
            return null;
        }
    }

    /// <summary>Past and present orders on a symbol, newest first, one page.</summary>
    public Task<BackpackOrder[]> GetOrderHistoryAsync(string symbol, int limit, int offset, CancellationToken ct) =>
        ReadAsync<BackpackOrder[]>("/wapi/v1/history/orders", "orderHistoryQueryAll",
        [
            BackpackParameter.Text("symbol", symbol), BackpackParameter.Number("limit", limit), BackpackParameter.Number("offset", offset),
            BackpackParameter.Text("sortDirection", "Desc"),
        ], ct);

    /// <param name="withdrawal">Lets the caller take the order back while it waits for the request limit (it then ends cancelled, unsent).</param>
    public async Task<BackpackOrder> PlaceOrderAsync(IReadOnlyList<BackpackParameter> order, CancellationToken ct, PlaceWithdrawal? withdrawal = null)
    {
        var text = await SendAsync(HttpMethod.Post, "/api/v1/order", "orderExecute", order, isWrite: true, ct, withdrawal).ConfigureAwait(false);
        return Deserialize<BackpackOrder>(text);
    }

    /// <summary>Places up to 50 orders in one request; the results come back in the request's order.</summary>
    public async Task<BackpackBatchResult[]> PlaceOrdersAsync(IReadOnlyList<IReadOnlyList<BackpackParameter>> orders, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(orders.Count, 50);
        var text = await SendBatchAsync(orders, ct).ConfigureAwait(false);
        return Deserialize<BackpackBatchResult[]>(text);
    }

    /// <summary>Cancels one order by venue id or client id (exactly one of them).</summary>
    public async Task<BackpackOrder> CancelOrderAsync(string symbol, string? orderId, uint? clientId, CancellationToken ct)
    {
        BackpackParameter[] body = orderId is not null
            ? [BackpackParameter.Text("symbol", symbol), BackpackParameter.Text("orderId", orderId)]
            : [BackpackParameter.Text("symbol", symbol), BackpackParameter.Number("clientId", clientId ?? throw new ArgumentException("an order id or a client id is required"))];
        var text = await SendAsync(HttpMethod.Delete, "/api/v1/order", "orderCancel", body, isWrite: true, ct).ConfigureAwait(false);
        return Deserialize<BackpackOrder>(text);
    }

    /// <summary>Cancels every resting order on the symbol, whoever placed it: for an operator's explicit request only.</summary>
    public async Task<BackpackOrder[]> CancelAllOnSymbolAsync(string symbol, CancellationToken ct)
    {
        var text = await SendAsync(HttpMethod.Delete, "/api/v1/orders", "orderCancelAll", [BackpackParameter.Text("symbol", symbol)], isWrite: true, ct).ConfigureAwait(false);
        return Deserialize<BackpackOrder[]>(text);
    }

    /// <summary>Our fills on a symbol from <paramref name="fromMs"/>, oldest first, one page.</summary>
    public Task<BackpackFill[]> GetFillsAsync(string symbol, long fromMs, int limit, int offset, CancellationToken ct) =>
        ReadAsync<BackpackFill[]>("/wapi/v1/history/fills", "fillHistoryQueryAll",
        [
            BackpackParameter.Text("symbol", symbol), BackpackParameter.Number("from", fromMs), BackpackParameter.Number("limit", limit),
            BackpackParameter.Number("offset", offset), BackpackParameter.Text("sortDirection", "Asc"),
        ], ct);

    /// <summary>The account's funding payments on a symbol, newest first, one page.</summary>
    public Task<BackpackFundingPayment[]> GetFundingPaymentsAsync(string symbol, int limit, int offset, CancellationToken ct) =>
        ReadAsync<BackpackFundingPayment[]>("/wapi/v1/history/funding", "fundingHistoryQueryAll",
        [
            BackpackParameter.Text("symbol", symbol), BackpackParameter.Number("limit", limit), BackpackParameter.Number("offset", offset),
            BackpackParameter.Text("sortDirection", "Desc"),
        ], ct);

    /// <summary>The venue-clock timestamp a request is signed with.</summary>
    public long VenueNowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds() + ClockOffsetMs;

    /// <summary>What the daemon's request budgets steer: this client's one gate.</summary>
    public RequestGates Gates { get; }

    public void Dispose() => _gate.Dispose();

    private async Task<T> ReadAsync<T>(string path, string? instruction, IReadOnlyList<BackpackParameter> query, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return Deserialize<T>(await SendAsync(HttpMethod.Get, path, instruction, query, isWrite: false, ct).ConfigureAwait(false));
            }
            catch (Exception e) when (attempt < ReadAttempts && e is BackpackOutcomeUnknownException or BackpackApiException { IsRateLimit: true })
            {
                // A read changes nothing, so it may be asked again: after the pause a 429 imposed, or a short backoff.
                if (_gate.PauseLeft() == TimeSpan.Zero)
                    await Task.Delay(TimeSpan.FromMilliseconds(100 << attempt), _time, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task<string> SendAsync(HttpMethod method, string path, string? instruction, IReadOnlyList<BackpackParameter> parameters, bool isWrite, CancellationToken ct,
        PlaceWithdrawal? withdrawal = null)
    {
        var hasBody = method != HttpMethod.Get;
        var uri = hasBody || parameters.Count == 0 ? path : path + "?" + QueryString(parameters);
        return await ExchangeAsync(() =>
        {
            var request = new HttpRequestMessage(method, uri);
            if (hasBody) request.Content = JsonContent(w => WriteObject(w, parameters));
            if (instruction is not null) SignInto(request, ts => BackpackSigner.SigningString(instruction, parameters, ts, WindowMs));
            return request;
        }, isWrite, ct, withdrawal).ConfigureAwait(false);
    }

    private Task<string> SendBatchAsync(IReadOnlyList<IReadOnlyList<BackpackParameter>> orders, CancellationToken ct) =>
        ExchangeAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders")
            {
                Content = JsonContent(w =>
                {
                    w.WriteStartArray();
                    foreach (var order in orders) WriteObject(w, order);
                    w.WriteEndArray();
                }),
            };
            SignInto(request, ts => BackpackSigner.BatchSigningString("orderExecute", orders, ts, WindowMs));
            return request;
        }, isWrite: true, ct);

    private long WindowMs => (long)_options.Window.TotalMilliseconds;

    private void SignInto(HttpRequestMessage request, Func<long, string> signingString)
    {
        if (_signer is null) throw new InvalidOperationException("this Backpack connector has no credentials");
        var timestamp = VenueNowMs();
        request.Headers.Add("X-API-Key", _signer.ApiKey);
        request.Headers.Add("X-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-Window", WindowMs.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-Signature", _signer.Sign(signingString(timestamp)));
    }

    private async Task<string> ExchangeAsync(Func<HttpRequestMessage> build, bool isWrite, CancellationToken ct, PlaceWithdrawal? withdrawal = null)
    {
        await _gate.WaitAsync(ct, withdrawal: withdrawal).ConfigureAwait(false);
        using var request = build(); // signed after the wait, so the timestamp is fresh
        var what = $"{request.Method} {request.RequestUri?.OriginalString.Split('?')[0]}";
        var answer = await VenueHttp.ExchangeAsync(_http, request, what, _options.RequestTimeout, isWrite,
            static (message, inner) => new BackpackOutcomeUnknownException(message, inner), static message => new BackpackApiException(0, "CONNECTION_FAILED", message), ct)
            .ConfigureAwait(false);
        if (answer.IsSuccess) return answer.Text;
        var error = TryError(answer.Text);
        if (answer.Status == HttpStatusCode.TooManyRequests || error?.Code == "TOO_MANY_REQUESTS")
            _gate.Pause(VenueHttp.RetryAfter(answer.Headers.RetryAfter, TimeSpan.FromSeconds(1), _time));
        if ((int)answer.Status >= 500 && error?.Code is not ("TOO_MANY_REQUESTS" or "INVALID_CLIENT_REQUEST"))
            throw new BackpackOutcomeUnknownException($"{what}: HTTP {(int)answer.Status} {error?.Message ?? answer.Text}");
        throw new BackpackApiException(answer.Status, error?.Code ?? "HTTP_" + (int)answer.Status, error?.Message ?? answer.Text);
    }

    private static BackpackError? TryError(string text) => VenueHttp.TryRead<BackpackError>(text, BackpackJson.Options) is { Code: not null } e ? e : null;

    private static T Deserialize<T>(string text) =>
        JsonSerializer.Deserialize<T>(text, BackpackJson.Options) ?? throw new BackpackApiException(HttpStatusCode.OK, "EMPTY_RESPONSE", "the venue answered with nothing");

    private static string QueryString(IReadOnlyList<BackpackParameter> parameters) =>
        string.Join('&', parameters.Select(p => p.Name + "=" + Uri.EscapeDataString(p.Value)));

    private static ByteArrayContent JsonContent(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer)) write(writer);
        var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private static void WriteObject(Utf8JsonWriter writer, IReadOnlyList<BackpackParameter> parameters)
    {
        writer.WriteStartObject();
        foreach (var p in parameters)
        {
            writer.WritePropertyName(p.Name);
            switch (p.Kind)
            {
                case BackpackValueKind.Number: writer.WriteRawValue(p.Value); break;
                case BackpackValueKind.Boolean: writer.WriteBooleanValue(p.Value == "true"); break;
                default: writer.WriteStringValue(p.Value); break;
            }
        }
        writer.WriteEndObject();
    }
}
