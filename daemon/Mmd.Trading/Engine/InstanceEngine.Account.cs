using Mmd.Trading.Execution;

namespace Mmd.Trading.Engine;

/// <summary>The venue account one market of the instance trades on, as the venue answered just now.</summary>
/// <param name="Market">"quoted" or "hedge", as in <see cref="BookView"/>.</param>
/// <param name="SameAccountAsQuoted">A hedge market on the quoted market's connector: its balances and positions are the quoted view's.</param>
/// <param name="Error">Why the venue gave no answer; the lists are then empty.</param>
public sealed record AccountView(string Market, string Venue, string Symbol, DateTimeOffset ReadAt, IReadOnlyList<Balance> Balances,
    IReadOnlyList<Position> Positions, int OwnOpenOrders, int OtherOpenOrders, bool SameAccountAsQuoted, string? Error);

// The operator's look at the account (mmctl account): asked of the venue off the engine's loop, beside the trading, so a
// slow venue delays the answer and never a quote.
public sealed partial class InstanceEngine
{
    /// <summary>How long one market's account read may take before it is reported as not answered.</summary>
    public static readonly TimeSpan AccountReadTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Each market's account, the quoted market's first.</summary>
    public async Task<IReadOnlyList<AccountView>> ReadAccountsAsync(CancellationToken cancellationToken)
    {
        if (NotLive() is { } why) throw new InvalidOperationException(why);
        return await Task.WhenAll(Legs.Select(leg => ReadAccountAsync(leg, cancellationToken)));
    }

    private async Task<AccountView> ReadAccountAsync(MarketLeg leg, CancellationToken cancellationToken)
    {
        var market = leg.IsHedge ? "hedge" : "quoted";
        var sameAccount = leg.IsHedge && ReferenceEquals(leg.Connector, _primary.Connector);
        using var timeout = new CancellationTokenSource(AccountReadTimeout, _time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _io.Token, timeout.Token);
        var readAt = _time.GetUtcNow();
        try
        {
            var orders = leg.Connector.GetOpenOrdersAsync(leg.Symbol, deadline.Token);
            var balances = sameAccount ? Task.FromResult<IReadOnlyList<Balance>>([]) : leg.Connector.GetBalancesAsync(deadline.Token);
            var positions = sameAccount ? Task.FromResult<IReadOnlyList<Position>>([]) : leg.Connector.GetPositionsAsync(deadline.Token);
            await Task.WhenAll(orders, balances, positions);
            var own = orders.Result.Count(o => leg.Tracker.Owns(o.ClientOrderId));
            return new AccountView(market, leg.Connector.Venue, leg.Symbol, readAt, [.. balances.Result.Where(b => b.Total != 0).OrderBy(b => b.Asset, StringComparer.Ordinal)],
                [.. positions.Result.Where(p => p.Quantity != 0).OrderBy(p => p.Symbol, StringComparer.Ordinal)], own, orders.Result.Count - own, sameAccount, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(_io.IsCancellationRequested ? "the worker is stopping" : $"the venue did not answer within {AccountReadTimeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Failed(ex.Message);
        }

        AccountView Failed(string error) => new(market, leg.Connector.Venue, leg.Symbol, readAt, [], [], 0, 0, sameAccount, error);
    }
}
