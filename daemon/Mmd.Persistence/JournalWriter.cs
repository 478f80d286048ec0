using System.Globalization;
using Microsoft.Data.Sqlite;
using Mmd.Trading.Execution;
using Mmd.Trading.Orders;

namespace Mmd.Persistence;

/// <summary>
/// The journal's hot writes on one long-lived connection with prepared statements: an order batch is one
/// transaction of upserts, a fill one conditional insert. This sits on the path of every order (it is written
/// before the request leaves), so it avoids EF's per-call context, change tracking and read-before-write.
/// Column names are the EF model's (see the Initial migration).
/// </summary>
internal sealed class JournalWriter : IAsyncDisposable
{
    private const string OrderRow = """
        INTO orders ("ClientOrderId", "Instance", "Venue", "Symbol", "VenueOrderId", "Side", "Type", "TimeInForce", "Price", "Quantity", "FilledQuantity",
                     "Status", "Purpose", "Level", "PostOnly", "ReduceOnly", "PostOnlyRetries", "CreatedAtMs", "UpdatedAtMs", "LastError", "RunId", "QuotedPrice")
        VALUES ($id, $instance, $venue, $symbol, $venueId, $side, $type, $tif, $price, $qty, $filled, $status, $purpose, $level, $postOnly, $reduceOnly, $retries, $created, $updated, $error,
                $run, $quoted)
        """;

    private static readonly string[] OrderParameters = ["$id", "$instance", "$venue", "$symbol", "$venueId", "$side", "$type", "$tif", "$price", "$qty", "$filled",
        "$status", "$purpose", "$level", "$postOnly", "$reduceOnly", "$retries", "$created", "$updated", "$error", "$run", "$quoted"];

    // A new order takes its id whole, and is the table's newest row (JournalReader.LastClientOrderIdAsync): a numbered
    // client id comes round again (ClientOrderIds.ContinueAfter), and an ended order of long ago may still hold it.
    private const string InsertNewOrder = "INSERT OR REPLACE " + OrderRow;

    // A known order changes only in what the venue tells of it.
    private const string UpsertOrder = "INSERT " + OrderRow + """

        ON CONFLICT ("ClientOrderId") DO UPDATE SET
            "VenueOrderId" = excluded."VenueOrderId", "FilledQuantity" = excluded."FilledQuantity", "Status" = excluded."Status",
            "UpdatedAtMs" = excluded."UpdatedAtMs", "LastError" = excluded."LastError"
        """;

    private const string InsertFill = """
        INSERT INTO fills ("Instance", "Venue", "Symbol", "TradeId", "VenueOrderId", "ClientOrderId", "Side", "Price", "Quantity", "Fee", "FeeAsset", "IsMaker", "Purpose", "TimestampMs")
        VALUES ($instance, $venue, $symbol, $trade, $venueId, $id, $side, $price, $qty, $fee, $feeAsset, $maker, $purpose, $ts)
        ON CONFLICT ("Venue", "Symbol", "TradeId", "Side") DO NOTHING
        """;

    private const string InsertStats = """
        INSERT INTO stats_snapshots ("Instance", "TimeMs", "Mid", "SessionFills", "SessionQuoteVolume", "SessionRealizedPnl", "SessionNetPnl",
                                     "CumulativeRealizedPnl", "CumulativeNetPnl", "Json")
        VALUES ($instance, $time, $mid, $fills, $volume, $realized, $net, $cumRealized, $cumNet, $json)
        RETURNING "Id"
        """;

    private const string UpdateStats = """
        UPDATE stats_snapshots SET "TimeMs" = $time, "Mid" = $mid, "SessionFills" = $fills, "SessionQuoteVolume" = $volume,
            "SessionRealizedPnl" = $realized, "SessionNetPnl" = $net, "CumulativeRealizedPnl" = $cumRealized, "CumulativeNetPnl" = $cumNet, "Json" = $json
        WHERE "Id" = $id
        """;

    private const string UpsertCheckpoint = """
        INSERT INTO figures_checkpoints ("Instance", "Venue", "Symbol", "LastFillRow", "TimeMs", "Json") VALUES ($instance, $venue, $symbol, $row, $time, $json)
        ON CONFLICT ("Instance", "Venue", "Symbol") DO UPDATE SET "LastFillRow" = excluded."LastFillRow", "TimeMs" = excluded."TimeMs", "Json" = excluded."Json"
        """;

    // The newest fill row of this journal's market among the rows added since the last look: the table's own row order from
    // there (NOT INDEXED), not every fill of the instance through the time index.
    private const string NewestFillRow = """
        SELECT MAX("Id") FROM fills NOT INDEXED WHERE "Id" > $from AND "Id" <= $to
          AND "Instance" = $instance AND "Venue" = $venue AND ($symbol IS NULL OR "Symbol" = $symbol)
        """;

    // Ended orders and old snapshots, a batch at a time: each batch holds the writer (and so the next order's journaling)
    // for milliseconds, not for the minutes a first prune of a year's journal would take in one statement.
    private const int PruneBatch = 2000;

    private const string PruneOrders = """
        DELETE FROM orders WHERE rowid IN (
            SELECT rowid FROM orders WHERE "Instance" = $instance AND "Status" IN ('Filled', 'Cancelled', 'Rejected') AND "UpdatedAtMs" < $before LIMIT $batch)
        """;

    private const string PruneStats = """
        DELETE FROM stats_snapshots WHERE rowid IN (
            SELECT rowid FROM stats_snapshots WHERE "Instance" = $instance AND "TimeMs" < $before
              AND "Id" < (SELECT MAX("Id") FROM stats_snapshots WHERE "Instance" = $instance) LIMIT $batch)
        """;

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _instance;
    private readonly string _venue;
    private readonly string? _symbol;
    private readonly long? _runId;
    // The newest fill row of this market, and how far the table has been looked through for it.
    private long _newestFillRow;
    private long _fillRowsSeenTo;
    private SqliteCommand? _insertNewOrder;
    private SqliteCommand? _upsertOrder;
    private SqliteCommand? _insertFill;
    private SqliteCommand? _insertStats;
    private SqliteCommand? _updateStats;
    private SqliteCommand? _upsertCheckpoint;
    // The row this writer inserted last: a snapshot that replaces the latest rewrites it.
    private long? _latestStatsId;

    /// <param name="runId">The run whose orders these are: a row keeps the run that first wrote it (see <see cref="RunStore.JournaledOrdersAsync"/>).</param>
    /// <param name="symbol">The market's symbol when the journal is of one (a cross-market hedge's); null: every symbol of the venue.</param>
    public JournalWriter(string connectionString, string instance, string venue, string? symbol, long? runId)
    {
        _connection = new SqliteConnection(connectionString);
        _instance = instance;
        _venue = venue;
        _symbol = symbol;
        _runId = runId;
    }

    /// <summary>The loaded checkpoint covers the fills up to <paramref name="row"/>: the next one looks only at rows after it.</summary>
    public void CheckpointLoaded(long row) => _newestFillRow = _fillRowsSeenTo = row;

    /// <summary>
    /// Saves the checkpoint's JSON as covering every fill of this market in the journal now. Only this writer adds them
    /// (one worker an instance), so the newest is found among the rows added since the last save, whatever the table holds.
    /// </summary>
    public async Task SaveCheckpointAsync(DateTimeOffset time, string json, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await EnsureOpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await _connection.BeginTransactionAsync(cancellationToken);
            await using (var top = _connection.CreateCommand())
            {
                top.Transaction = transaction;
                top.CommandText = """SELECT IFNULL(MAX("Id"), 0) FROM fills""";
                var to = Convert.ToInt64(await top.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
                if (to > _fillRowsSeenTo)
                {
                    await using var newest = _connection.CreateCommand();
                    newest.Transaction = transaction;
                    newest.CommandText = NewestFillRow;
                    newest.Parameters.AddWithValue("$from", _fillRowsSeenTo);
                    newest.Parameters.AddWithValue("$to", to);
                    newest.Parameters.AddWithValue("$instance", _instance);
                    newest.Parameters.AddWithValue("$venue", _venue);
                    newest.Parameters.AddWithValue("$symbol", (object?)_symbol ?? DBNull.Value);
                    if (await newest.ExecuteScalarAsync(cancellationToken) is long row) _newestFillRow = row;
                    _fillRowsSeenTo = to;
                }
            }
            var upsert = _upsertCheckpoint!;
            upsert.Transaction = transaction;
            var p = upsert.Parameters;
            p["$instance"].Value = _instance;
            p["$venue"].Value = _venue;
            p["$symbol"].Value = _symbol ?? "";
            p["$row"].Value = _newestFillRow;
            p["$time"].Value = time.ToUnixTimeMilliseconds();
            p["$json"].Value = json;
            await upsert.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            upsert.Transaction = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task SaveOrdersAsync(IReadOnlyList<TrackedOrder> orders, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await EnsureOpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await _connection.BeginTransactionAsync(cancellationToken);
            _insertNewOrder!.Transaction = _upsertOrder!.Transaction = transaction;
            foreach (var o in orders)
            {
                var command = o.Status == OrderStatus.New ? _insertNewOrder : _upsertOrder;
                var p = command.Parameters;
                p["$id"].Value = o.ClientOrderId;
                p["$instance"].Value = _instance;
                p["$venue"].Value = _venue;
                p["$symbol"].Value = o.Symbol;
                p["$venueId"].Value = (object?)o.VenueOrderId ?? DBNull.Value;
                p["$side"].Value = o.Side.ToString();
                p["$type"].Value = o.Type.ToString();
                p["$tif"].Value = o.TimeInForce.ToString();
                p["$price"].Value = o.Price is { } price ? Text(price) : DBNull.Value;
                p["$qty"].Value = Text(o.Quantity);
                p["$filled"].Value = Text(o.FilledQuantity);
                p["$status"].Value = o.Status.ToString();
                p["$purpose"].Value = o.Purpose.ToString();
                p["$level"].Value = o.Level;
                p["$postOnly"].Value = o.PostOnly;
                p["$reduceOnly"].Value = o.ReduceOnly;
                p["$retries"].Value = o.PostOnlyRetries;
                p["$created"].Value = o.CreatedAt.ToUnixTimeMilliseconds();
                p["$updated"].Value = (o.UpdatedAt == default ? o.CreatedAt : o.UpdatedAt).ToUnixTimeMilliseconds();
                p["$error"].Value = (object?)o.LastError ?? DBNull.Value;
                p["$run"].Value = (object?)_runId ?? DBNull.Value;
                p["$quoted"].Value = o.QuotedPrice is { } quoted ? Text(quoted) : DBNull.Value;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            _insertNewOrder.Transaction = _upsertOrder.Transaction = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<bool> RecordFillAsync(VenueFill fill, OrderPurpose purpose, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await EnsureOpenAsync(cancellationToken);
            var p = _insertFill!.Parameters;
            p["$instance"].Value = _instance;
            p["$venue"].Value = _venue;
            p["$symbol"].Value = fill.Symbol;
            p["$trade"].Value = fill.TradeId;
            p["$venueId"].Value = fill.VenueOrderId;
            p["$id"].Value = (object?)fill.ClientOrderId ?? DBNull.Value;
            p["$side"].Value = fill.Side.ToString();
            p["$price"].Value = Text(fill.Price);
            p["$qty"].Value = Text(fill.Quantity);
            p["$fee"].Value = Text(fill.Fee);
            p["$feeAsset"].Value = fill.FeeAsset;
            p["$maker"].Value = fill.IsMaker;
            p["$purpose"].Value = purpose.ToString();
            p["$ts"].Value = fill.Timestamp.ToUnixTimeMilliseconds();
            // The unique key settles duplicates inside SQLite: no read-then-write race between processes.
            return await _insertFill.ExecuteNonQueryAsync(cancellationToken) == 1;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_insertNewOrder is not null) await _insertNewOrder.DisposeAsync();
        if (_upsertOrder is not null) await _upsertOrder.DisposeAsync();
        if (_insertFill is not null) await _insertFill.DisposeAsync();
        if (_insertStats is not null) await _insertStats.DisposeAsync();
        if (_updateStats is not null) await _updateStats.DisposeAsync();
        if (_upsertCheckpoint is not null) await _upsertCheckpoint.DisposeAsync();
        await _connection.DisposeAsync();
        _gate.Dispose();
    }

    /// <param name="replaceLatest">Rewrite the snapshot this writer saved last instead of adding one (a fresher state within
    /// the same period); the first save of a writer always adds.</param>
    public async Task SaveStatsAsync(Trading.Stats.StatsSnapshot s, string json, bool replaceLatest, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await EnsureOpenAsync(cancellationToken);
            var replace = replaceLatest && _latestStatsId is not null;
            var command = replace ? _updateStats! : _insertStats!;
            var p = command.Parameters;
            if (replace) p["$id"].Value = _latestStatsId;
            else p["$instance"].Value = _instance;
            p["$time"].Value = s.Time.ToUnixTimeMilliseconds();
            p["$mid"].Value = s.Mid is { } mid ? Text(mid) : DBNull.Value;
            p["$fills"].Value = s.Session.Fills;
            p["$volume"].Value = Text(s.Session.QuoteVolume);
            p["$realized"].Value = Text(s.Session.RealizedPnl);
            p["$net"].Value = Text(s.Session.NetPnl);
            p["$cumRealized"].Value = Text(s.Cumulative.RealizedPnl);
            p["$cumNet"].Value = Text(s.Cumulative.NetPnl);
            p["$json"].Value = json;
            if (replace) await command.ExecuteNonQueryAsync(cancellationToken);
            else _latestStatsId = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Deletes the instance's ended orders last updated before <paramref name="before"/> and its stats snapshots from before it but the latest; returns the rows deleted.</summary>
    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var sql in new[] { PruneOrders, PruneStats })
        {
            int batch;
            do
            {
                await _gate.WaitAsync(cancellationToken);
                try
                {
                    await EnsureOpenAsync(cancellationToken);
                    await using var command = _connection.CreateCommand();
                    command.CommandText = sql;
                    command.Parameters.AddWithValue("$instance", _instance);
                    command.Parameters.AddWithValue("$before", before.ToUnixTimeMilliseconds());
                    command.Parameters.AddWithValue("$batch", PruneBatch);
                    batch = await command.ExecuteNonQueryAsync(cancellationToken);
                }
                finally
                {
                    _gate.Release();
                }
                deleted += batch;
            }
            while (batch == PruneBatch);
        }
        return deleted;
    }

    private async Task EnsureOpenAsync(CancellationToken cancellationToken)
    {
        if (_upsertOrder is not null) return;
        await _connection.OpenAsync(cancellationToken);
        await using (var pragmas = _connection.CreateCommand())
        {
            pragmas.CommandText = SqliteConnectionTuning.Pragmas;
            await pragmas.ExecuteNonQueryAsync(cancellationToken);
        }
        _insertNewOrder = Prepare(InsertNewOrder, OrderParameters);
        _upsertOrder = Prepare(UpsertOrder, OrderParameters);
        _insertFill = Prepare(InsertFill, "$instance", "$venue", "$symbol", "$trade", "$venueId", "$id", "$side", "$price", "$qty", "$fee",
            "$feeAsset", "$maker", "$purpose", "$ts");
        _insertStats = Prepare(InsertStats, "$instance", "$time", "$mid", "$fills", "$volume", "$realized", "$net", "$cumRealized", "$cumNet", "$json");
        _updateStats = Prepare(UpdateStats, "$id", "$time", "$mid", "$fills", "$volume", "$realized", "$net", "$cumRealized", "$cumNet", "$json");
        _upsertCheckpoint = Prepare(UpsertCheckpoint, "$instance", "$venue", "$symbol", "$row", "$time", "$json");
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters) command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
        command.Prepare();
        return command;
    }

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
