using System.Globalization;
using System.Net;
using System.Text.Json;
using Mmd.Exchanges.Shared;
using Mmd.Trading.Execution;

namespace Mmd.Exchanges.Lighter;

/// <summary>
/// Lighter's REST API (exchanges.md §4.2-§4.8). Private reads carry an auth token (<c>authorization</c> header) signed
/// with the API key and renewed before it lapses. Writes are L2 transactions: signed with the API key's next nonce and
/// sent through <c>POST /api/v1/sendTx</c>, one at a time, because the venue takes each key's nonces strictly in order.
/// A nonce the venue refuses (21104) is read again and the transaction signed again and resent: a refusal means it did
/// nothing. An unanswered transaction is unknown, never resent; its nonce may be spent, so the next one is read again.
/// Reads and transactions wait their turn at a <see cref="RequestGate"/> each (the venue weighs them fifty to one); reads
/// are retried a few times, transactions never.
/// </summary>
public sealed class LighterRestClient : IDisposable
{
    private const int ReadAttempts = 4;
    private const int InactivePages = 3;
    private const int PageSize = 100;
    private readonly HttpClient _http;
    private readonly LighterOptions _options;
    private readonly TimeProvider _time;
    private readonly RequestGate _reads;
    private readonly RequestGate _transactions;
    private readonly SemaphoreSlim _txLock = new(1, 1);
    private readonly Lock _tokenGate = new();
    private long? _nextNonce;
    private string? _token;
    private DateTimeOffset _tokenRenewAt;

    public LighterRestClient(HttpClient http, LighterCredentials? credentials, LighterOptions options, TimeProvider time)
    {
        _http = http;
        _http.BaseAddress ??= options.RestBaseUrl;
        _http.Timeout = Timeout.InfiniteTimeSpan; // each request carries its own deadline
        _options = options;
        _time = time;
        _reads = new RequestGate(options.RequestsPerSecond, options.ReadBurst, time);
        _transactions = new RequestGate(options.TransactionsPerSecond, options.TransactionBurst, time);
        Gates = new RequestGates(_reads, _transactions);
        Signer = credentials is null ? null : new LighterSigner(credentials.PrivateKey, credentials.AccountIndex, credentials.ApiKeyIndex, options.EffectiveChainId);
    }

    public LighterSigner? Signer { get; }

    private LighterSigner RequireSigner() => Signer ?? throw new InvalidOperationException("this Lighter connector has no credentials");

    private string Account => RequireSigner().AccountIndex.ToString(CultureInfo.InvariantCulture);

    public async Task<LighterMarket[]> GetMarketsAsync(CancellationToken ct) =>
        (await ReadAsync<LighterOrderBookDetails>("/api/v1/orderBookDetails", [], auth: false, ct).ConfigureAwait(false)).OrderBookDetails;

    /// <summary>The candles opening in [start, end] (milliseconds), the latest <paramref name="count"/> of them.</summary>
    public async Task<IReadOnlyList<Trading.Execution.Candle>> GetCandlesAsync(int marketId, string resolution, DateTimeOffset start, DateTimeOffset end, int count, CancellationToken ct) =>
        LighterCandles.Parse(await ReadAsync<JsonElement>("/api/v1/candles",
            [("market_id", Id(marketId)), ("resolution", resolution), ("start_timestamp", start.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
             ("end_timestamp", end.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)), ("count_back", count.ToString(CultureInfo.InvariantCulture))],
            auth: false, ct).ConfigureAwait(false));

    public async Task<LighterAccount?> GetAccountAsync(CancellationToken ct) =>
        (await ReadAsync<LighterAccounts>("/api/v1/account", [("by", "index"), ("value", Account)], auth: false, ct).ConfigureAwait(false)).Accounts.FirstOrDefault();

    /// <summary>The public key the venue holds for our API key index; null when none is registered there.</summary>
    public async Task<string?> GetRegisteredPublicKeyAsync(CancellationToken ct)
    {
        var signer = RequireSigner();
        var keys = await ReadAsync<LighterApiKeys>("/api/v1/apikeys",
            [("account_index", Account), ("api_key_index", signer.ApiKeyIndex.ToString(CultureInfo.InvariantCulture))], auth: false, ct).ConfigureAwait(false);
        return keys.ApiKeys.FirstOrDefault(k => k.AccountIndex == signer.AccountIndex && k.ApiKeyIndex == signer.ApiKeyIndex)?.PublicKey;
    }

    public async Task<LighterOrder[]> GetActiveOrdersAsync(int marketId, CancellationToken ct) =>
        (await ReadAsync<LighterOrders>("/api/v1/accountActiveOrders", [("account_index", Account), ("market_id", Id(marketId))], auth: true, ct, urgent: true)
            .ConfigureAwait(false)).Orders;

    /// <summary>An order of ours by client order index or order index, open or ended (the newest few pages of the ended ones); null when the venue has none.</summary>
    public async Task<LighterOrder?> FindOrderAsync(int marketId, Func<LighterOrder, bool> match, CancellationToken ct)
    {
        if ((await GetActiveOrdersAsync(marketId, ct).ConfigureAwait(false)).FirstOrDefault(match) is { } open) return open;
        string? cursor = null;
        for (var page = 0; page < InactivePages; page++)
        {
            List<(string, string)> query = [("account_index", Account), ("market_id", Id(marketId)), ("limit", Id(PageSize))];
            if (cursor is not null) query.Add(("cursor", cursor));
            var ended = await ReadAsync<LighterOrders>("/api/v1/accountInactiveOrders", query, auth: true, ct, urgent: true).ConfigureAwait(false);
            if (ended.Orders.FirstOrDefault(match) is { } found) return found;
            if (ended.NextCursor is not { Length: > 0 } next || ended.Orders.Length < PageSize) break;
            cursor = next;
        }
        return null;
    }

    /// <summary>Our trades on a market from <paramref name="since"/>, newest pages first until older ones begin.</summary>
    public async Task<List<LighterTrade>> GetTradesAsync(int marketId, DateTimeOffset since, CancellationToken ct)
    {
        var trades = new List<LighterTrade>();
        string? cursor = null;
        var sinceMs = since.ToUnixTimeMilliseconds();
        while (true)
        {
            List<(string, string)> query = [("account_index", Account), ("market_id", Id(marketId)), ("sort_by", "timestamp"), ("sort_dir", "desc"), ("limit", Id(PageSize))];
            if (cursor is not null) query.Add(("cursor", cursor));
            var page = await ReadAsync<LighterTrades>("/api/v1/trades", query, auth: true, ct).ConfigureAwait(false);
            trades.AddRange(page.Trades.Where(t => t.Timestamp >= sinceMs));
            if (page.Trades.Length < PageSize || page.Trades[^1].Timestamp < sinceMs || page.NextCursor is not { Length: > 0 } next) return trades;
            cursor = next;
        }
    }

    /// <summary>
    /// The account's funding settlements on a market at or after <paramref name="since"/> (a whole second: the venue keeps
    /// seconds), newest first, page by page.
    /// </summary>
    public async Task<List<LighterPositionFunding>> GetPositionFundingsAsync(int marketId, DateTimeOffset since, CancellationToken ct)
    {
        var fundings = new List<LighterPositionFunding>();
        string? cursor = null;
        var sinceSeconds = since.ToUnixTimeSeconds();
        while (true)
        {
            List<(string, string)> query = [("account_index", Account), ("market_id", Id(marketId)), ("side", "all"), ("limit", Id(PageSize))];
            if (cursor is not null) query.Add(("cursor", cursor));
            var page = await ReadAsync<LighterPositionFundings>("/api/v1/positionFunding", query, auth: true, ct).ConfigureAwait(false);
            fundings.AddRange(page.PositionFundings.Where(f => f.Timestamp >= sinceSeconds));
            if (page.PositionFundings.Length < PageSize || page.PositionFundings[^1].Timestamp < sinceSeconds || page.NextCursor is not { Length: > 0 } next)
                return fundings;
            cursor = next;
        }
    }

    /// <summary>
    /// Signs <paramref name="build"/>'s transaction with the API key's next nonce and sends it; the answer is its tx hash.
    /// Transactions go one at a time, in nonce order. With a <paramref name="withdrawal"/> (an order's), the caller may take
    /// the transaction back until it is let go to be signed and sent: it then ends cancelled, its nonce unspent.
    /// </summary>
    public async Task<string> SendTxAsync(Func<long, long, LighterTx> build, CancellationToken ct, PlaceWithdrawal? withdrawal = null)
    {
        var signer = RequireSigner();
        // A transaction queues for the key's lock before the limit: it may be taken back there too.
        using (var either = withdrawal?.ArmedWith(ct))
            await _txLock.WaitAsync(either?.Token ?? ct).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var nonce = _nextNonce ??= await ReadNextNonceAsync(ct).ConfigureAwait(false);
                await _transactions.WaitAsync(ct, withdrawal: withdrawal).ConfigureAwait(false);
                var tx = build(nonce, (_time.GetUtcNow() + _options.TxLifetime).ToUnixTimeMilliseconds());
                var (txInfo, txHash) = signer.Sign(tx);
                try
                {
                    var answer = await SendTxOnceAsync(tx.Type, txInfo, ct).ConfigureAwait(false);
                    _nextNonce = nonce + 1;
                    return answer.TxHash ?? txHash;
                }
                catch (LighterApiException e) when (e.Code == LighterApiException.InvalidNonce && attempt == 1)
                {
                    _nextNonce = null; // another client of this key moved it on: read it and sign again
                }
                catch
                {
                    _nextNonce = null; // refused or unknown: whether the nonce was spent, only the venue knows
                    throw;
                }
            }
        }
        finally
        {
            _txLock.Release();
        }
    }

    private async Task<long> ReadNextNonceAsync(CancellationToken ct)
    {
        var signer = RequireSigner();
        return (await ReadAsync<LighterNextNonce>("/api/v1/nextNonce",
            [("account_index", Account), ("api_key_index", signer.ApiKeyIndex.ToString(CultureInfo.InvariantCulture))], auth: false, ct, urgent: true).ConfigureAwait(false)).Nonce;
    }

    private async Task<LighterSendTxResult> SendTxOnceAsync(LighterTxType type, string txInfo, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sendTx")
        {
            Content = new MultipartFormDataContent
            {
                { new StringContent(((int)type).ToString(CultureInfo.InvariantCulture)), "tx_type" },
                { new StringContent(txInfo), "tx_info" },
                { new StringContent("true"), "price_protection" },
            },
        };
        var text = await ExchangeAsync(request, "POST /api/v1/sendTx", _transactions, ct).ConfigureAwait(false);
        return Deserialize<LighterSendTxResult>(text);
    }

    /// <summary>The auth token for private reads and streams: the current one until a minute before it lapses.</summary>
    public string AuthToken()
    {
        var signer = RequireSigner();
        lock (_tokenGate)
        {
            var now = _time.GetUtcNow();
            if (_token is null || now >= _tokenRenewAt)
            {
                _token = signer.AuthToken((now + _options.AuthTokenLifetime).ToUnixTimeSeconds());
                _tokenRenewAt = now + _options.AuthTokenLifetime - TimeSpan.FromMinutes(1);
            }
            return _token;
        }
    }

    /// <summary>What the daemon's request budgets steer: both of this client's gates.</summary>
    public RequestGates Gates { get; }

    public void Dispose()
    {
        _reads.Dispose();
        _transactions.Dispose();
        _txLock.Dispose();
    }

    private static string Id(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <param name="urgent">
    /// A read that settles an order of ours (its state, the nonce its transaction needs): it goes before the routine ones
    /// (balances, trades, funding) waiting at the read gate, where they could hold it for many seconds.
    /// </param>
    private async Task<T> ReadAsync<T>(string path, List<(string Name, string Value)> query, bool auth, CancellationToken ct, bool urgent = false)
    {
        for (var attempt = 1; ; attempt++)
        {
            await _reads.WaitAsync(ct, urgent: urgent).ConfigureAwait(false);
            var target = query.Count == 0 ? path : path + "?" + string.Join('&', query.Select(p => p.Name + "=" + Uri.EscapeDataString(p.Value)));
            using var request = new HttpRequestMessage(HttpMethod.Get, target);
            if (auth) request.Headers.TryAddWithoutValidation("authorization", AuthToken());
            try
            {
                return Deserialize<T>(await ExchangeAsync(request, "GET " + path, _reads, ct).ConfigureAwait(false));
            }
            catch (Exception e) when (attempt < ReadAttempts && e is LighterOutcomeUnknownException or LighterApiException { IsRateLimit: true })
            {
                // A read changes nothing, so it may be asked again: after the pause a 429 imposed, or a short backoff.
                if (_reads.PauseLeft() == TimeSpan.Zero)
                    await Task.Delay(TimeSpan.FromMilliseconds(100 << attempt), _time, ct).ConfigureAwait(false);
            }
        }
    }

    /// <param name="gate">The gate the request waited at: a 429 pauses it, and only it.</param>
    private async Task<string> ExchangeAsync(HttpRequestMessage request, string what, RequestGate gate, CancellationToken ct)
    {
        var answer = await VenueHttp.ExchangeAsync(_http, request, what, _options.RequestTimeout, isWrite: gate == _transactions,
            static (message, inner) => new LighterOutcomeUnknownException(message, inner),
            static message => new LighterApiException(0, 0, "connection failed, nothing sent: " + message), ct).ConfigureAwait(false);
        var error = VenueHttp.TryRead<LighterError>(answer.Text, LighterJson.Options);
        if (answer.IsSuccess && error is null or { Code: 200 or 0 }) return answer.Text;
        var status = (int)answer.Status;
        if (status == 429) gate.Pause(VenueHttp.RetryAfter(answer.Headers.RetryAfter, TimeSpan.FromSeconds(1), _time));
        if (status >= 500) throw new LighterOutcomeUnknownException($"{what}: HTTP {status} {error?.Message ?? answer.Text}");
        throw new LighterApiException(answer.Status, error?.Code ?? status, error?.Message ?? answer.Text);
    }

    private static T Deserialize<T>(string text) =>
        JsonSerializer.Deserialize<T>(text, LighterJson.Options) ?? throw new LighterApiException(HttpStatusCode.OK, 0, "the venue answered with nothing");
}
