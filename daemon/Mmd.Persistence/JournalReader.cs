using System.Globalization;
using Microsoft.Data.Sqlite;
using Mmd.Trading.Engine;
using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;

namespace Mmd.Persistence;

/// <summary>
/// The journal's reads at a worker's start (open orders, fills) in plain SQL: EF Core's first query costs most of a
/// second of start-up, which a restarted worker would spend before it can reconcile and quote again.
/// Column names are the EF model's (see the Initial migration); money is invariant decimal TEXT.
/// </summary>
internal static class JournalReader
{
    /// <summary>The JSON of the instance's latest stats snapshot, if any.</summary>
    public static async Task<string?> LastStatsJsonAsync(string connectionString, string instance, CancellationToken cancellationToken)
    {
        await using var connection = await SqliteConnectionTuning.OpenAsync(connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT "Json" FROM stats_snapshots WHERE "Instance" = $instance ORDER BY "Id" DESC LIMIT 1""";
        command.Parameters.AddWithValue("$instance", instance);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>
    /// The instance's orders not yet ended on one venue (rows from before the venue was kept count as its), and on one
    /// symbol when <paramref name="symbol"/> is set: a cross-market hedge reconciles each market on its own.
    /// </summary>
    public static async Task<IReadOnlyList<TrackedOrder>> OpenOrdersAsync(string connectionString, string instance, string venue, string? symbol,
        CancellationToken cancellationToken)
    {
        await using var connection = await SqliteConnectionTuning.OpenAsync(connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT "ClientOrderId", "Symbol", "VenueOrderId", "Side", "Type", "TimeInForce", "Price", "Quantity", "FilledQuantity", "Status",
                   "Purpose", "Level", "PostOnly", "ReduceOnly", "PostOnlyRetries", "CreatedAtMs", "UpdatedAtMs", "LastError", "QuotedPrice"
            FROM orders WHERE "Instance" = $instance AND "Status" NOT IN ('Filled', 'Cancelled', 'Rejected')
              AND "Venue" IN ($venue, '') AND ($symbol IS NULL OR "Symbol" = $symbol)
            """;
        AddScope(command, instance, venue, symbol);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        var orders = new List<TrackedOrder>();
        while (await r.ReadAsync(cancellationToken))
        {
            var order = new TrackedOrder
            {
                ClientOrderId = r.GetString(0), Symbol = r.GetString(1), Side = Enum.Parse<Side>(r.GetString(3)), Type = Enum.Parse<OrderType>(r.GetString(4)),
                TimeInForce = Enum.Parse<TimeInForce>(r.GetString(5)), Price = r.IsDBNull(6) ? null : Money(r.GetString(6)), Quantity = Money(r.GetString(7)),
                Purpose = Enum.Parse<OrderPurpose>(r.GetString(10)), Level = r.GetInt32(11), PostOnly = r.GetBoolean(12), ReduceOnly = r.GetBoolean(13),
                PostOnlyRetries = r.GetInt32(14), CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(15)),
                QuotedPrice = r.IsDBNull(18) ? null : Money(r.GetString(18)),
            };
            order.Restore(Enum.Parse<OrderStatus>(r.GetString(9)), r.IsDBNull(2) ? null : r.GetString(2), Money(r.GetString(8)),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(16)), r.IsDBNull(17) ? null : r.GetString(17));
            orders.Add(order);
        }
        return orders;
    }

    /// <summary>The purpose of one of the instance's orders, ended or not (client order ids are the key); null when there is no such order.</summary>
    public static async Task<OrderPurpose?> OrderPurposeAsync(string connectionString, string instance, string clientOrderId, CancellationToken cancellationToken)
    {
        await using var connection = await SqliteConnectionTuning.OpenAsync(connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT "Purpose" FROM orders WHERE "ClientOrderId" = $id AND "Instance" = $instance""";
        command.Parameters.AddWithValue("$id", clientOrderId);
        command.Parameters.AddWithValue("$instance", instance);
        return await command.ExecuteScalarAsync(cancellationToken) is string purpose ? Enum.Parse<OrderPurpose>(purpose) : null;
    }

    /// <summary>
    /// The client order id of the instance's order on <paramref name="venue"/> (any symbol) inserted last: the table's
    /// newest row of it, read from the end (a new order's row is always the newest; see JournalWriter).
    /// </summary>
    public static async Task<string?> LastClientOrderIdAsync(string connectionString, string instance, string venue, CancellationToken cancellationToken)
    {
        await using var connection = await SqliteConnectionTuning.OpenAsync(connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT "ClientOrderId" FROM orders WHERE "Instance" = $instance AND "Venue" IN ($venue, '') ORDER BY rowid DESC LIMIT 1
            """;
        command.Parameters.AddWithValue("$instance", instance);
        command.Parameters.AddWithValue("$venue", venue);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>The instance's fills on one venue (and symbol, when set) that <paramref name="query"/> picks, oldest first.</summary>
    public static async IAsyncEnumerable<JournaledFill> FillsAsync(string connectionString, string instance, string venue, string? symbol, FillQuery query,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await SqliteConnectionTuning.OpenAsync(connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        // Only the conditions the query sets, so SQLite picks the index that serves it: by order, by time, or (the fills after
        // a checkpoint) the table's own row order, read from the checkpoint on rather than the whole instance by time.
        var sql = new System.Text.StringBuilder("""
            SELECT "TradeId", "VenueOrderId", "ClientOrderId", "Symbol", "Side", "Price", "Quantity", "Fee", "FeeAsset", "IsMaker", "TimestampMs", "Purpose", "Id"
            """);
        sql.Append(query switch
        {
            { Orders: not null } => " FROM fills INDEXED BY IX_fills_Instance_ClientOrderId", // not the whole instance in time order
            { AfterRow: > 0, From: null } => " FROM fills NOT INDEXED",
            _ => " FROM fills",
        });
        sql.Append(""" WHERE "Instance" = $instance AND "Venue" = $venue AND ($symbol IS NULL OR "Symbol" = $symbol)""");
        AddScope(command, instance, venue, symbol);
        if (query.AfterRow > 0)
        {
            sql.Append(""" AND "Id" > $after""");
            command.Parameters.AddWithValue("$after", query.AfterRow);
        }
        if (query.UpToRow is { } upTo)
        {
            sql.Append(""" AND "Id" <= $upTo""");
            command.Parameters.AddWithValue("$upTo", upTo);
        }
        if (query.From is { } from)
        {
            sql.Append(""" AND "TimestampMs" >= $from""");
            command.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
        }
        if (query.Orders is { } orders)
        {
            sql.Append(""" AND "ClientOrderId" IN (SELECT value FROM json_each($orders))""");
            command.Parameters.AddWithValue("$orders", System.Text.Json.JsonSerializer.Serialize(orders));
        }
        sql.Append(""" ORDER BY "TimestampMs", "Id" """);
        command.CommandText = sql.ToString();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
            yield return new JournaledFill(
                new VenueFill(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), Enum.Parse<Side>(r.GetString(4)),
                    Money(r.GetString(5)), Money(r.GetString(6)), Money(r.GetString(7)), r.GetString(8), r.GetBoolean(9),
                    DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(10))),
                Enum.Parse<OrderPurpose>(r.GetString(11))) { Row = r.GetInt64(12) };
    }

    /// <summary>The JSON and covered fill row of one market's checkpoint, if one was saved.</summary>
    public static async Task<(string Json, long LastFillRow)?> CheckpointAsync(string connectionString, string instance, string venue, string? symbol,
        CancellationToken cancellationToken)
    {
        await using var connection = await SqliteConnectionTuning.OpenAsync(connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT "Json", "LastFillRow" FROM figures_checkpoints WHERE "Instance" = $instance AND "Venue" = $venue AND "Symbol" = $symbol""";
        command.Parameters.AddWithValue("$instance", instance);
        command.Parameters.AddWithValue("$venue", venue);
        command.Parameters.AddWithValue("$symbol", symbol ?? "");
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        return await r.ReadAsync(cancellationToken) ? (r.GetString(0), r.GetInt64(1)) : null;
    }

    private static void AddScope(SqliteCommand command, string instance, string venue, string? symbol)
    {
        command.Parameters.AddWithValue("$instance", instance);
        command.Parameters.AddWithValue("$venue", venue);
        command.Parameters.AddWithValue("$symbol", (object?)symbol ?? DBNull.Value);
    }

    internal static decimal Money(string text) => decimal.Parse(text, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture);

}
