using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mmd.Exchanges.Shared;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Paradex;

/// <summary>
/// Paradex's REST API (exchanges.md §3.2-§3.6). Private calls carry a JWT from <c>POST /v1/auth</c>, which is signed as a
/// SNIP-12 <c>Request</c> with the account's STARK key and fetched again before its five minutes run out (and at once after
/// a 401); orders are signed one by one (<see cref="ParadexSigner"/>) at a timestamp on the venue's clock. Requests are
/// paced by the venue's two limits, reads and order writes, each a <see cref="RequestGate"/>; the answer says plainly whether the venue acted: an error body means it did
/// not (<see cref="ParadexApiException"/>); no answer or a 5xx means nobody knows (<see cref="ParadexOutcomeUnknownException"/>).
/// Reads are retried a few times; writes never are.
/// </summary>
public sealed class ParadexRestClient : IDisposable
{
    private const int ReadAttempts = 4;
    private readonly HttpClient _http;
    private readonly ParadexCredentials? _credentials;
    private readonly ParadexOptions _options;
    private readonly TimeProvider _time;
    // Paradex counts order writes and reads apart (exchanges.md §3.6), so each has its own bucket.
    private readonly RequestGate _reads;
    private readonly RequestGate _writes;
    private readonly SemaphoreSlim _authLock = new(1, 1);
    private ParadexSigner? _signer;
    private string? _jwt;
    private DateTimeOffset _jwtAt;
    private long _offsetTicks;

    public ParadexRestClient(HttpClient http, ParadexCredentials? credentials, ParadexOptions options, TimeProvider time)
    {
        _http = http;
        _http.BaseAddress ??= options.RestBaseUrl;
        _http.Timeout = Timeout.InfiniteTimeSpan; // each request carries its own deadline
        _credentials = credentials;
        _options = options;
        _time = time;
        _reads = new RequestGate(options.RequestsPerSecond, options.ReadBurst, time);
        _writes = new RequestGate(options.WritesPerSecond, options.WriteBurst, time);
        Gates = new RequestGates(_reads, _writes);
    }

    /// <summary>The venue's clock: what signatures are stamped with.</summary>
    public DateTimeOffset VenueNow => _time.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Measures the venue's clock against ours, halfway through the round trip.</summary>
    public async Task SyncClockAsync(CancellationToken ct)
    {
        var before = _time.GetUtcNow();
        var time = await ReadAsync<ParadexServerTime>(HttpMethod.Get, "/v1/system/time", [], auth: false, ct).ConfigureAwait(false);
        var after = _time.GetUtcNow();
        var offset = DateTimeOffset.FromUnixTimeMilliseconds(time.ServerTime) - (before + (after - before) / 2);
        Interlocked.Exchange(ref _offsetTicks, offset.Ticks);
    }

    /// <summary>The signer for the venue's chain (read once from <c>/v1/system/config</c>).</summary>
    public async Task<ParadexSigner> SignerAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _signer) is { } signer) return signer;
        if (_credentials is null) throw new InvalidOperationException("this Paradex connector has no credentials");
        var config = await ReadAsync<ParadexSystemConfig>(HttpMethod.Get, "/v1/system/config", [], auth: false, ct).ConfigureAwait(false);
        signer = new ParadexSigner(_credentials.PrivateKey, _credentials.Account, config.StarknetChainId);
        return Interlocked.CompareExchange(ref _signer, signer, null) ?? signer;
    }

    public async Task<ParadexMarket[]> GetMarketsAsync(CancellationToken ct) =>
        (await ReadAsync<ParadexResults<ParadexMarket>>(HttpMethod.Get, "/v1/markets", [], auth: false, ct).ConfigureAwait(false)).Results;

    /// <summary>
    /// <c>GET /v1/markets/klines</c>: rows of [start ms, open, high, low, close, volume] for the candles opening in
    /// [start, end] at a resolution in minutes (1, 3, 5, 15, 30 or 60).
    /// </summary>
    public async Task<JsonElement[][]> GetKlinesAsync(string market, int resolutionMinutes, DateTimeOffset start, DateTimeOffset end, CancellationToken ct) =>
        (await ReadAsync<ParadexResults<JsonElement[]>>(HttpMethod.Get, "/v1/markets/klines",
            [("symbol", market), ("resolution", resolutionMinutes.ToString(CultureInfo.InvariantCulture)),
             ("start_at", start.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)), ("end_at", end.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture))],
            auth: false, ct).ConfigureAwait(false)).Results;

    public async Task<ParadexOrder[]> GetOpenOrdersAsync(string market, CancellationToken ct) =>
        (await ReadAsync<ParadexResults<ParadexOrder>>(HttpMethod.Get, "/v1/orders", [("market", market)], auth: true, ct).ConfigureAwait(false)).Results;

    /// <summary>One order by the venue's id, open or closed; null when the venue does not know it.</summary>
    public async Task<ParadexOrder?> GetOrderAsync(string orderId, CancellationToken ct)
    {
        try
        {
            return await ReadAsync<ParadexOrder>(HttpMethod.Get, "/v1/orders/" + Uri.EscapeDataString(orderId), [], auth: true, ct).ConfigureAwait(false);
        }
        catch (ParadexApiException e) when (e.Status == HttpStatusCode.NotFound || e.Code == "ORDER_ID_NOT_FOUND")
        {
            return null;
        }
    }

    /// <summary>One order by our client id, open or closed (<c>/v1/orders-history</c>); null when the venue has never seen it.</summary>
    public async Task<ParadexOrder?> GetOrderByClientIdAsync(string market, string clientId, CancellationToken ct) =>
        (await ReadAsync<ParadexResults<ParadexOrder>>(HttpMethod.Get, "/v1/orders-history", [("market", market), ("client_id", clientId)], auth: true, ct)
            .ConfigureAwait(false)).Results.OrderByDescending(o => o.CreatedAt).FirstOrDefault();

    /// <summary>Signs the order at the venue's clock and places it; the answer is the order as accepted (NEW).</summary>
    /// <param name="withdrawal">Lets the caller take the order back while it waits for the request limit (it then ends cancelled, unsent).</param>
    public async Task<ParadexOrder> PlaceOrderAsync(string market, Side side, string type, decimal size, decimal? price, string instruction, string clientId,
        bool reduceOnly, CancellationToken ct, PlaceWithdrawal? withdrawal = null)
    {
        var signer = await SignerAsync(ct).ConfigureAwait(false);
        await _writes.WaitAsync(ct, withdrawal: withdrawal).ConfigureAwait(false); // before the stamp: a wait must not eat into recv_window
        var stamp = VenueNow.ToUnixTimeMilliseconds();
        var body = new ParadexNewOrder(market, side == Side.Buy ? "BUY" : "SELL", type, Amount(size), price is { } p ? Amount(p) : null, instruction,
            signer.SignOrder(stamp, market, side, type, size, price), stamp, clientId, reduceOnly ? ["REDUCE_ONLY"] : null,
            (long)_options.RecvWindow.TotalMilliseconds, SelfTradePrevention(instruction));
        var text = await SendAsync(HttpMethod.Post, "/v1/orders", [], JsonSerializer.Serialize(body, ParadexJson.Options), auth: true, isWrite: true, paced: false, ct)
            .ConfigureAwait(false);
        return Deserialize<ParadexOrder>(text);
    }

    /// <summary>
    /// An order that may take (a hedge, a reduction, a close) expires a resting order of the account's that it meets instead
    /// of itself (the venue's default, EXPIRE_TAKER): the engine keeps our own quotes out of its way, but after a second it
    /// goes regardless, and another instance on the account may quote there too. Not part of the signed order.
    /// </summary>
    private static string? SelfTradePrevention(string instruction) => instruction == "POST_ONLY" ? null : "EXPIRE_MAKER";

    /// <summary>Cancels one open order; the venue answers 204 and confirms on the <c>orders</c> channel.</summary>
    public Task CancelOrderAsync(string orderId, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, "/v1/orders/" + Uri.EscapeDataString(orderId), [], null, auth: true, isWrite: true, paced: true, ct);

    public Task CancelOrderByClientIdAsync(string market, string clientId, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, "/v1/orders/by_client_id/" + Uri.EscapeDataString(clientId), [("market", market)], null, auth: true, isWrite: true, paced: true, ct);

    /// <summary>Cancels every open order on the market, whoever placed it (the market as a query parameter: the seed sent it in a body, which cancelled every market).</summary>
    public Task CancelAllOnMarketAsync(string market, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, "/v1/orders", [("market", market)], null, auth: true, isWrite: true, paced: true, ct);

    /// <summary>Our fills on a market from <paramref name="since"/>, following the cursor to the end.</summary>
    public async Task<List<ParadexFill>> GetFillsAsync(string market, DateTimeOffset since, CancellationToken ct)
    {
        var fills = new List<ParadexFill>();
        string? cursor = null;
        do
        {
            List<(string, string)> query = [("market", market), ("start_at", Ms(since)), ("page_size", "100")];
            if (cursor is not null) query.Add(("cursor", cursor));
            var page = await ReadAsync<ParadexResults<ParadexFill>>(HttpMethod.Get, "/v1/fills", query, auth: true, ct).ConfigureAwait(false);
            fills.AddRange(page.Results);
            cursor = page.Results.Length == 0 ? null : page.Next;
        }
        while (cursor is not null);
        return fills;
    }

    public async Task<ParadexPosition[]> GetPositionsAsync(CancellationToken ct) =>
        (await ReadAsync<ParadexResults<ParadexPosition>>(HttpMethod.Get, "/v1/positions", [], auth: true, ct).ConfigureAwait(false)).Results;

    public async Task<ParadexBalance[]> GetBalancesAsync(CancellationToken ct) =>
        (await ReadAsync<ParadexResults<ParadexBalance>>(HttpMethod.Get, "/v1/balance", [], auth: true, ct).ConfigureAwait(false)).Results;

    public Task<ParadexAccount> GetAccountAsync(CancellationToken ct) =>
        ReadAsync<ParadexAccount>(HttpMethod.Get, "/v1/account", [], auth: true, ct);

    /// <summary>A JWT for the WebSocket's <c>auth</c> (and every private REST call): the cached one while it is fresh.</summary>
    public async Task<string> JwtAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _jwt) is { } jwt && _time.GetUtcNow() - _jwtAt < _options.JwtRefresh) return jwt;
        await _authLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_jwt is { } fresh && _time.GetUtcNow() - _jwtAt < _options.JwtRefresh) return fresh;
            var signer = await SignerAsync(ct).ConfigureAwait(false);
            var now = VenueNow.ToUnixTimeSeconds();
            var expiration = now + (long)_options.AuthSignatureLifetime.TotalSeconds;
            var headers = new (string, string)[]
            {
                ("PARADEX-STARKNET-ACCOUNT", StarkTypedData.Hex(signer.Account)),
                ("PARADEX-STARKNET-SIGNATURE", signer.SignAuth(now, expiration)),
                ("PARADEX-TIMESTAMP", now.ToString(CultureInfo.InvariantCulture)),
                ("PARADEX-SIGNATURE-EXPIRATION", expiration.ToString(CultureInfo.InvariantCulture)),
            };
            var text = await SendAsync(HttpMethod.Post, "/v1/auth", [], null, auth: false, isWrite: false, paced: true, ct, headers).ConfigureAwait(false);
            _jwt = Deserialize<ParadexJwt>(text).JwtToken;
            _jwtAt = _time.GetUtcNow();
            return _jwt;
        }
        finally
        {
            _authLock.Release();
        }
    }

    /// <summary>What the daemon's request budgets steer: both of this client's gates.</summary>
    public RequestGates Gates { get; }

    public void Dispose()
    {
        _reads.Dispose();
        _writes.Dispose();
        _authLock.Dispose();
    }

    private static string Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private static string Amount(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    private async Task<T> ReadAsync<T>(HttpMethod method, string path, IReadOnlyList<(string Name, string Value)> query, bool auth, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return Deserialize<T>(await SendAsync(method, path, query, null, auth, isWrite: false, paced: true, ct).ConfigureAwait(false));
            }
            catch (Exception e) when (attempt < ReadAttempts && e is ParadexOutcomeUnknownException or ParadexApiException { IsRateLimit: true })
            {
                // A read changes nothing, so it may be asked again: after the pause a 429 imposed, or a short backoff.
                if (_reads.PauseLeft() == TimeSpan.Zero)
                    await Task.Delay(TimeSpan.FromMilliseconds(100 << attempt), _time, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task<string> SendAsync(HttpMethod method, string path, IReadOnlyList<(string Name, string Value)> query, string? body, bool auth, bool isWrite,
        bool paced, CancellationToken ct, IReadOnlyList<(string Name, string Value)>? headers = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (paced) await GateOf(method, path).WaitAsync(ct).ConfigureAwait(false);
            paced = true; // a second attempt (after a 401) waits its turn like any request
            var jwt = auth ? await JwtAsync(ct).ConfigureAwait(false) : null;
            try
            {
                return await SendOnceAsync(method, path, query, body, jwt, headers, isWrite, ct).ConfigureAwait(false);
            }
            catch (ParadexApiException e) when (e.Status == HttpStatusCode.Unauthorized && jwt is not null && attempt == 1)
            {
                // The token lapsed or was revoked: the venue refused without acting, so a fresh token may ask again.
                Interlocked.CompareExchange(ref _jwt, null, jwt);
            }
        }
    }

    private async Task<string> SendOnceAsync(HttpMethod method, string path, IReadOnlyList<(string Name, string Value)> query, string? body, string? jwt,
        IReadOnlyList<(string Name, string Value)>? headers, bool isWrite, CancellationToken ct)
    {
        var target = query.Count == 0 ? path : path + "?" + string.Join('&', query.Select(p => p.Name + "=" + Uri.EscapeDataString(p.Value)));
        using var request = new HttpRequestMessage(method, target);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        if (jwt is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt);
        foreach (var (name, value) in headers ?? []) request.Headers.TryAddWithoutValidation(name, value);
        var answer = await VenueHttp.ExchangeAsync(_http, request, $"{method} {path}", _options.RequestTimeout, isWrite,
            static (message, inner) => new ParadexOutcomeUnknownException(message, inner), static message => new ParadexApiException(0, "CONNECTION_FAILED", message), ct)
            .ConfigureAwait(false);
        if (answer.IsSuccess) return answer.Text;
        var error = TryError(answer.Text);
        var status = (int)answer.Status;
        if (status == 429) GateOf(method, path).Pause(VenueHttp.RetryAfter(answer.Headers.RetryAfter, TimeSpan.FromSeconds(1), _time));
        if (status >= 500) throw new ParadexOutcomeUnknownException($"{method} {path}: HTTP {status} {error?.Message ?? answer.Text}");
        throw new ParadexApiException(answer.Status, error?.Error ?? "HTTP_" + status, error?.Message ?? answer.Text);
    }

    /// <summary>Order writes (POST, DELETE, PUT under /orders) have the venue's write limit; everything else its read limit.</summary>
    private RequestGate GateOf(HttpMethod method, string path) =>
        method != HttpMethod.Get && path.StartsWith("/v1/orders", StringComparison.Ordinal) ? _writes : _reads;

    private static ParadexError? TryError(string text) => VenueHttp.TryRead<ParadexError>(text, ParadexJson.Options) is { Error: not null } e ? e : null;

    private static T Deserialize<T>(string text) =>
        JsonSerializer.Deserialize<T>(text, ParadexJson.Options) ?? throw new ParadexApiException(HttpStatusCode.OK, "EMPTY", "the venue answered with nothing");
}
