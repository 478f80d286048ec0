using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Mmd.Persistence.Entities;
using Mmd.Trading.Engine;
using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Stats;

namespace Mmd.Persistence;

/// <summary>The order journal of one instance in SQLite. Each call is one short transaction.</summary>
public sealed class SqliteTradingJournal(DbContextOptions<MmdDbContext> options, string instance, string venue) : ITradingJournal
{
    private static readonly JsonSerializerOptions SnapshotJson = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.WriteAsString };

    public async Task SaveOrdersAsync(IReadOnlyList<TrackedOrder> orders, CancellationToken cancellationToken)
    {
        await using var db = new MmdDbContext(options);
        var ids = orders.Select(o => o.ClientOrderId).ToList();
        var existing = await db.Orders.Where(o => ids.Contains(o.ClientOrderId)).ToDictionaryAsync(o => o.ClientOrderId, cancellationToken);
        foreach (var order in orders)
        {
            if (!existing.TryGetValue(order.ClientOrderId, out var row))
            {
                row = new OrderEntity
                {
                    ClientOrderId = order.ClientOrderId, Instance = instance, Symbol = order.Symbol, Side = order.Side.ToString(),
                    Type = order.Type.ToString(), TimeInForce = order.TimeInForce.ToString(), Status = order.Status.ToString(),
                    Purpose = order.Purpose.ToString(),
                };
                db.Orders.Add(row);
            }
            row.VenueOrderId = order.VenueOrderId;
            row.Price = order.Price;
            row.Quantity = order.Quantity;
            row.FilledQuantity = order.FilledQuantity;
            row.Status = order.Status.ToString();
            row.Level = order.Level;
            row.PostOnly = order.PostOnly;
            row.ReduceOnly = order.ReduceOnly;
            row.PostOnlyRetries = order.PostOnlyRetries;
            row.CreatedAtMs = order.CreatedAt.ToUnixTimeMilliseconds();
            row.UpdatedAtMs = (order.UpdatedAt == default ? order.CreatedAt : order.UpdatedAt).ToUnixTimeMilliseconds();
            row.LastError = order.LastError;
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<bool> RecordFillAsync(VenueFill fill, OrderPurpose purpose, CancellationToken cancellationToken)
    {
        await using var db = new MmdDbContext(options);
        // The unique key settles duplicates inside SQLite: no read-then-write race between processes.
        var inserted = await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO fills ("Instance", "Venue", "Symbol", "TradeId", "VenueOrderId", "ClientOrderId", "Side", "Price", "Quantity", "Fee", "FeeAsset", "IsMaker", "Purpose", "TimestampMs")
            VALUES ({instance}, {venue}, {fill.Symbol}, {fill.TradeId}, {fill.VenueOrderId}, {fill.ClientOrderId}, {fill.Side.ToString()},
                    {Text(fill.Price)}, {Text(fill.Quantity)}, {Text(fill.Fee)}, {fill.FeeAsset}, {fill.IsMaker}, {purpose.ToString()}, {fill.Timestamp.ToUnixTimeMilliseconds()})
            ON CONFLICT ("Venue", "Symbol", "TradeId") DO NOTHING
            """, cancellationToken);
        return inserted == 1;
    }

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

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);

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
