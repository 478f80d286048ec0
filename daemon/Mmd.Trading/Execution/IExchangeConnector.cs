using Mmd.Trading.Primitives;

namespace Mmd.Trading.Execution;

/// <summary>
/// The port every venue implements (paper included). Only the order tracker calls the order methods;
/// strategies never see a connector. Every call may be cancelled.
/// </summary>
public interface IExchangeConnector : IAsyncDisposable
{
    string Venue { get; }

    ConnectorCapabilities Capabilities { get; }

    /// <summary>
    /// The client order ids this venue can carry for an instance's run. The default is the string form; a venue whose
    /// client id is a number supplies its own numbering behind the same instance prefix.
    /// </summary>
    Orders.ClientOrderIds CreateClientOrderIds(string instanceName, DateTimeOffset runStart) => new(instanceName, runStart);

    /// <summary>The venue's dead-man's switch as this connector keeps it; null when the venue has none or it is off.</summary>
    DeadManSwitchStatus? DeadManSwitchStatus => null;

    Task<IReadOnlyList<InstrumentSpec>> GetInstrumentsAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<Balance>> GetBalancesAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<Position>> GetPositionsAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<VenueOrder>> GetOpenOrdersAsync(string symbol, CancellationToken cancellationToken);

    /// <summary>Looks one order up by our client id; null when the venue has never seen it.</summary>
    Task<VenueOrder?> GetOrderAsync(string symbol, string clientOrderId, CancellationToken cancellationToken);

    Task<PlaceOrderResult> PlaceOrderAsync(PlaceOrderRequest request, CancellationToken cancellationToken);

    /// <summary>Cancels by venue id, or by client id when the venue id is null.</summary>
    Task<CancelOrderResult> CancelOrderAsync(CancelOrderRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Cancels the open orders on <paramref name="symbol"/> whose client id starts with
    /// <paramref name="clientOrderIdPrefix"/>; a null prefix cancels every order on the symbol (operator only).
    /// Returns how many cancels the venue accepted.
    /// </summary>
    Task<int> CancelAllAsync(string symbol, string? clientOrderIdPrefix, CancellationToken cancellationToken);

    /// <summary>Our fills on <paramref name="symbol"/> at or after <paramref name="since"/>, oldest first.</summary>
    Task<IReadOnlyList<VenueFill>> GetFillsAsync(string symbol, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>
    /// Funding settlements of the account on <paramref name="symbol"/> at or after <paramref name="since"/>, oldest
    /// first; empty for a venue without <see cref="ConnectorCapabilities.FundingHistory"/>.
    /// </summary>
    Task<IReadOnlyList<FundingPayment>> GetFundingPaymentsAsync(string symbol, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>The order book: a snapshot first, then deltas; a new snapshot after any loss.</summary>
    IAsyncEnumerable<MarketDataEvent> StreamOrderBookAsync(string symbol, CancellationToken cancellationToken);

    /// <summary>Order updates and fills of this account on <paramref name="symbol"/>.</summary>
    IAsyncEnumerable<AccountEvent> StreamAccountAsync(string symbol, CancellationToken cancellationToken);
}
