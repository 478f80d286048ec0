using System.Globalization;
using System.Text.Json;
using Mmd.Exchanges.Shared;

namespace Mmd.Exchanges.Lighter;

/// <summary>
/// The account's orders on one market as Lighter pushes them (<c>account_orders/{market}/{account}</c>: every open order
/// at the subscription, then each change), kept by order index and by client order index. Lighter weighs a read fifty
/// times a transaction, so a write learns how it was executed from here, not from a read-back.
/// </summary>
internal static class LighterOrderWatch
{
    public static Task<OrderWatch<LighterStreamMessage, LighterOrder, long>?> OpenAsync(LighterOptions options, int marketId, long account, string token,
        TimeProvider time, CancellationToken ct)
    {
        var market = marketId.ToString(CultureInfo.InvariantCulture);
        var subscribe = JsonSerializer.Serialize(new { type = "subscribe", channel = $"account_orders/{marketId}/{account}", auth = token });
        return OrderWatch<LighterStreamMessage, LighterOrder, long>.OpenAsync(c => LighterStreams.ConnectAsync(options, [subscribe], time, c),
            new OrderPushes<LighterStreamMessage, LighterOrder, long>(
                OrdersOf: m => m.Orders?.GetValueOrDefault(market),
                ConfirmsSubscription: m => m.Type?.StartsWith("subscribed/", StringComparison.Ordinal) == true,
                VenueIdOf: o => o.OrderIndex,
                ClientIdOf: o => o.ClientOrderIndex,
                IsOpen: o => o.Status == LighterMapping.Open),
            options.RequestTimeout, time, ct);
    }
}
