using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Paper;

/// <summary>One account's view of the in-process paper venue, through the same port as every real venue.</summary>
public sealed class PaperConnector : IExchangeConnector, ICandleHistory
{
    private readonly PaperExchange _exchange;
    private readonly string _account;
    private readonly bool _ownsExchange;
    // Stepped delivery (a backtest): each open stream by a fixed name, and the events it may hand out before it is told
    // again; events handed out and readers back for the next (each came back once its last event was acted on).
    private long _handedOut, _cameBack;
    private readonly SortedDictionary<string, SteppedStream> _stepped = new(StringComparer.Ordinal);
    private volatile bool _stepping;
    private int _permitsOutstanding;
    private int _streamsOpened; // a stream reopened (a book resubscribed after a gap) comes after the one it replaces

    private sealed class SteppedStream(Func<int> unread)
    {
        public SemaphoreSlim Permit { get; } = new(0);
        public Func<int> Unread { get; } = unread;
    }

    public PaperConnector(PaperExchange exchange, string account, bool ownsExchange = false)
    {
        _exchange = exchange;
        _account = account;
        _ownsExchange = ownsExchange;
    }

    public string Venue => "paper";

    /// <summary>
    /// A backtest's delivery: the streams hand out an event only when <see cref="DeliverNext"/> says so, one at a time and
    /// in a fixed order of streams, so the engine hears a step's events in the same order every run, whatever the thread
    /// pool does (live, as the real venues, each stream delivers as it goes). Set before the first stream opens.
    /// </summary>
    public bool Stepped
    {
        get => _stepping;
        init => _stepping = value;
    }

    /// <summary>
    /// Stepped: lets the first stream (account streams before books, then by symbol) with an event waiting hand out one;
    /// false when no stream has one waiting. The caller waits for <see cref="Idle"/> before the next.
    /// </summary>
    public bool DeliverNext()
    {
        lock (_stepped)
        {
            foreach (var stream in _stepped.Values)
            {
                if (stream.Unread() == 0 || stream.Permit.CurrentCount > 0) continue;
                Interlocked.Increment(ref _permitsOutstanding);
                stream.Permit.Release();
                return true;
            }
            return false;
        }
    }

    /// <summary>Every event handed out has been acted on by its reader, which is back for the next, and none is let out but not yet taken.</summary>
    public bool Idle => Volatile.Read(ref _permitsOutstanding) == 0 && Interlocked.Read(ref _handedOut) == Interlocked.Read(ref _cameBack);

    /// <summary>Stepped delivery ends: every stream delivers as it goes, as when the engine stops and waits for its cancels to be confirmed.</summary>
    public void EndStepping()
    {
        lock (_stepped)
        {
            _stepping = false;
            foreach (var stream in _stepped.Values) stream.Permit.Release(int.MaxValue / 2); // whoever waits, and whoever is about to
        }
    }

    public ConnectorCapabilities Capabilities =>
        ConnectorCapabilities.Spot | ConnectorCapabilities.Perpetual | ConnectorCapabilities.PostOnly | ConnectorCapabilities.ReduceOnly
        | ConnectorCapabilities.ImmediateOrCancel | ConnectorCapabilities.FillOrKill | ConnectorCapabilities.MarketOrders | ConnectorCapabilities.CancelByClientId
        | ConnectorCapabilities.CancelAll | ConnectorCapabilities.OrderBookStream | ConnectorCapabilities.AccountStream
        | ConnectorCapabilities.FillHistory | ConnectorCapabilities.QueryOrderByClientId | ConnectorCapabilities.FundingHistory;

    /// <summary>The instance's own simulated market: its synthetic past, then its trades (<see cref="PaperExchange.Candles"/>).</summary>
    public Task<IReadOnlyList<Candle>> GetCandlesAsync(string symbol, TimeSpan interval, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken) =>
        Task.FromResult(_exchange.Candles(symbol, interval, since, until) ?? throw new ArgumentException($"the paper venue lists no {symbol}", nameof(symbol)));

    public Task<IReadOnlyList<InstrumentSpec>> GetInstrumentsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(_exchange.Instruments);

    public Task<IReadOnlyList<Balance>> GetBalancesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(_exchange.Balances(_account));

    public Task<IReadOnlyList<Position>> GetPositionsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(_exchange.Positions(_account));

    public Task<IReadOnlyList<VenueOrder>> GetOpenOrdersAsync(string symbol, CancellationToken cancellationToken) =>
        Task.FromResult(_exchange.OpenOrders(_account, symbol));

    public Task<VenueOrder?> GetOrderAsync(string symbol, string clientOrderId, CancellationToken cancellationToken) =>
        Task.FromResult(_exchange.GetOrder(_account, symbol, clientOrderId));

    public Task<PlaceOrderResult> PlaceOrderAsync(PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_exchange.Place(_account, request));
    }

    public Task<CancelOrderResult> CancelOrderAsync(CancelOrderRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_exchange.Cancel(_account, request));
    }

    public Task<int> CancelAllAsync(string symbol, string? clientOrderIdPrefix, CancellationToken cancellationToken) =>
        Task.FromResult(_exchange.CancelAll(_account, symbol, clientOrderIdPrefix));

    public Task<IReadOnlyList<FundingPayment>> GetFundingPaymentsAsync(string symbol, DateTimeOffset since, CancellationToken cancellationToken) =>
        Task.FromResult(_exchange.Funding(_account, symbol, since));

    public Task<IReadOnlyList<VenueFill>> GetFillsAsync(string symbol, DateTimeOffset since, CancellationToken cancellationToken) =>
        Task.FromResult(_exchange.Fills(_account, symbol, since));

    // Both streams subscribe when called, not when first enumerated: the caller's catch-up then covers the gap.
    public async IAsyncEnumerable<MarketDataEvent> StreamOrderBookAsync(string symbol, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var book = _exchange.SubscribeBook(symbol, out var unsubscribe);
        var time = _exchange.Time;
        if (_stepping)
        {
            // The quiet spell's mark takes its turn as any event: due once the simulated clock has passed the spell.
            await foreach (var e in SteppedAsync(book, $"book:{symbol}", unsubscribe, () => new BookAliveEvent(symbol, time.GetUtcNow()), cancellationToken))
                yield return e;
            yield break;
        }
        try
        {
            // The venue is in this process: while its stream is open it is alive, and a quiet spell says so.
            await foreach (var e in Shared.QuietMarks.ReadAsync(book, _exchange.Settings.BookAliveInterval, time, static () => true, cancellationToken))
                yield return e ?? new BookAliveEvent(symbol, time.GetUtcNow());
        }
        finally
        {
            unsubscribe();
        }
    }

    public IAsyncEnumerable<AccountEvent> StreamAccountAsync(string symbol, CancellationToken cancellationToken)
    {
        var account = _exchange.SubscribeAccount(_account, symbol, out var unsubscribe);
        return _stepping ? SteppedAsync(account, $"account:{symbol}", unsubscribe, quietMark: null, cancellationToken) : ReadAll(account, unsubscribe, cancellationToken);
    }

    private static async IAsyncEnumerable<T> ReadAll<T>(ChannelReader<T> reader, Action unsubscribe, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var item in reader.ReadAllAsync(cancellationToken)) yield return item;
        }
        finally
        {
            unsubscribe();
        }
    }

    /// <summary>
    /// A stream of a stepped connector: an event (or a quiet spell's mark) only at its turn (<see cref="DeliverNext"/>);
    /// once stepping ends, each as it comes.
    /// </summary>
    private async IAsyncEnumerable<T> SteppedAsync<T>(ChannelReader<T> reader, string name, Action unsubscribe, Func<T>? quietMark,
        [EnumeratorCancellation] CancellationToken cancellationToken) where T : class
    {
        var time = _exchange.Time;
        var lastHeard = time.GetUtcNow();
        bool MarkDue() => quietMark is not null && time.GetUtcNow() - lastHeard >= _exchange.Settings.BookAliveInterval;
        var stream = new SteppedStream(() => reader.Count + (MarkDue() ? 1 : 0));
        string key;
        lock (_stepped) _stepped.Add(key = $"{name}#{++_streamsOpened:D9}", stream);
        try
        {
            while (true)
            {
                var turn = _stepping;
                if (turn) await stream.Permit.WaitAsync(cancellationToken);
                T? item = null;
                if (reader.TryRead(out var read)) item = read;
                else if (turn && MarkDue()) item = quietMark!();
                if (item is null)
                {
                    if (turn && _stepping) Interlocked.Decrement(ref _permitsOutstanding); // a turn with nothing to give, given back
                    if (turn) continue; // (or stepping ended as the turn was taken: read as it comes from here)
                    if (!await reader.WaitToReadAsync(cancellationToken)) yield break;
                    continue;
                }
                Interlocked.Increment(ref _handedOut);
                lastHeard = time.GetUtcNow();
                // The turn is spent once the event is out (not when it is granted): Idle never sees a gap between the two.
                if (turn && _stepping) Interlocked.Decrement(ref _permitsOutstanding);
                yield return item;
                Interlocked.Increment(ref _cameBack);
            }
        }
        finally
        {
            lock (_stepped)
            {
                // A stream closed with a turn given and not taken (its reader cancelled) leaves no turn owed.
                if (_stepping && stream.Permit.CurrentCount > 0) Interlocked.Decrement(ref _permitsOutstanding);
                _stepped.Remove(key);
            }
            unsubscribe();
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_ownsExchange) _exchange.Dispose();
        return ValueTask.CompletedTask;
    }
}
