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
                   "Purpose", "TimestampMs", "Instance"
            FROM fills WHERE "Instance" = $instance AND "TimestampMs" >= $since
            ORDER BY "TimestampMs" DESC, "Id" DESC LIMIT $limit
            """;
        var fills = await ReadAsync(journalPath, sql, instance, sinceMs, limit, FillOf, cancellationToken);
        return Page(fills, limit);
    }

    /// <summary>
    /// The instance's trading by UTC day from <paramref name="from"/> on, newest first: its fills added up exactly (decimal),
    /// and each day's net PnL from that day's last stats snapshot (which keeps today's figure since mmd kept it).
    /// </summary>
    /// <exception cref="DatabaseUnusableException">The file is not a journal SQLite can read.</exception>
    public static async Task<IReadOnlyList<DailyTrading>> DailyAsync(string journalPath, string instance, DateOnly from, CancellationToken cancellationToken)
    {
        var fromMs = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
        var days = new SortedDictionary<DateOnly, DailyTrading>();
        DailyTrading Day(long ms) => days.TryGetValue(DayOf(ms), out var day) ? day : days[DayOf(ms)] = new DailyTrading(DayOf(ms));
        try
        {
            await using var connection = new SqliteConnection(SqliteConnectionTuning.ReadOnlyConnectionString(journalPath));
            await connection.OpenAsync(cancellationToken);
            await using (var fills = connection.CreateCommand())
            {
                fills.CommandText = """
                    SELECT "Side", "Price", "Quantity", "Fee", "FeeAsset", "IsMaker", "TimestampMs" FROM fills
                    WHERE "Instance" = $instance AND "TimestampMs" >= $from
                    """;
                fills.Parameters.AddWithValue("$instance", instance);
                fills.Parameters.AddWithValue("$from", fromMs);
                await using var r = await fills.ExecuteReaderAsync(cancellationToken);
                while (await r.ReadAsync(cancellationToken))
                    Day(r.GetInt64(6)).Add(r.GetString(0) == nameof(Trading.Primitives.Side.Buy), JournalReader.Money(r.GetString(1)), JournalReader.Money(r.GetString(2)),
                        JournalReader.Money(r.GetString(3)), r.GetString(4), r.GetBoolean(5));
            }
            await using (var snapshots = connection.CreateCommand())
            {
                // Each day's last snapshot: its today's figure is the day's net PnL (so far, for today).
                snapshots.CommandText = """
                    SELECT "TimeMs", "Json" FROM stats_snapshots WHERE "Id" IN (
                        SELECT MAX("Id") FROM stats_snapshots WHERE "Instance" = $instance AND "TimeMs" >= $from GROUP BY "TimeMs" / 86400000)
                    """;
                snapshots.Parameters.AddWithValue("$instance", instance);
                snapshots.Parameters.AddWithValue("$from", fromMs);
                await using var r = await snapshots.ExecuteReaderAsync(cancellationToken);
                while (await r.ReadAsync(cancellationToken))
                    if (TodayNetPnl(r.GetString(1), DayOf(r.GetInt64(0))) is { } net) Day(r.GetInt64(0)).NetPnl = net;
            }
        }
        catch (SqliteException ex)
        {
            throw new DatabaseUnusableException(journalPath, ex);
        }
        return days.Values.Reverse().ToList();
    }

    private static DateOnly DayOf(long ms) => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime);

    // A snapshot's figure for its own day: one whose day start is of another day (or that has none) does not say.
    private static decimal? TodayNetPnl(string json, DateOnly day)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            var root = document.RootElement;
            if (!root.TryGetProperty("DayStart", out var start) || start.ValueKind != System.Text.Json.JsonValueKind.Object
                || !start.TryGetProperty("Day", out var startDay) || startDay.GetString() != day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
                || !root.TryGetProperty("TodayNetPnl", out var today) || today.ValueKind != System.Text.Json.JsonValueKind.String)
                return null;
            return JournalReader.Money(today.GetString()!);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            return null; // a snapshot of another shape: that day's figure is not known
        }
    }

    private static readonly OrderStatus[] NotEnded =
        Enum.GetValues<OrderStatus>().Where(s => s is not (OrderStatus.Filled or OrderStatus.Cancelled or OrderStatus.Rejected)).ToArray();

    // One row more than the limit says whether there were more.
    /// <summary>
    /// Up to <paramref name="limit"/> of the instance's fills journaled after the one with id <paramref name="afterId"/>
    /// (0: from the first), timed from <paramref name="sinceMs"/> to before <paramref name="untilMs"/>, in the order they
    /// were journaled: an export's pages, which skip and repeat no fill however many are journaled meanwhile.
    /// </summary>
    /// <exception cref="DatabaseUnusableException">The file is not a journal SQLite can read.</exception>
    public static async Task<IReadOnlyList<FillEntity>> FillsAfterAsync(string journalPath, string instance, long afterId, long sinceMs, long untilMs, int limit,
        CancellationToken cancellationToken)
    {
        // The primary key walks in journal order; the time span is a filter on it.
        const string sql = """
            SELECT "Id", "Venue", "Symbol", "TradeId", "VenueOrderId", "ClientOrderId", "Side", "Price", "Quantity", "Fee", "FeeAsset", "IsMaker",
                   "Purpose", "TimestampMs", "Instance"
            FROM fills WHERE "Id" > $after AND "Instance" = $instance AND "TimestampMs" >= $since AND "TimestampMs" < $until
            ORDER BY "Id" LIMIT $limit
            """;
        var fills = await ReadAsync(journalPath, sql, instance, sinceMs, limit, FillOf, cancellationToken, new() { ["$after"] = afterId, ["$until"] = untilMs });
        return Page(fills, limit).Item1;
    }

    private static async Task<List<T>> ReadAsync<T>(string journalPath, string sql, string instance, long sinceMs, int limit, Func<SqliteDataReader, T> row,
        CancellationToken cancellationToken, Dictionary<string, long>? more = null)
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
            foreach (var (name, value) in more ?? []) command.Parameters.AddWithValue(name, value);
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

    /// <summary>A fill row of the two fill queries (their columns in this order).</summary>
    private static FillEntity FillOf(SqliteDataReader r) => new()
    {
        Id = r.GetInt64(0), Instance = r.GetString(14), Venue = r.GetString(1), Symbol = r.GetString(2), TradeId = r.GetString(3), VenueOrderId = r.GetString(4),
        ClientOrderId = r.IsDBNull(5) ? null : r.GetString(5), Side = r.GetString(6), Price = JournalReader.Money(r.GetString(7)), Quantity = JournalReader.Money(r.GetString(8)),
        Fee = JournalReader.Money(r.GetString(9)), FeeAsset = r.GetString(10), IsMaker = r.GetBoolean(11), Purpose = r.GetString(12), TimestampMs = r.GetInt64(13),
    };

    private static (IReadOnlyList<T>, bool) Page<T>(List<T> rows, int limit) => rows.Count > limit ? (rows[..limit], true) : (rows, false);
}
