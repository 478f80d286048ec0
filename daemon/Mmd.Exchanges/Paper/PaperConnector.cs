using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Paper;

/// <summary>One account's view of the in-process paper venue, through the same port as every real venue.</summary>
public sealed class PaperConnector : IExchangeConnector
{
    private readonly PaperExchange _exchange;
    private readonly string _account;
    private readonly bool _ownsExchange;
    // What the streams' readers hold: the channels' unread items, and items handed out whose reader has not come back for
    // the next one (it is still acting on them). A backtest steps the simulated clock once both are none.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<object, Func<int>> _unread = new();
    private long _handedOut, _cameBack;

    public PaperConnector(PaperExchange exchange, string account, bool ownsExchange = false)
    {
        _exchange = exchange;
        _account = account;
        _ownsExchange = ownsExchange;
    }

    public string Venue => "paper";

    /// <summary>
    /// Every event the venue has published to this connector's open streams has been taken by their readers, which came
    /// back for more: a reader that writes each event on into its own queue has queued them all.
    /// </summary>
    public bool Drained => Interlocked.Read(ref _handedOut) == Interlocked.Read(ref _cameBack) && _unread.Values.All(count => count() == 0);

    public ConnectorCapabilities Capabilities =>
        ConnectorCapabilities.Spot | ConnectorCapabilities.Perpetual | ConnectorCapabilities.PostOnly | ConnectorCapabilities.ReduceOnly
        | ConnectorCapabilities.ImmediateOrCancel | ConnectorCapabilities.FillOrKill | ConnectorCapabilities.MarketOrders | ConnectorCapabilities.CancelByClientId
        | ConnectorCapabilities.CancelAll | ConnectorCapabilities.OrderBookStream | ConnectorCapabilities.AccountStream
        | ConnectorCapabilities.FillHistory | ConnectorCapabilities.QueryOrderByClientId | ConnectorCapabilities.FundingHistory;

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
        _unread[book] = () => book.Count;
        try
        {
            // The venue is in this process: while its stream is open it is alive, and a quiet spell says so.
            var time = _exchange.Time;
            await foreach (var e in Shared.QuietMarks.ReadAsync(book, _exchange.Settings.BookAliveInterval, time, static () => true, cancellationToken))
            {
                Interlocked.Increment(ref _handedOut);
                yield return e ?? new BookAliveEvent(symbol, time.GetUtcNow());
                Interlocked.Increment(ref _cameBack);
            }
        }
        finally
        {
            _unread.TryRemove(book, out _);
            unsubscribe();
        }
    }

    public IAsyncEnumerable<AccountEvent> StreamAccountAsync(string symbol, CancellationToken cancellationToken) =>
        ReadAll(_exchange.SubscribeAccount(_account, symbol, out var unsubscribe), unsubscribe, cancellationToken);

    private async IAsyncEnumerable<T> ReadAll<T>(ChannelReader<T> reader, Action unsubscribe, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _unread[reader] = () => reader.Count;
        try
        {
            await foreach (var item in reader.ReadAllAsync(cancellationToken))
            {
                Interlocked.Increment(ref _handedOut);
                yield return item;
                Interlocked.Increment(ref _cameBack);
            }
        }
        finally
        {
            _unread.TryRemove(reader, out _);
            unsubscribe();
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_ownsExchange) _exchange.Dispose();
        return ValueTask.CompletedTask;
    }
}
