using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mmd.Exchanges.Shared;
using Mmd.Trading.Execution;

namespace Mmd.Exchanges.Aster;

/// <summary>
/// Aster's REST API (exchanges.md §2.2-§2.7), V3 paths or V1 by the credentials' scheme. Signs private requests with
/// <see cref="AsterRequestSigner"/> (the exact parameter string that is sent: the query of a GET or DELETE, the form body of
/// a POST or PUT), paces them by weight through a <see cref="RequestGate"/>, watches the used-weight header so requests
/// wait for the next minute before a 429 (and then a 418 ban) is earned, and says plainly whether the venue acted: an error
/// body means it did not (<see cref="AsterApiException"/>); no answer, a 503 ("unknown execution status") or another 5xx
/// means nobody knows (<see cref="AsterOutcomeUnknownException"/>). Reads are retried a few times; writes never are.
/// </summary>
public sealed class AsterRestClient : IDisposable
{
    private const int ReadAttempts = 4;
    private const string UsedWeightHeader = "X-MBX-USED-WEIGHT-1M";
    private readonly HttpClient _http;
    private readonly AsterRequestSigner? _signer;
    private readonly AsterOptions _options;
    private readonly TimeProvider _time;
    private readonly RequestGate _gate;
    private int _weightLimit;

    public AsterRestClient(HttpClient http, AsterRequestSigner? signer, AsterOptions options, TimeProvider time)
    {
        _http = http;
        _http.BaseAddress ??= options.RestBaseUrl;
        _http.Timeout = Timeout.InfiniteTimeSpan; // each request carries its own deadline
        _signer = signer;
        _options = options;
        _time = time;
        _weightLimit = options.WeightPerMinute;
        // The minute's weight, paced evenly, with a tenth of it available at once (a start-up's reads).
        _gate = new RequestGate(Math.Max(1, options.WeightPerMinute / 60), Math.Max(20, options.WeightPerMinute / 10), time);
        Gates = new RequestGates(_gate);
    }

    private bool V1 => _signer?.Scheme == AsterSigning.V1;

    public RequestGate Gate => _gate;

    /// <summary>Measures the venue's clock against ours, halfway through the round trip; nonces and timestamps follow it.</summary>
    public async Task SyncClockAsync(CancellationToken ct)
    {
        var before = _time.GetUtcNow();
        var time = await ReadAsync<AsterServerTime>(HttpMethod.Get, Path("time", "/fapi/v1/time"), [], signed: false, weight: 1, ct).ConfigureAwait(false);
        var after = _time.GetUtcNow();
        var offset = DateTimeOffset.FromUnixTimeMilliseconds(time.ServerTime) - (before + (after - before) / 2);
        if (_signer is not null) _signer.ClockOffset = offset;
    }

    /// <summary>Symbols and the venue's rate limits; the request-weight limit replaces the configured one.</summary>
    public async Task<AsterExchangeInfo> GetExchangeInfoAsync(CancellationToken ct)
    {
        var info = await ReadAsync<AsterExchangeInfo>(HttpMethod.Get, Path("exchangeInfo", "/fapi/v1/exchangeInfo"), [], signed: false, weight: 1, ct).ConfigureAwait(false);
        if (info.RateLimits.FirstOrDefault(l => l is { RateLimitType: "REQUEST_WEIGHT", Interval: "MINUTE", IntervalNum: 1 }) is { } weight)
            Interlocked.Exchange(ref _weightLimit, weight.Limit);
        return info;
    }

    public Task<AsterDepth> GetDepthAsync(string symbol, CancellationToken ct) =>
        ReadAsync<AsterDepth>(HttpMethod.Get, Path("depth", "/fapi/v1/depth"), [("symbol", symbol), ("limit", "1000")], signed: false, weight: 20, ct);

    /// <summary>Klines opening in [start, end], at most <paramref name="limit"/> (weight 10 above 1000, as Binance's).</summary>
    public Task<JsonElement[][]> GetKlinesAsync(string symbol, string interval, DateTimeOffset start, DateTimeOffset end, int limit, CancellationToken ct) =>
        ReadAsync<JsonElement[][]>(HttpMethod.Get, Path("klines", "/fapi/v1/klines"),
            [("symbol", symbol), ("interval", interval), ("startTime", Ms(start)), ("endTime", Ms(end)), ("limit", limit.ToString(CultureInfo.InvariantCulture))],
            signed: false, weight: limit > 1000 ? 10 : 5, ct);

    public Task<AsterOrder[]> GetOpenOrdersAsync(string symbol, CancellationToken ct) =>
        ReadAsync<AsterOrder[]>(HttpMethod.Get, Path("openOrders", "/fapi/v1/openOrders"), [("symbol", symbol)], signed: true, weight: 1, ct);

    /// <summary>One order by our client id; null when the venue has never seen it (-2013).</summary>
    public async Task<AsterOrder?> GetOrderAsync(string symbol, string clientOrderId, CancellationToken ct)
    {
        try
        {
            return await ReadAsync<AsterOrder>(HttpMethod.Get, Path("order", "/fapi/v1/order"), [("symbol", symbol), ("origClientOrderId", clientOrderId)],
                signed: true, weight: 1, ct).ConfigureAwait(false);
        }
        catch (AsterApiException e) when (e.Code == -2013)
        {
            return null;
        }
    }

    /// <summary>One order by the venue's id, for the client id a trade does not carry; null when the venue does not know it.</summary>
    public async Task<AsterOrder?> GetOrderByIdAsync(string symbol, long orderId, CancellationToken ct)
    {
        try
        {
            return await ReadAsync<AsterOrder>(HttpMethod.Get, Path("order", "/fapi/v1/order"), [("symbol", symbol), ("orderId", orderId.ToString(CultureInfo.InvariantCulture))],
                signed: true, weight: 1, ct).ConfigureAwait(false);
        }
        catch (AsterApiException e) when (e.Code == -2013)
        {
            return null;
        }
    }

    /// <param name="withdrawal">Lets the caller take the order back while it waits for the request limit (it then ends cancelled, unsent).</param>
    public async Task<AsterOrder> PlaceOrderAsync(IReadOnlyList<(string Name, string Value)> order, CancellationToken ct, PlaceWithdrawal? withdrawal = null) =>
        Deserialize<AsterOrder>(await SendAsync(HttpMethod.Post, Path("order", "/fapi/v1/order"), order, signed: true, weight: 1, isWrite: true, ct, withdrawal)
            .ConfigureAwait(false));

    /// <summary>Places up to 5 orders in one request; each result is the order or its own error, in the request's order.</summary>
    public async Task<JsonElement[]> PlaceOrdersAsync(IReadOnlyList<IReadOnlyList<(string Name, string Value)>> orders, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(orders.Count, 5);
        var list = JsonSerializer.Serialize(orders.Select(o => o.ToDictionary(p => p.Name, p => p.Value)));
        var text = await SendAsync(HttpMethod.Post, Path("batchOrders", "/fapi/v1/batchOrders"), [("batchOrders", list)], signed: true, weight: 5, isWrite: true, ct).ConfigureAwait(false);
        return Deserialize<JsonElement[]>(text);
    }

    /// <summary>Cancels one order by our client id (or the venue's id).</summary>
    public async Task<AsterOrder> CancelOrderAsync(string symbol, long? orderId, string? clientOrderId, CancellationToken ct)
    {
        (string, string) key = orderId is { } id ? ("orderId", id.ToString(CultureInfo.InvariantCulture))
            : ("origClientOrderId", clientOrderId ?? throw new ArgumentException("an order id or a client id is required"));
        return Deserialize<AsterOrder>(await SendAsync(HttpMethod.Delete, Path("order", "/fapi/v1/order"), [("symbol", symbol), key], signed: true, weight: 1, isWrite: true, ct)
            .ConfigureAwait(false));
    }

    /// <summary>Cancels up to 10 orders by our client ids in one request; each answer is the order or its own error, in the request's order.</summary>
    public async Task<JsonElement[]> CancelOrdersAsync(string symbol, IReadOnlyList<string> clientOrderIds, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(clientOrderIds.Count, 10);
        var list = JsonSerializer.Serialize(clientOrderIds);
        var text = await SendAsync(HttpMethod.Delete, Path("batchOrders", "/fapi/v1/batchOrders"), [("symbol", symbol), ("origClientOrderIdList", list)],
            signed: true, weight: 1, isWrite: true, ct).ConfigureAwait(false);
        return Deserialize<JsonElement[]>(text);
    }

    /// <summary>Cancels every resting order on the symbol, whoever placed it: for an operator's explicit request only.</summary>
    public Task<string> CancelAllOnSymbolAsync(string symbol, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, Path("allOpenOrders", "/fapi/v1/allOpenOrders"), [("symbol", symbol)], signed: true, weight: 1, isWrite: true, ct);

    /// <summary>The dead-man's switch: the venue cancels the symbol's orders unless this is repeated within <paramref name="countdown"/> (zero turns it off).</summary>
    public Task<string> CountdownCancelAllAsync(string symbol, TimeSpan countdown, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, Path("countdownCancelAll", "/fapi/v1/countdownCancelAll"),
            [("symbol", symbol), ("countdownTime", ((long)countdown.TotalMilliseconds).ToString(CultureInfo.InvariantCulture))], signed: true, weight: 10, isWrite: true, ct);

    /// <summary>Our trades on a symbol from <paramref name="startTime"/>, oldest first, one page (the venue's maximum is 1000).</summary>
    public Task<AsterTrade[]> GetUserTradesAsync(string symbol, DateTimeOffset startTime, int limit, CancellationToken ct) =>
        ReadAsync<AsterTrade[]>(HttpMethod.Get, Path("userTrades", "/fapi/v1/userTrades"),
            [("symbol", symbol), ("startTime", Ms(startTime)), ("limit", limit.ToString(CultureInfo.InvariantCulture))], signed: true, weight: 5, ct);

    /// <summary>Our trades on a symbol from trade id <paramref name="fromId"/> on, one page: how the pages after the first are read.</summary>
    public Task<AsterTrade[]> GetUserTradesFromIdAsync(string symbol, long fromId, int limit, CancellationToken ct) =>
        ReadAsync<AsterTrade[]>(HttpMethod.Get, Path("userTrades", "/fapi/v1/userTrades"),
            [("symbol", symbol), ("fromId", fromId.ToString(CultureInfo.InvariantCulture)), ("limit", limit.ToString(CultureInfo.InvariantCulture))], signed: true, weight: 5, ct);

    public Task<AsterPosition[]> GetPositionsAsync(CancellationToken ct) =>
        ReadAsync<AsterPosition[]>(HttpMethod.Get, Path("positionRisk", "/fapi/v2/positionRisk"), [], signed: true, weight: 5, ct);

    public Task<AsterBalance[]> GetBalancesAsync(CancellationToken ct) =>
        ReadAsync<AsterBalance[]>(HttpMethod.Get, Path("balance", "/fapi/v2/balance"), [], signed: true, weight: 5, ct);

    /// <summary>Funding payments on a symbol from <paramref name="startTime"/>, oldest first, one page.</summary>
    public Task<AsterIncome[]> GetFundingIncomeAsync(string symbol, DateTimeOffset startTime, int limit, CancellationToken ct) =>
        ReadAsync<AsterIncome[]>(HttpMethod.Get, Path("income", "/fapi/v1/income"),
            [("symbol", symbol), ("incomeType", "FUNDING_FEE"), ("startTime", Ms(startTime)), ("limit", limit.ToString(CultureInfo.InvariantCulture))],
            signed: true, weight: 30, ct);

    /// <summary>The rates of the symbol's funding settlements from <paramref name="startTime"/>, oldest first (public).</summary>
    public Task<AsterFundingRate[]> GetFundingRatesAsync(string symbol, DateTimeOffset startTime, int limit, CancellationToken ct) =>
        ReadAsync<AsterFundingRate[]>(HttpMethod.Get, Path("fundingRate", "/fapi/v1/fundingRate"),
            [("symbol", symbol), ("startTime", Ms(startTime)), ("limit", limit.ToString(CultureInfo.InvariantCulture))], signed: false, weight: 1, ct);

    /// <summary>A listen key for the user-data stream (valid 60 minutes unless kept alive). V3 signs it; V1 sends only the key header.</summary>
    public async Task<string> CreateListenKeyAsync(CancellationToken ct) =>
        Deserialize<AsterListenKey>(await SendAsync(HttpMethod.Post, Path("listenKey", "/fapi/v1/listenKey"), [], signed: !V1, weight: 1, isWrite: false, ct)
            .ConfigureAwait(false)).ListenKey;

    public Task<string> KeepAliveListenKeyAsync(CancellationToken ct) =>
        SendAsync(HttpMethod.Put, Path("listenKey", "/fapi/v1/listenKey"), [], signed: !V1, weight: 1, isWrite: false, ct);

    /// <summary>Closes the user-data stream of the current listen key.</summary>
    public Task<string> DeleteListenKeyAsync(CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, Path("listenKey", "/fapi/v1/listenKey"), [], signed: !V1, weight: 1, isWrite: false, ct);

    /// <summary>What the daemon's request budgets steer: this client's one gate.</summary>
    public RequestGates Gates { get; }

    public void Dispose() => _gate.Dispose();

    private string Path(string v3, string v1) => V1 ? v1 : "/fapi/v3/" + v3;

    private static string Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private async Task<T> ReadAsync<T>(HttpMethod method, string path, IReadOnlyList<(string Name, string Value)> parameters, bool signed, int weight, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return Deserialize<T>(await SendAsync(method, path, parameters, signed, weight, isWrite: false, ct).ConfigureAwait(false));
            }
            catch (Exception e) when (attempt < ReadAttempts && e is AsterOutcomeUnknownException or AsterApiException { IsRateLimit: true, IsBan: false })
            {
                // A read changes nothing, so it may be asked again: after the pause a 429 imposed, or a short backoff.
                if (_gate.PauseLeft() == TimeSpan.Zero)
                    await Task.Delay(TimeSpan.FromMilliseconds(100 << attempt), _time, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task<string> SendAsync(HttpMethod method, string path, IReadOnlyList<(string Name, string Value)> parameters, bool signed, int weight,
        bool isWrite, CancellationToken ct, PlaceWithdrawal? withdrawal = null)
    {
        await _gate.WaitAsync(ct, weight, withdrawal: withdrawal).ConfigureAwait(false);
        using var request = Build(method, path, parameters, signed); // signed after the wait, so the nonce is fresh
        var answer = await VenueHttp.ExchangeAsync(_http, request, $"{method} {path}", _options.RequestTimeout, isWrite,
            static (message, inner) => new AsterOutcomeUnknownException(message, inner), static message => new AsterApiException(0, 0, "connection failed: " + message), ct)
            .ConfigureAwait(false);
        WatchWeight(answer.Headers);
        if (answer.IsSuccess) return answer.Text;
        var error = TryError(answer.Text);
        var status = (int)answer.Status;
        if (status is 429 or 418 || error?.Code is -1003)
            _gate.Pause(VenueHttp.RetryAfter(answer.Headers.RetryAfter, status == 418 ? TimeSpan.FromMinutes(2) : TimeSpan.FromSeconds(1), _time));
        if (status >= 500)
            throw new AsterOutcomeUnknownException($"{method} {path}: HTTP {status} {error?.Msg ?? answer.Text}");
        throw new AsterApiException(answer.Status, error?.Code ?? -status, error?.Msg ?? answer.Text);
    }

    private HttpRequestMessage Build(HttpMethod method, string path, IReadOnlyList<(string Name, string Value)> parameters, bool signed)
    {
        var encoded = string.Join('&', parameters.Select(p => p.Name + "=" + Uri.EscapeDataString(p.Value)));
        string? apiKey = null;
        if (signed)
        {
            if (_signer is null) throw new InvalidOperationException("this Aster connector has no credentials");
            (encoded, apiKey) = _signer.Sign(encoded);
        }
        else if (V1 && path.EndsWith("listenKey", StringComparison.Ordinal))
        {
            apiKey = _signer!.V1ApiKey; // V1's USER_STREAM endpoints take the key header alone
        }
        var inBody = method == HttpMethod.Post || method == HttpMethod.Put;
        var request = new HttpRequestMessage(method, inBody || encoded.Length == 0 ? path : path + "?" + encoded);
        if (inBody) request.Content = new StringContent(encoded, Encoding.UTF8, new MediaTypeHeaderValue("application/x-www-form-urlencoded"));
        if (apiKey is not null) request.Headers.Add(AsterHmacSigner.ApiKeyHeader, apiKey);
        return request;
    }

    /// <summary>Past the headroom of the minute's weight, every request waits for the next minute: a 429 is never earned.</summary>
    private void WatchWeight(HttpResponseHeaders headers)
    {
        if (!headers.TryGetValues(UsedWeightHeader, out var values)
            || !int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var used)) return;
        if (used < Volatile.Read(ref _weightLimit) * _options.WeightHeadroom) return;
        var now = _time.GetUtcNow() + (_signer?.ClockOffset ?? TimeSpan.Zero);
        _gate.Pause(TimeSpan.FromSeconds(60 - now.Second) - TimeSpan.FromMilliseconds(now.Millisecond));
    }

    private static AsterError? TryError(string text) => VenueHttp.TryRead<AsterError>(text, AsterJson.Options) is { Msg: not null } e ? e : null;

    private static T Deserialize<T>(string text) =>
        JsonSerializer.Deserialize<T>(text, AsterJson.Options) ?? throw new AsterApiException(HttpStatusCode.OK, 0, "the venue answered with nothing");
}
