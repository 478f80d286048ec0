using Mmd.Configuration;
using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Worker;

namespace Mmd.Hosting;

/// <summary>One account to read: a venue, and the symbol whose open orders to list (none: balances and positions only).</summary>
/// <param name="Market">"quoted" or "hedge" for an instance's markets; null for a venue read on its own.</param>
public sealed record AccountTarget(string Venue, string? Symbol, string? Market);

/// <summary>An open order on the symbol read, and whether it is the instance's own (by its client order id prefix).</summary>
public sealed record AccountOrder(VenueOrder Order, bool Own);

/// <summary>
/// A venue account as the venue answered just now. <paramref name="Orders"/> is null when no symbol was read;
/// <paramref name="SameAccountAsQuoted"/>: a hedge market on the quoted market's venue, whose balances and positions are
/// the quoted market's (read once). <paramref name="Error"/>: why the venue gave no answer (the lists are then empty).
/// </summary>
public sealed record AccountRead(AccountTarget Target, DateTimeOffset ReadAt, IReadOnlyList<Balance> Balances, IReadOnlyList<Position> Positions,
    IReadOnlyList<AccountOrder>? Orders, bool SameAccountAsQuoted, string? Error);

/// <summary>
/// <c>mmd account</c>'s reads: each venue connected once (<see cref="VenueSession"/>), asked for balances, positions and
/// the open orders of the symbols, and let go. Only reads: nothing is placed, cancelled or armed, so it is safe beside an
/// instance that trades the account.
/// </summary>
public static class AccountReader
{
    /// <param name="owner">The instance whose orders are its own; null: none is.</param>
    public static async Task<IReadOnlyList<AccountRead>> ReadAsync(IReadOnlyList<AccountTarget> targets, VenueSettings settings, string? owner,
        DaemonConfig config, TimeProvider time, CancellationToken cancellationToken)
    {
        var reads = targets.GroupBy(t => t.Venue, StringComparer.Ordinal)
            .Select(venue => ReadVenueAsync([.. venue], settings, owner, config, time, cancellationToken)).ToList();
        var results = await Task.WhenAll(reads);
        return [.. targets.Select(t => results.SelectMany(r => r).First(r => ReferenceEquals(r.Target, t)))];
    }

    private static async Task<IReadOnlyList<AccountRead>> ReadVenueAsync(IReadOnlyList<AccountTarget> targets, VenueSettings settings, string? owner,
        DaemonConfig config, TimeProvider time, CancellationToken cancellationToken)
    {
        var readAt = time.GetUtcNow();
        var (reads, error) = await VenueSession.ReadAsync(targets[0].Venue, settings, config, time, async (connector, deadline) =>
        {
            var balances = connector.GetBalancesAsync(deadline);
            var positions = connector.GetPositionsAsync(deadline);
            var orders = targets.Select(t => t.Symbol is { } symbol ? connector.GetOpenOrdersAsync(symbol, deadline) : null).ToList();
            await Task.WhenAll(orders.OfType<Task<IReadOnlyList<VenueOrder>>>().Append<Task>(balances).Append(positions));
            return targets.Select((target, i) => new AccountRead(target, readAt,
                i == 0 ? [.. balances.Result.Where(b => b.Total != 0).OrderBy(b => b.Asset, StringComparer.Ordinal)] : [],
                i == 0 ? [.. positions.Result.Where(p => p.Quantity != 0).OrderBy(p => p.Symbol, StringComparer.Ordinal)] : [],
                orders[i] is { } open ? [.. BookOrder(open.Result).Select(o => new AccountOrder(o, owner is not null && ClientOrderIds.IsOwnedBy(o.ClientOrderId, owner)))] : null,
                i > 0, null)).ToList();
        }, cancellationToken);
        return reads ?? [.. targets.Select(t => new AccountRead(t, readAt, [], [], t.Symbol is null ? null : [], false, error))];
    }

    /// <summary>As a book lists them: asks from the highest price down, then bids from the highest down.</summary>
    private static IEnumerable<VenueOrder> BookOrder(IEnumerable<VenueOrder> orders) =>
        orders.OrderBy(o => o.Side == Trading.Primitives.Side.Sell ? 0 : 1).ThenByDescending(o => o.Price ?? 0m).ThenBy(o => o.CreatedAt);
}
