using System.Threading.Channels;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Trading.Tests;

/// <summary>Wraps a connector so a test can change what placing an order answers.</summary>
internal sealed class ScriptedConnector(IExchangeConnector inner) : IExchangeConnector
{
    public Func<PlaceOrderRequest, Func<PlaceOrderRequest, Task<PlaceOrderResult>>, Task<PlaceOrderResult>>? OnPlace { get; init; }

    /// <summary>While true, book events are swallowed: the stream stays connected but says nothing.</summary>
    public bool BookSilent { get; set; }

    private int _aliveMarks;

    /// <summary>How many times the book stream has said it is alive with nothing to send (and not been swallowed).</summary>
    public int AliveMarks => Volatile.Read(ref _aliveMarks);

    /// <summary>Fills the account stream loses (the venue still lists them in its fill history).</summary>
    public Func<VenueFill, bool>? DropFill { get; set; }

    public string Venue => inner.Venue;

    /// <summary>The client ids the engine numbers its orders with, in place of the venue's: a venue whose ids are numbers.</summary>
    public Func<string, DateTimeOffset, Orders.ClientOrderIds>? ClientIds { get; init; }

    public Orders.ClientOrderIds CreateClientOrderIds(string instanceName, DateTimeOffset runStart) =>
        ClientIds?.Invoke(instanceName, runStart) ?? inner.CreateClientOrderIds(instanceName, runStart);
    /// <summary>What the venue cannot do, taken from the inner connector's capabilities (a venue without market orders, say).</summary>
    public ConnectorCapabilities Lacks { get; init; }
    public ConnectorCapabilities Capabilities => inner.Capabilities & ~Lacks;
    public Task<IReadOnlyList<InstrumentSpec>> GetInstrumentsAsync(CancellationToken cancellationToken) => inner.GetInstrumentsAsync(cancellationToken);
    /// <summary>Awaited, with the call's token, before the venue is asked for the balances: a slow or failing venue.</summary>
    public Func<CancellationToken, Task>? BeforeBalances { get; set; }

    public async Task<IReadOnlyList<Balance>> GetBalancesAsync(CancellationToken cancellationToken)
    {
        if (BeforeBalances is { } wait) await wait(cancellationToken);
        return await inner.GetBalancesAsync(cancellationToken);
    }
    public Task<IReadOnlyList<Position>> GetPositionsAsync(CancellationToken cancellationToken) => inner.GetPositionsAsync(cancellationToken);
    /// <summary>Awaited, with the call's token, before the venue is asked for its open orders: a slow venue.</summary>
    public Func<CancellationToken, Task>? BeforeOpenOrders { get; set; }

    public async Task<IReadOnlyList<VenueOrder>> GetOpenOrdersAsync(string symbol, CancellationToken cancellationToken)
    {
        if (BeforeOpenOrders is { } wait) await wait(cancellationToken);
        return await inner.GetOpenOrdersAsync(symbol, cancellationToken);
    }
    public Task<VenueOrder?> GetOrderAsync(string symbol, string clientOrderId, CancellationToken cancellationToken) => inner.GetOrderAsync(symbol, clientOrderId, cancellationToken);

    public Task<PlaceOrderResult> PlaceOrderAsync(PlaceOrderRequest request, CancellationToken cancellationToken) =>
        OnPlace is null ? inner.PlaceOrderAsync(request, cancellationToken) : OnPlace(request, r => inner.PlaceOrderAsync(r, cancellationToken));

    public Func<CancelOrderRequest, Func<CancelOrderRequest, Task<CancelOrderResult>>, Task<CancelOrderResult>>? OnCancel { get; init; }

    public Task<CancelOrderResult> CancelOrderAsync(CancelOrderRequest request, CancellationToken cancellationToken) =>
        OnCancel is null ? inner.CancelOrderAsync(request, cancellationToken) : OnCancel(request, r => inner.CancelOrderAsync(r, cancellationToken));
    /// <summary>Runs once before the first cancel-all reaches the venue (the stop's): something that happens just as the run ends.</summary>
    public Action? BeforeCancelAll { get => _beforeCancelAll; set => _beforeCancelAll = value; }

    public Task<int> CancelAllAsync(string symbol, string? clientOrderIdPrefix, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _beforeCancelAll, null)?.Invoke();
        return inner.CancelAllAsync(symbol, clientOrderIdPrefix, cancellationToken);
    }

    private Action? _beforeCancelAll;
    public Task<IReadOnlyList<VenueFill>> GetFillsAsync(string symbol, DateTimeOffset since, CancellationToken cancellationToken) => inner.GetFillsAsync(symbol, since, cancellationToken);
    /// <summary>The times the engine asked for funding settlements from, in order.</summary>
    public List<DateTimeOffset> FundingAskedSince { get; } = [];

    public Task<IReadOnlyList<FundingPayment>> GetFundingPaymentsAsync(string symbol, DateTimeOffset since, CancellationToken cancellationToken)
    {
        lock (FundingAskedSince) FundingAskedSince.Add(since);
        return inner.GetFundingPaymentsAsync(symbol, since, cancellationToken);
    }
    public IAsyncEnumerable<MarketDataEvent> StreamOrderBookAsync(string symbol, CancellationToken cancellationToken) =>
        inner.StreamOrderBookAsync(symbol, cancellationToken).Where(e =>
        {
            if (BookSilent) return false;
            if (e is BookAliveEvent) Interlocked.Increment(ref _aliveMarks);
            return true;
        });
    public IAsyncEnumerable<AccountEvent> StreamAccountAsync(string symbol, CancellationToken cancellationToken) =>
        AccountStream(symbol, cancellationToken).Where(e => e is not FillEvent { Fill: var fill } || DropFill?.Invoke(fill) != true);

    private CancellationTokenSource _accountCut = new();

    /// <summary>While true, the account stream cannot connect; setting it cuts the one that is open.</summary>
    public bool AccountDown
    {
        get;
        set
        {
            field = value;
            if (value) _accountCut.Cancel();
            else _accountCut = new CancellationTokenSource();
        }
    }

    private Channel<AccountEvent>? _live;

    /// <summary>Puts an event on the open account stream, among the venue's, as if the venue had sent it.</summary>
    public void Inject(AccountEvent e) => Volatile.Read(ref _live)?.Writer.TryWrite(e);

    /// <summary>Tells on the account stream that the venue refused <paramref name="request"/> (Paradex and Lighter do, before their answer).</summary>
    public void InjectRefusal(PlaceOrderRequest request, DateTimeOffset now) =>
        Inject(new OrderUpdateEvent(new VenueOrder("closed-" + request.ClientOrderId, request.ClientOrderId, request.Symbol, request.Side, request.Type,
            request.TimeInForce, request.Price, request.Quantity, 0m, VenueOrderStatus.Rejected, request.PostOnly, request.ReduceOnly, now, now), now));

    // The venue's events are pumped into a channel that injected ones join; a cut stream ends with an IOException.
    private async IAsyncEnumerable<AccountEvent> AccountStream(string symbol, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (AccountDown) throw new IOException("account stream down");
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _accountCut.Token);
        var live = Channel.CreateUnbounded<AccountEvent>();
        Volatile.Write(ref _live, live);
        var pump = PumpAsync(inner.StreamAccountAsync(symbol, cut.Token), live.Writer, cut.Token, cancellationToken);
        try
        {
            await foreach (var e in live.Reader.ReadAllAsync(CancellationToken.None)) yield return e;
        }
        finally
        {
            await cut.CancelAsync();
            await pump;
        }
    }

    private static async Task PumpAsync(IAsyncEnumerable<AccountEvent> source, ChannelWriter<AccountEvent> to, CancellationToken cut, CancellationToken caller)
    {
        try
        {
            await foreach (var e in source.WithCancellation(cut)) to.TryWrite(e);
            to.TryComplete();
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            to.TryComplete(new IOException("account stream cut"));
        }
        catch (Exception ex)
        {
            to.TryComplete(ex);
        }
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
