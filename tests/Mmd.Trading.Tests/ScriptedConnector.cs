using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Trading.Tests;

/// <summary>Wraps a connector so a test can change what placing an order answers.</summary>
internal sealed class ScriptedConnector(IExchangeConnector inner) : IExchangeConnector
{
    public Func<PlaceOrderRequest, Func<PlaceOrderRequest, Task<PlaceOrderResult>>, Task<PlaceOrderResult>>? OnPlace { get; init; }

    /// <summary>While true, book events are swallowed: the stream stays connected but says nothing.</summary>
    public bool BookSilent { get; set; }

    /// <summary>Fills the account stream loses (the venue still lists them in its fill history).</summary>
    public Func<VenueFill, bool>? DropFill { get; set; }

    public string Venue => inner.Venue;
    public ConnectorCapabilities Capabilities => inner.Capabilities;
    public Task<IReadOnlyList<InstrumentSpec>> GetInstrumentsAsync(CancellationToken cancellationToken) => inner.GetInstrumentsAsync(cancellationToken);
    public Task<IReadOnlyList<Balance>> GetBalancesAsync(CancellationToken cancellationToken) => inner.GetBalancesAsync(cancellationToken);
    public Task<IReadOnlyList<Position>> GetPositionsAsync(CancellationToken cancellationToken) => inner.GetPositionsAsync(cancellationToken);
    public Task<IReadOnlyList<VenueOrder>> GetOpenOrdersAsync(string symbol, CancellationToken cancellationToken) => inner.GetOpenOrdersAsync(symbol, cancellationToken);
    public Task<VenueOrder?> GetOrderAsync(string symbol, string clientOrderId, CancellationToken cancellationToken) => inner.GetOrderAsync(symbol, clientOrderId, cancellationToken);

    public Task<PlaceOrderResult> PlaceOrderAsync(PlaceOrderRequest request, CancellationToken cancellationToken) =>
        OnPlace is null ? inner.PlaceOrderAsync(request, cancellationToken) : OnPlace(request, r => inner.PlaceOrderAsync(r, cancellationToken));

    public Task<CancelOrderResult> CancelOrderAsync(CancelOrderRequest request, CancellationToken cancellationToken) => inner.CancelOrderAsync(request, cancellationToken);
    public Task<int> CancelAllAsync(string symbol, string? clientOrderIdPrefix, CancellationToken cancellationToken) => inner.CancelAllAsync(symbol, clientOrderIdPrefix, cancellationToken);
    public Task<IReadOnlyList<VenueFill>> GetFillsAsync(string symbol, DateTimeOffset since, CancellationToken cancellationToken) => inner.GetFillsAsync(symbol, since, cancellationToken);
    public Task<IReadOnlyList<FundingPayment>> GetFundingPaymentsAsync(string symbol, DateTimeOffset since, CancellationToken cancellationToken) => inner.GetFundingPaymentsAsync(symbol, since, cancellationToken);
    public IAsyncEnumerable<MarketDataEvent> StreamOrderBookAsync(string symbol, CancellationToken cancellationToken) =>
        inner.StreamOrderBookAsync(symbol, cancellationToken).Where(_ => !BookSilent);
    public IAsyncEnumerable<AccountEvent> StreamAccountAsync(string symbol, CancellationToken cancellationToken) =>
        inner.StreamAccountAsync(symbol, cancellationToken).Where(e => e is not FillEvent { Fill: var fill } || DropFill?.Invoke(fill) != true);
    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
