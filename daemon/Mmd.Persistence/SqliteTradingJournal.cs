using System.Text.Json;
using Mmd.Trading.Engine;
using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Risk;
using Mmd.Trading.Stats;

namespace Mmd.Persistence;

/// <summary>
/// The order journal of one instance on one venue (and one symbol, when set: a cross-market hedge keeps one journal per
/// market, both in the instance's database) in SQLite, in plain SQL on the EF model's tables: each write is one short
/// transaction on a prepared statement, and the reads at start skip EF Core's start-up (see JournalReader). Orders are
/// marked with <paramref name="runId"/>, the run that journaled them.
/// </summary>
public sealed class SqliteTradingJournal(JournalDatabase database, string instance, string venue, string? symbol = null, long? runId = null)
    : ITradingJournal, IAsyncDisposable
{
    private readonly JournalWriter _writer = new(database.ConnectionString, instance, venue, symbol, runId);
    // The latest snapshot's JSON as read (null inside when none was saved), until this journal saves one.
    private LastStats? _lastStats;

    private sealed record LastStats(string? Json);

    private static readonly JsonSerializerOptions SnapshotJson = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.WriteAsString | System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
    };

    public Task SaveOrdersAsync(IReadOnlyList<TrackedOrder> orders, CancellationToken cancellationToken) =>
        _writer.SaveOrdersAsync(orders, cancellationToken);

    public Task<bool> RecordFillAsync(VenueFill fill, OrderPurpose purpose, CancellationToken cancellationToken) =>
        _writer.RecordFillAsync(fill, purpose, cancellationToken);

    public Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken) => _writer.PruneAsync(before, cancellationToken);

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    public Task<IReadOnlyList<TrackedOrder>> LoadOpenOrdersAsync(CancellationToken cancellationToken) =>
        JournalReader.OpenOrdersAsync(database.ConnectionString, instance, venue, symbol, cancellationToken);

    public Task<OrderPurpose?> LoadOrderPurposeAsync(string clientOrderId, CancellationToken cancellationToken) =>
        JournalReader.OrderPurposeAsync(database.ConnectionString, instance, clientOrderId, cancellationToken);

    public Task<string?> LoadLastClientOrderIdAsync(CancellationToken cancellationToken) =>
        JournalReader.LastClientOrderIdAsync(database.ConnectionString, instance, venue, cancellationToken);

    public IAsyncEnumerable<JournaledFill> ReadFillsAsync(FillQuery query, CancellationToken cancellationToken) =>
        JournalReader.FillsAsync(database.ConnectionString, instance, venue, symbol, query, cancellationToken);

    public Task SaveCheckpointAsync(FiguresCheckpoint checkpoint, CancellationToken cancellationToken) =>
        _writer.SaveCheckpointAsync(checkpoint.Time, JsonSerializer.Serialize(checkpoint, SnapshotJson), cancellationToken);

    public async Task<JournalCheckpoint?> LoadCheckpointAsync(CancellationToken cancellationToken)
    {
        if (await JournalReader.CheckpointAsync(database.ConnectionString, instance, venue, symbol, cancellationToken) is not { } saved) return null;
        // Whether or not the engine can use it, the fills up to its row are this market's newest as of then.
        _writer.CheckpointLoaded(saved.LastFillRow);
        try
        {
            return JsonSerializer.Deserialize<FiguresCheckpoint>(saved.Json, SnapshotJson) is { } figures ? new JournalCheckpoint(figures, saved.LastFillRow) : null;
        }
        catch (JsonException)
        {
            return null; // another shape: every fill is replayed, and the next save replaces it
        }
    }

    public Task SaveStatsAsync(StatsSnapshot snapshot, bool replaceLatest, CancellationToken cancellationToken)
    {
        _lastStats = null; // the latest is this one now
        return _writer.SaveStatsAsync(snapshot, JsonSerializer.Serialize(snapshot, SnapshotJson), replaceLatest, cancellationToken);
    }

    public Task<StrategyFigures?> LoadLastStrategyFiguresAsync(CancellationToken cancellationToken) =>
        FromLastSnapshotAsync(root => root.TryGetProperty(nameof(StatsSnapshot.StrategyFigures), out var figures) && figures.ValueKind == JsonValueKind.Object
            ? figures.Deserialize<StrategyFigures>(SnapshotJson)
            : null, cancellationToken);

    public Task<string?> LoadTrippedKillSwitchAsync(CancellationToken cancellationToken) =>
        FromLastSnapshotAsync(root => root.TryGetProperty(nameof(StatsSnapshot.KillSwitchTripped), out var tripped) && tripped.ValueKind == JsonValueKind.True
            // A snapshot written before the reason was kept still says that it tripped.
            ? root.TryGetProperty(nameof(StatsSnapshot.KillSwitchReason), out var reason) && reason.ValueKind == JsonValueKind.String ? reason.GetString() : "tripped in an earlier run"
            : null, cancellationToken);

    public Task<DayStart?> LoadDayStartAsync(CancellationToken cancellationToken) =>
        FromLastSnapshotAsync(root => root.TryGetProperty(nameof(StatsSnapshot.DayStart), out var start) && start.ValueKind == JsonValueKind.Object
            ? start.Deserialize<DayStart>(SnapshotJson)
            : null, cancellationToken);

    /// <summary>Reads one thing from the latest stats snapshot; null when none was saved, or it is of an older shape (the run starts afresh).</summary>
    private async Task<T?> FromLastSnapshotAsync<T>(Func<JsonElement, T?> read, CancellationToken cancellationToken) where T : class
    {
        // A start reads the strategy's figures, the kill switch and the day's start from the same row: one query for them all.
        _lastStats ??= new(await JournalReader.LastStatsJsonAsync(database.ConnectionString, instance, cancellationToken));
        if (_lastStats.Json is not { } json) return null;
        try
        {
            using var document = JsonDocument.Parse(json);
            return read(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
