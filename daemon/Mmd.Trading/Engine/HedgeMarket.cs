using Mmd.Trading.Execution;

namespace Mmd.Trading.Engine;

/// <summary>
/// Where a cross-market hedge sends its hedges: a connector (the instance's own when the venue is the same), a symbol, and
/// the journal scoped to that venue and symbol, so each market's orders and fills are reconciled on their own.
/// </summary>
public sealed record HedgeMarket(IExchangeConnector Connector, string Symbol, ITradingJournal Journal);
