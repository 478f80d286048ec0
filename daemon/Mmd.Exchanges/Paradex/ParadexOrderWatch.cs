using System.Text.Json;
using Mmd.Exchanges.Shared;

namespace Mmd.Exchanges.Paradex;

/// <summary>
/// The account's orders on one market as Paradex pushes them (the private <c>orders.&lt;market&gt;</c> channel, after a
/// JWT <c>auth</c>), kept by order id and by client id. Paradex allows 10 reads a second and 280 order writes: a write
/// learns from here that its order left NEW, or that its cancel closed it, instead of reading the order back.
/// </summary>
internal static class ParadexOrderWatch
{
    private const long SubscribeId = 1;

    public static Task<OrderWatch<ParadexRpcMessage, ParadexOrder, string>?> OpenAsync(ParadexOptions options, string market, string jwt, TimeProvider time,
        CancellationToken ct)
    {
        var channel = "orders." + market;
        return OrderWatch<ParadexRpcMessage, ParadexOrder, string>.OpenAsync(c => VenueWebSocket<ParadexRpcMessage>.ConnectAsync(options.WebSocketUrl,
                [ParadexRpc.Request(0, "auth", new { bearer = jwt }), ParadexRpc.Request(SubscribeId, "subscribe", new { channel })],
                static (frame, _) => ParadexRpc.Parse(frame), options.RequestTimeout, options.Streams, c),
            new OrderPushes<ParadexRpcMessage, ParadexOrder, string>(
                OrdersOf: m => m is { Method: "subscription", Params: { } p } && p.Channel == channel
                    && p.Data.Deserialize<ParadexOrder>(ParadexJson.Options) is { } order && order.Market == market ? [order] : null,
                ConfirmsSubscription: m => m.Answers(SubscribeId),
                VenueIdOf: o => o.Id,
                ClientIdOf: o => o.ClientId,
                IsOpen: o => o.Status != ParadexMapping.Closed),
            options.RequestTimeout, time, ct);
    }
}
