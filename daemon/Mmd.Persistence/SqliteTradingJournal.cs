using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Mmd.Persistence.Entities;
using Mmd.Trading.Engine;
using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Stats;

namespace Mmd.Persistence;

/// <summary>The order journal of one instance in SQLite. Each write is one short transaction; reads (at start) go through EF.</summary>
public sealed class SqliteTradingJournal(DbContextOptions<MmdDbContext> options, string instance, string venue) : ITradingJournal, IAsyncDisposable
{
    private readonly JournalWriter _writer = new(ConnectionString(options), instance, venue);

    private static readonly JsonSerializerOptions SnapshotJson = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.WriteAsString };

    public Task SaveOrdersAsync(IReadOnlyList<TrackedOrder> orders, CancellationToken cancellationToken) =>
        _writer.SaveOrdersAsync(orders, cancellationToken);

    public Task<bool> RecordFillAsync(VenueFill fill, OrderPurpose purpose, CancellationToken cancellationToken) =>
        _writer.RecordFillAsync(fill, purpose, cancellationToken);

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    public async Task<IReadOnlyList<TrackedOrder>> LoadOpenOrdersAsync(CancellationToken cancellationToken)
    {
        string[] terminal = [nameof(OrderStatus.Filled), nameof(OrderStatus.Cancelled), nameof(OrderStatus.Rejected)];
        await using var db = new MmdDbContext(options);
        var rows = await db.Orders.AsNoTracking().Where(o => o.Instance == instance && !terminal.Contains(o.Status)).ToListAsync(cancellationToken);
        return rows.Select(ToTracked).ToList();
    }

    public async Task<IReadOnlyList<JournaledFill>> LoadFillsAsync(CancellationToken cancellationToken)
    {
        await using var db = new MmdDbContext(options);
        var rows = await db.Fills.AsNoTracking().Where(f => f.Instance == instance).OrderBy(f => f.TimestampMs).ThenBy(f => f.Id).ToListAsync(cancellationToken);
        return rows.Select(f => new JournaledFill(
            new VenueFill(f.TradeId, f.VenueOrderId, f.ClientOrderId, f.Symbol, Enum.Parse<Side>(f.Side), f.Price, f.Quantity, f.Fee, f.FeeAsset, f.IsMaker,
                DateTimeOffset.FromUnixTimeMilliseconds(f.TimestampMs)),
            Enum.Parse<OrderPurpose>(f.Purpose))).ToList();
    }

    public async Task SaveStatsAsync(StatsSnapshot snapshot, CancellationToken cancellationToken)
    {
        await using var db = new MmdDbContext(options);
        db.StatsSnapshots.Add(new StatsSnapshotEntity
        {
            Instance = instance,
            TimeMs = snapshot.Time.ToUnixTimeMilliseconds(),
            Mid = snapshot.Mid,
            SessionFills = snapshot.Session.Fills,
            SessionQuoteVolume = snapshot.Session.QuoteVolume,
            SessionRealizedPnl = snapshot.Session.RealizedPnl,
            SessionNetPnl = snapshot.Session.NetPnl,
            CumulativeRealizedPnl = snapshot.Cumulative.RealizedPnl,
            CumulativeNetPnl = snapshot.Cumulative.NetPnl,
            Json = JsonSerializer.Serialize(snapshot, SnapshotJson),
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    private static string ConnectionString(DbContextOptions<MmdDbContext> options)
    {
        using var db = new MmdDbContext(options);
        return db.Database.GetConnectionString() ?? throw new InvalidOperationException("the journal's options name no SQLite database");
    }

    private static TrackedOrder ToTracked(OrderEntity row)
    {
        var order = new TrackedOrder
        {
            ClientOrderId = row.ClientOrderId, Symbol = row.Symbol, Side = Enum.Parse<Side>(row.Side), Type = Enum.Parse<OrderType>(row.Type),
            TimeInForce = Enum.Parse<TimeInForce>(row.TimeInForce), Price = row.Price, Quantity = row.Quantity, PostOnly = row.PostOnly,
            ReduceOnly = row.ReduceOnly, Purpose = Enum.Parse<OrderPurpose>(row.Purpose), Level = row.Level, PostOnlyRetries = row.PostOnlyRetries,
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAtMs),
        };
        order.Restore(Enum.Parse<OrderStatus>(row.Status), row.VenueOrderId, row.FilledQuantity, DateTimeOffset.FromUnixTimeMilliseconds(row.UpdatedAtMs), row.LastError);
        return order;
    }
}
