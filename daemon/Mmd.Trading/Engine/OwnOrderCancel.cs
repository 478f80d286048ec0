using Mmd.Trading.Execution;
using Mmd.Trading.Orders;

namespace Mmd.Trading.Engine;

/// <summary>What cancelling an instance's orders on one market left: 0 once the venue lists none; at the deadline how many it listed last (-1: it never answered).</summary>
public readonly record struct OwnOrdersCancelled(int Left, int Cancelled);

/// <summary>
/// Cancels every order with an instance's prefix on one market, without the journal: a stop, a fault, and a worker that
/// cannot open its journal all end this way.
/// </summary>
public static class OwnOrderCancel
{
    private static readonly TimeSpan AskAgainAfter = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// A cancel-all by the prefix, then each of ours still listed one by one, asking the venue again until it lists none
    /// or <paramref name="deadline"/> ends. <paramref name="failed"/> hears each request that failed (the loop goes on).
    /// </summary>
    public static async Task<OwnOrdersCancelled> CancelAsync(IExchangeConnector venue, string symbol, string instance, TimeProvider time,
        Action<string> failed, CancellationToken deadline)
    {
        var left = -1;
        var cancelled = 0;
        try
        {
            while (true)
            {
                // A cancel-all whose answer failed may have gone through all the same: the venue's list says.
                try { cancelled += await venue.CancelAllAsync(symbol, ClientOrderIds.PrefixOf(instance), deadline); }
                catch (Exception ex) when (ex is not OperationCanceledException) { failed(ex.Message); }
                try
                {
                    var open = (await venue.GetOpenOrdersAsync(symbol, deadline)).Where(o => ClientOrderIds.IsOwnedBy(o.ClientOrderId, instance)).ToList();
                    left = open.Count;
                    if (left == 0) return new(0, cancelled);
                    foreach (var o in open)
                        if ((await venue.CancelOrderAsync(new CancelOrderRequest(symbol, o.VenueOrderId, o.ClientOrderId), deadline)).Outcome == CommandOutcome.Accepted)
                            cancelled++;
                }
                catch (Exception ex) when (ex is not OperationCanceledException) { failed(ex.Message); }
                await Task.Delay(AskAgainAfter, time, deadline);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return new(left, cancelled);
        }
    }
}
