using Grpc.Core;
using GrpcMM.Protos.V1;
using Mmd.Persistence;
using Mmd.TestKit;
using Mmd.Trading.Execution;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;
using Trading = Mmd.Trading;
using static Mmd.Daemon.Tests.InstanceApiTests;

namespace Mmd.Daemon.Tests;

/// <summary>InstanceService.ListOrders and ListFills: an instance's journal through the API (the in-process daemon; the journal written as a worker writes it).</summary>
public sealed class InstanceJournalApiTests(InProcessDaemon daemon) : IClassFixture<InProcessDaemon>
{
    private static readonly DateTimeOffset T = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000);

    private static Trading.Orders.TrackedOrder Quote(string id, Trading.Primitives.Side side, DateTimeOffset at) => new()
    {
        ClientOrderId = id, Symbol = "SOL_USDC", Side = side, Type = OrderType.Limit, TimeInForce = TimeInForce.Gtc,
        Price = 150.05m, Quantity = 0.5m, PostOnly = true, Level = 2, CreatedAt = at, Purpose = Trading.Orders.OrderPurpose.Quote,
    };

    private async Task WriteJournalAsync(string name)
    {
        var db = await MmdDatabase.OpenAsync(daemon.JournalPath(name), CancellationToken.None);
        await using var journal = new SqliteTradingJournal(db, name, "paper");
        var resting = Quote($"{name}_1", Trading.Primitives.Side.Sell, T);
        var filled = Quote($"{name}_2", Trading.Primitives.Side.Buy, T.AddSeconds(1));
        await journal.SaveOrdersAsync([resting, filled], CancellationToken.None);
        resting.Restore(Trading.Orders.OrderStatus.Open, "V1", 0m, T.AddSeconds(2), null);
        filled.Restore(Trading.Orders.OrderStatus.Filled, "V2", 0.5m, T.AddSeconds(3), null);
        await journal.SaveOrdersAsync([resting, filled], CancellationToken.None);
        await journal.RecordFillAsync(new VenueFill("T1", "V2", $"{name}_2", "SOL_USDC", Trading.Primitives.Side.Buy, 150.05m, 0.2m, 0.003001m, "USDC", true,
            T.AddSeconds(2)), Trading.Orders.OrderPurpose.Quote, CancellationToken.None);
        await journal.RecordFillAsync(new VenueFill("T2", "V2", $"{name}_2", "SOL_USDC", Trading.Primitives.Side.Buy, 150.123456789m, 0.3m, 0.0045m, "USDC", false,
            T.AddSeconds(3)), Trading.Orders.OrderPurpose.Hedge, CancellationToken.None);
    }

    [Fact]
    public async Task OrdersAndFills_AreTheJournals_NewestFirst_EveryFieldOnTheWire_ADeletedInstancesToo()
    {
        await daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = Spec("ledger") });
        // Never started: no journal yet, nothing to list.
        Assert.Empty((await daemon.Instances.ListOrdersAsync(new ListOrdersRequest { Name = "ledger", IncludeEnded = true })).Orders);
        Assert.Empty((await daemon.Instances.ListFillsAsync(new ListFillsRequest { Name = "ledger" })).Fills);

        await WriteJournalAsync("ledger");
        var open = await daemon.Instances.ListOrdersAsync(new ListOrdersRequest { Name = "ledger" });
        Assert.False(open.Truncated);
        var order = Assert.Single(open.Orders);
        Assert.Equal(new Order
        {
            ClientOrderId = "ledger_1", VenueOrderId = "V1", Venue = "paper", Symbol = "SOL_USDC", Side = OrderSide.Sell, Price = "150.05", Quantity = "0.5",
            FilledQuantity = "0", Status = OrderStatus.Open, Purpose = OrderPurpose.Quote, Level = 2, PostOnly = true,
            CreatedAt = Timestamp.FromDateTimeOffset(T), UpdatedAt = Timestamp.FromDateTimeOffset(T.AddSeconds(2)),
        }, order);
        var all = await daemon.Instances.ListOrdersAsync(new ListOrdersRequest { Name = "ledger", IncludeEnded = true, Limit = 1 });
        Assert.Equal(["ledger_2"], all.Orders.Select(o => o.ClientOrderId));
        Assert.True(all.Truncated);
        Assert.Equal((OrderStatus.Filled, "0.5"), (all.Orders[0].Status, all.Orders[0].FilledQuantity));

        var fills = await daemon.Instances.ListFillsAsync(new ListFillsRequest { Name = "ledger" });
        Assert.Equal(["T2", "T1"], fills.Fills.Select(f => f.TradeId));
        Assert.Equal(new Fill
        {
            Time = Timestamp.FromDateTimeOffset(T.AddSeconds(3)), Venue = "paper", Symbol = "SOL_USDC", Side = OrderSide.Buy, Price = "150.123456789",
            Quantity = "0.3", Fee = "0.0045", FeeAsset = "USDC", Maker = false, Purpose = OrderPurpose.Hedge, ClientOrderId = "ledger_2", VenueOrderId = "V2",
            TradeId = "T2",
        }, fills.Fills[0]);
        var since = await daemon.Instances.ListFillsAsync(new ListFillsRequest { Name = "ledger", Since = Timestamp.FromDateTimeOffset(T.AddSeconds(3)) });
        Assert.Equal(["T2"], since.Fills.Select(f => f.TradeId));

        // Deleted: the journal stays on disk, and readable.
        await daemon.Instances.DeleteInstanceAsync(new DeleteInstanceRequest { Name = "ledger" });
        Assert.Equal(2, (await daemon.Instances.ListFillsAsync(new ListFillsRequest { Name = "ledger" })).Fills.Count);
    }

    [Fact]
    public async Task AnUnknownName_IsNotFound_ABadRequestNamesItsFields_AnUnreadableJournalIsAFailedPrecondition()
    {
        Assert.Equal(StatusCode.NotFound, (await FailureOf(() => daemon.Instances.ListOrdersAsync(new ListOrdersRequest { Name = "never-was" }).ResponseAsync)).Code);
        Assert.Equal(StatusCode.NotFound, (await FailureOf(() => daemon.Instances.ListFillsAsync(new ListFillsRequest { Name = "never-was" }).ResponseAsync)).Code);

        var badSince = new Timestamp { Seconds = 1, Nanos = -1 };
        var (code, fields) = await FailureOf(() => daemon.Instances.ListOrdersAsync(new ListOrdersRequest { Name = "NOT A NAME", Limit = 1001, Since = badSince }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["name", "limit", "since"], fields);
        (code, fields) = await FailureOf(() => daemon.Instances.ListFillsAsync(new ListFillsRequest { Name = "NOT A NAME", Limit = 1001, Since = badSince }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["name", "limit", "since"], fields);

        await daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = Spec("garbled") });
        Directory.CreateDirectory(Path.GetDirectoryName(daemon.JournalPath("garbled"))!);
        await File.WriteAllTextAsync(daemon.JournalPath("garbled"), "not a database, just text that is long enough to be read as a header");
        var ex = await Assert.ThrowsAsync<RpcException>(() => daemon.Instances.ListFillsAsync(new ListFillsRequest { Name = "garbled" }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Contains("journal cannot be read", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDailyReport_IsTodaysTrading_OnTheWire_AndABadRequestNamesItsFields()
    {
        await daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = Spec("daily") });
        Assert.Empty((await daemon.Instances.GetDailyReportAsync(new GetDailyReportRequest { Name = "daily" })).Days); // never ran
        var db = await MmdDatabase.OpenAsync(daemon.JournalPath("daily"), CancellationToken.None);
        await using (var journal = new SqliteTradingJournal(db, "daily", "paper"))
        {
            var now = DateTimeOffset.UtcNow;
            await journal.RecordFillAsync(new VenueFill("T1", "V1", "daily_1", "SOL_USDC", Trading.Primitives.Side.Buy, 150m, 0.5m, 0.015m, "USDC", true, now),
                Trading.Orders.OrderPurpose.Quote, CancellationToken.None);
            await journal.RecordFillAsync(new VenueFill("T2", "V2", "daily_2", "SOL_USDC", Trading.Primitives.Side.Sell, 150m, 0.25m, 0.01m, "USDC", false, now),
                Trading.Orders.OrderPurpose.Quote, CancellationToken.None);
        }
        var today = Assert.Single((await daemon.Instances.GetDailyReportAsync(new GetDailyReportRequest { Name = "daily", Days = 1 })).Days);
        Assert.Equal(new DailyFigures
        {
            Date = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), Fills = 2, BuyFills = 1, SellFills = 1,
            BoughtQuantity = "0.5", SoldQuantity = "0.25", QuoteVolume = "112.50", MakerVolumePct = "66.67", FeesByAsset = { ["USDC"] = "0.025" }, NetPnl = "",
        }, today);

        var (code, fields) = await FailureOf(() => daemon.Instances.GetDailyReportAsync(new GetDailyReportRequest { Name = "NOT A NAME", Days = 32 }).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "name days"), (code, string.Join(" ", fields)));
        Assert.Equal(StatusCode.NotFound, (await FailureOf(() => daemon.Instances.GetDailyReportAsync(new GetDailyReportRequest { Name = "never-was" }).ResponseAsync)).Code);
    }

    [Fact]
    public void TheWiresOrderEnums_NumberAsTheTradingCoresDo()
    {
        // The API maps the journal's names through the trading core's enums by number.
        foreach (var s in Enum.GetValues<Trading.Orders.OrderStatus>()) Assert.Equal((int)s, (int)Enum.Parse<OrderStatus>(s.ToString()));
        foreach (var p in Enum.GetValues<Trading.Orders.OrderPurpose>()) Assert.Equal((int)p, (int)Enum.Parse<OrderPurpose>(p.ToString()));
        Assert.Equal(Enum.GetValues<Trading.Orders.OrderStatus>().Length + 1, Enum.GetValues<OrderStatus>().Length);
        Assert.Equal(Enum.GetValues<Trading.Orders.OrderPurpose>().Length + 1, Enum.GetValues<OrderPurpose>().Length);
    }

    [Fact]
    public async Task ExportFills_StreamsEveryFill_InJournalOrder_InPagesOfAThousand_WithinTheSpan()
    {
        await daemon.Instances.CreateInstanceAsync(new CreateInstanceRequest { Spec = Spec("books") });
        var db = await MmdDatabase.OpenAsync(daemon.JournalPath("books"), CancellationToken.None);
        await using (var journal = new SqliteTradingJournal(db, "books", "paper"))
            for (var i = 0; i < 2_500; i++)
                await journal.RecordFillAsync(new VenueFill($"T{i}", "V1", "books_1", "SOL_USDC", i % 2 == 0 ? Trading.Primitives.Side.Buy : Trading.Primitives.Side.Sell,
                    150m + i / 1000m, 0.1m, 0.001m, "USDC", true, T.AddSeconds(i)), Trading.Orders.OrderPurpose.Quote, CancellationToken.None);

        async Task<List<ExportFillsResponse>> ExportAsync(ExportFillsRequest request)
        {
            using var call = daemon.Instances.ExportFills(request);
            var pages = new List<ExportFillsResponse>();
            await foreach (var page in call.ResponseStream.ReadAllAsync()) pages.Add(page);
            return pages;
        }
        var pages = await ExportAsync(new ExportFillsRequest { Name = "books" });
        Assert.Equal([1000, 1000, 500], pages.Select(p => p.Fills.Count));
        Assert.Equal(Enumerable.Range(0, 2_500).Select(i => $"T{i}"), pages.SelectMany(p => p.Fills).Select(f => f.TradeId));
        Assert.Equal(("152.499", OrderSide.Sell), (pages[2].Fills[^1].Price, pages[2].Fills[^1].Side));

        // From second 100 to before second 110: ten fills.
        var span = await ExportAsync(new ExportFillsRequest { Name = "books", Since = Timestamp.FromDateTimeOffset(T.AddSeconds(100)), Until = Timestamp.FromDateTimeOffset(T.AddSeconds(110)) });
        Assert.Equal(Enumerable.Range(100, 10).Select(i => $"T{i}"), span.SelectMany(p => p.Fills).Select(f => f.TradeId));

        var (code, fields) = await FailureOf(() => ExportAsync(new ExportFillsRequest { Name = "books", Since = Timestamp.FromDateTimeOffset(T), Until = Timestamp.FromDateTimeOffset(T) }));
        Assert.Equal((StatusCode.InvalidArgument, "until"), (code, string.Join(" ", fields)));
        Assert.Equal(StatusCode.NotFound, (await FailureOf(() => ExportAsync(new ExportFillsRequest { Name = "nobody" }))).Code);
    }
}
