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

    public override async Task<GetDailyReportResponse> GetDailyReport(GetDailyReportRequest request, ServerCallContext context)
    {
        var violations = new List<Specs.FieldViolation>();
        if (!Specs.SpecValidator.IsValidName(request.Name)) violations.Add(new("name", Specs.SpecValidator.NameProblem(request.Name)));
        if (request.Days > MaxReportDays) violations.Add(new("days", $"must be at most {MaxReportDays} (0: {DefaultReportDays})"));
        if (violations.Count > 0) throw new InvalidRequestException(violations);
        var response = new GetDailyReportResponse();
        if (supervisor.JournalOf(request.Name) is not { } journal) return response;
        var days = request.Days == 0 ? DefaultReportDays : (int)request.Days;
        var from = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(1 - days);
        foreach (var day in await Read(() => JournalBrowser.DailyAsync(journal, request.Name, from, context.CancellationToken)))
        {
            var figures = new DailyFigures
            {
                Date = day.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), Fills = (ulong)day.Fills,
                BuyFills = (ulong)day.BuyFills, SellFills = (ulong)day.SellFills, BoughtQuantity = Decimal(day.Bought), SoldQuantity = Decimal(day.Sold),
                QuoteVolume = Decimal(day.QuoteVolume),
                MakerVolumePct = day.QuoteVolume == 0 ? "" : Decimal(Math.Round(day.MakerQuoteVolume / day.QuoteVolume * 100m, 2)),
                NetPnl = day.NetPnl is { } net ? Decimal(net) : "",
            };
            foreach (var (asset, fee) in day.FeesByAsset) figures.FeesByAsset[asset] = Decimal(fee);
            response.Days.Add(figures);
        }
        return response;
    }

    /// <summary>Fills an export page holds.</summary>
    private const int ExportPage = 1000;

    public override async Task ExportFills(ExportFillsRequest request, IServerStreamWriter<ExportFillsResponse> responseStream, ServerCallContext context)
    {
        ValidPage(request.Name, 0, request.Since);
        if (request.Until is { } until && !IsValidTime(until))
            throw new InvalidRequestException([new("until", "not a valid time")]);
        var (sinceMs, untilMs) = (SinceMs(request.Since), request.Until is { } u ? u.ToDateTimeOffset().ToUnixTimeMilliseconds() : long.MaxValue);
        if (untilMs <= sinceMs) throw new InvalidRequestException([new("until", "must be after since")]);
        if (supervisor.JournalOf(request.Name) is not { } journal) return;
        for (var after = 0L; ;)
        {
            var page = await Read(() => JournalBrowser.FillsAfterAsync(journal, request.Name, after, sinceMs, untilMs, ExportPage, context.CancellationToken));
            if (page.Count == 0) return;
            await responseStream.WriteAsync(new ExportFillsResponse { Fills = { page.Select(ToMessage) } }, context.CancellationToken);
            after = page[^1].Id;
        }
    }

    private const int DefaultReportDays = 7;
    private const int MaxReportDays = 31;

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
