using Microsoft.Data.Sqlite;
using Mmd.Persistence.Entities;
using Mmd.Trading.Orders;

namespace Mmd.Persistence;

/// <summary>
/// An operator's read of an instance's journal (its orders and fills, newest first), opened read-only: the daemon reads
/// it while the worker writes it, and a deleted instance's journal that stays on disk. Plain SQL on the EF model's
/// tables and indexes, as the worker's own reads (<see cref="JournalReader"/>).
/// </summary>
public static class JournalBrowser
{
    /// <summary>
    /// The instance's newest <paramref name="limit"/> orders created at or after <paramref name="sinceMs"/>: only those not
    /// ended, or with <paramref name="includeEnded"/> every state's; and whether more matched.
    /// </summary>
    /// <exception cref="DatabaseUnusableException">The file is not a journal SQLite can read.</exception>
    public static async Task<(IReadOnlyList<OrderEntity> Orders, bool Truncated)> OrdersAsync(string journalPath, string instance, bool includeEnded,
        long sinceMs, int limit, CancellationToken cancellationToken)
    {
        // Not ended: through the (instance, status) index, then sorted (a handful); every state: the table's own row order
        // backwards, which is creation order (a row is inserted when its order is created, and only updated after).
        var states = includeEnded ? "" : $""" AND "Status" IN ({string.Join(", ", NotEnded.Select(s => $"'{s}'"))})""";
        var sql = $"""
            SELECT "ClientOrderId", "VenueOrderId", "Venue", "Symbol", "Side", "Price", "Quantity", "FilledQuantity", "Status", "Purpose", "Level",
                   "PostOnly", "ReduceOnly", "CreatedAtMs", "UpdatedAtMs", "LastError", "Type", "TimeInForce"
            FROM orders WHERE "Instance" = $instance{states} AND "CreatedAtMs" >= $since
            ORDER BY rowid DESC LIMIT $limit
            """;
        var orders = await ReadAsync(journalPath, sql, instance, sinceMs, limit, r => new OrderEntity
        {
            ClientOrderId = r.GetString(0), Instance = instance, VenueOrderId = r.IsDBNull(1) ? null : r.GetString(1), Venue = r.GetString(2),
            Symbol = r.GetString(3), Side = r.GetString(4), Price = r.IsDBNull(5) ? null : JournalReader.Money(r.GetString(5)), Quantity = JournalReader.Money(r.GetString(6)),
            FilledQuantity = JournalReader.Money(r.GetString(7)), Status = r.GetString(8), Purpose = r.GetString(9), Level = r.GetInt32(10), PostOnly = r.GetBoolean(11),
            ReduceOnly = r.GetBoolean(12), CreatedAtMs = r.GetInt64(13), UpdatedAtMs = r.GetInt64(14), LastError = r.IsDBNull(15) ? null : r.GetString(15),
            Type = r.GetString(16), TimeInForce = r.GetString(17),
        }, cancellationToken);
        return Page(orders, limit);
    }

    /// <summary>The instance's newest <paramref name="limit"/> fills at or after <paramref name="sinceMs"/>, and whether more matched.</summary>
    /// <exception cref="DatabaseUnusableException">The file is not a journal SQLite can read.</exception>
    public static async Task<(IReadOnlyList<FillEntity> Fills, bool Truncated)> FillsAsync(string journalPath, string instance, long sinceMs, int limit,
        CancellationToken cancellationToken)
    {
        // The (instance, time) index serves both the condition and the order.
        const string sql = """
            SELECT "Id", "Venue", "Symbol", "TradeId", "VenueOrderId", "ClientOrderId", "Side", "Price", "Quantity", "Fee", "FeeAsset", "IsMaker",
                   "Purpose", "TimestampMs"
            FROM fills WHERE "Instance" = $instance AND "TimestampMs" >= $since
            ORDER BY "TimestampMs" DESC, "Id" DESC LIMIT $limit
            """;
        var fills = await ReadAsync(journalPath, sql, instance, sinceMs, limit, r => new FillEntity
        {
            Id = r.GetInt64(0), Instance = instance, Venue = r.GetString(1), Symbol = r.GetString(2), TradeId = r.GetString(3), VenueOrderId = r.GetString(4),
            ClientOrderId = r.IsDBNull(5) ? null : r.GetString(5), Side = r.GetString(6), Price = JournalReader.Money(r.GetString(7)), Quantity = JournalReader.Money(r.GetString(8)),
            Fee = JournalReader.Money(r.GetString(9)), FeeAsset = r.GetString(10), IsMaker = r.GetBoolean(11), Purpose = r.GetString(12), TimestampMs = r.GetInt64(13),
        }, cancellationToken);
        return Page(fills, limit);
    }

    private static readonly OrderStatus[] NotEnded =
        Enum.GetValues<OrderStatus>().Where(s => s is not (OrderStatus.Filled or OrderStatus.Cancelled or OrderStatus.Rejected)).ToArray();

    // One row more than the limit says whether there were more.
    private static async Task<List<T>> ReadAsync<T>(string journalPath, string sql, string instance, long sinceMs, int limit, Func<SqliteDataReader, T> row,
        CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new SqliteConnection(SqliteConnectionTuning.ReadOnlyConnectionString(journalPath));
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$instance", instance);
            command.Parameters.AddWithValue("$since", sinceMs);
            command.Parameters.AddWithValue("$limit", limit + 1);
            await using var r = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<T>();
            while (await r.ReadAsync(cancellationToken)) rows.Add(row(r));
            return rows;
        }
        catch (SqliteException ex)
        {
            throw new DatabaseUnusableException(journalPath, ex);
        }
    }

    private static (IReadOnlyList<T>, bool) Page<T>(List<T> rows, int limit) => rows.Count > limit ? (rows[..limit], true) : (rows, false);
}
