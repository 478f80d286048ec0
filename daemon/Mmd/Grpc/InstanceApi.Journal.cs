using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;
using Grpc.Core;
using GrpcMM.Protos.V1;
using Mmd.Persistence;
using Mmd.Persistence.Entities;
using Mmd.Supervision;
using TradingOrders = Mmd.Trading.Orders;

namespace Mmd.Grpc;

/// <summary>ListOrders and ListFills: an instance's journal, read by the daemon (the worker need not be running).</summary>
public sealed partial class InstanceApi
{
    public override async Task<ListOrdersResponse> ListOrders(ListOrdersRequest request, ServerCallContext context)
    {
        var limit = ValidPage(request.Name, request.Limit, request.Since);
        var response = new ListOrdersResponse();
        if (supervisor.JournalOf(request.Name) is not { } journal) return response;
        var (orders, truncated) = await Read(() => JournalBrowser.OrdersAsync(journal, request.Name, request.IncludeEnded, SinceMs(request.Since), limit,
            context.CancellationToken));
        response.Orders.AddRange(orders.Select(ToMessage));
        response.Truncated = truncated;
        return response;
    }

    public override async Task<ListFillsResponse> ListFills(ListFillsRequest request, ServerCallContext context)
    {
        var limit = ValidPage(request.Name, request.Limit, request.Since);
        var response = new ListFillsResponse();
        if (supervisor.JournalOf(request.Name) is not { } journal) return response;
        var (fills, truncated) = await Read(() => JournalBrowser.FillsAsync(journal, request.Name, SinceMs(request.Since), limit, context.CancellationToken));
        response.Fills.AddRange(fills.Select(ToMessage));
        response.Truncated = truncated;
        return response;
    }

    private static async Task<T> Read<T>(Func<Task<T>> read)
    {
        try { return await read(); }
        catch (DatabaseUnusableException ex) { throw new InstancePreconditionException($"the journal cannot be read: {ex.Message}"); }
    }

    private static long SinceMs(Timestamp? since) => since?.ToDateTimeOffset().ToUnixTimeMilliseconds() ?? long.MinValue;

    private static Order ToMessage(OrderEntity o) => new()
    {
        ClientOrderId = o.ClientOrderId, VenueOrderId = o.VenueOrderId ?? "", Venue = o.Venue, Symbol = o.Symbol, Side = Side(o.Side),
        Price = o.Price is { } p ? Decimal(p) : "", Quantity = Decimal(o.Quantity), FilledQuantity = Decimal(o.FilledQuantity),
        Status = Enum.TryParse<TradingOrders.OrderStatus>(o.Status, out var status) ? (OrderStatus)(int)status : OrderStatus.Unspecified,
        Purpose = Purpose(o.Purpose), Level = o.Level, PostOnly = o.PostOnly, ReduceOnly = o.ReduceOnly,
        CreatedAt = Time(o.CreatedAtMs), UpdatedAt = Time(o.UpdatedAtMs), LastError = o.LastError ?? "",
    };

    private static Fill ToMessage(FillEntity f) => new()
    {
        Time = Time(f.TimestampMs), Venue = f.Venue, Symbol = f.Symbol, Side = Side(f.Side), Price = Decimal(f.Price), Quantity = Decimal(f.Quantity),
        Fee = Decimal(f.Fee), FeeAsset = f.FeeAsset, Maker = f.IsMaker, Purpose = Purpose(f.Purpose), ClientOrderId = f.ClientOrderId ?? "",
        VenueOrderId = f.VenueOrderId, TradeId = f.TradeId,
    };

    // The journal's names are the trading core's enums; the wire's numbers are theirs (protos/mm/v1/journal.proto).
    private static OrderSide Side(string side) => Enum.TryParse<Mmd.Trading.Primitives.Side>(side, out var s)
        ? s == Mmd.Trading.Primitives.Side.Buy ? OrderSide.Buy : OrderSide.Sell
        : OrderSide.Unspecified;

    private static OrderPurpose Purpose(string purpose) =>
        Enum.TryParse<TradingOrders.OrderPurpose>(purpose, out var p) ? (OrderPurpose)(int)p : OrderPurpose.Unspecified;

    private static string Decimal(decimal value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static Timestamp Time(long ms) => Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(ms));
}
