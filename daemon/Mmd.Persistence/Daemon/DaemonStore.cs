using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Mmd.Persistence.Daemon;

/// <summary>
/// Reads and writes the daemon's tables. Each call is one short transaction. EF Core's options are built at the first
/// call that needs a context (the warm-up, a second after serving), not in the daemon's start, which uses plain SQL.
/// </summary>
public sealed class DaemonStore(string path, TimeProvider time)
{
    private readonly string _connectionString = SqliteConnectionTuning.ConnectionString(path);
    private readonly Lazy<DbContextOptions<DaemonDbContext>> _options = new(() => DaemonDatabase.Options(path));

    private DbContextOptions<DaemonDbContext> Options => _options.Value;

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    // The two reads of the daemon's start use plain SQL: EF Core's first query costs half a second of start-up
    // (its services, the model, query compilation) that the daemon would otherwise spend before it can serve.
    public async Task<IReadOnlyList<InstanceEntity>> LoadInstancesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await SqliteConnectionTuning.OpenAsync(_connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Name, SpecJson, DesiredState, CreatedAtMs, UpdatedAtMs, Restarts, WorkerPid, WorkerStartedAtMs, WorkerRunId, LastSequence, SpecProto FROM instances ORDER BY Name";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var instances = new List<InstanceEntity>();
        while (await reader.ReadAsync(cancellationToken))
            instances.Add(new InstanceEntity
            {
                Name = reader.GetString(0), SpecJson = reader.GetString(1), DesiredState = reader.GetString(2),
                CreatedAtMs = reader.GetInt64(3), UpdatedAtMs = reader.GetInt64(4), Restarts = reader.GetInt32(5),
                WorkerPid = reader.IsDBNull(6) ? null : reader.GetInt32(6),
                WorkerStartedAtMs = reader.IsDBNull(7) ? null : reader.GetInt64(7),
                WorkerRunId = reader.IsDBNull(8) ? null : reader.GetInt64(8),
                LastSequence = reader.GetInt64(9),
                SpecProto = reader.IsDBNull(10) ? null : (byte[])reader.GetValue(10),
            });
        return instances;
    }

    /// <summary>Runs one EF Core query so its start-up cost is paid in the background, not by the first request.</summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        await using var db = new DaemonDbContext(Options);
        _ = await db.Instances.AsNoTracking().CountAsync(cancellationToken);
        _ = await db.Runs.AsNoTracking().Where(r => r.Instance == "").OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
    }


    public async Task AddInstanceAsync(InstanceEntity instance, CancellationToken cancellationToken)
    {
        await using var db = new DaemonDbContext(Options);
        db.Instances.Add(instance);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task DeleteInstanceAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = new DaemonDbContext(Options);
        await db.Instances.Where(i => i.Name == name).ExecuteDeleteAsync(cancellationToken);
    }

    public async Task SetDesiredStateAsync(string name, string desired, bool resetRestarts, CancellationToken cancellationToken)
    {
        await using var db = new DaemonDbContext(Options);
        var now = Now;
        if (resetRestarts)
            await db.Instances.Where(i => i.Name == name).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.DesiredState, desired).SetProperty(i => i.UpdatedAtMs, now).SetProperty(i => i.Restarts, 0), cancellationToken);
        else
            await db.Instances.Where(i => i.Name == name).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.DesiredState, desired).SetProperty(i => i.UpdatedAtMs, now), cancellationToken);
    }

    /// <summary>Saves an instance's changed spec (a live parameter change or grid range adjustment).</summary>
    public async Task UpdateSpecAsync(string name, string specJson, byte[] specProto, CancellationToken cancellationToken)
    {
        await using var db = new DaemonDbContext(Options);
        var now = Now;
        await db.Instances.Where(i => i.Name == name).ExecuteUpdateAsync(s => s
            .SetProperty(i => i.SpecJson, specJson).SetProperty(i => i.SpecProto, specProto).SetProperty(i => i.UpdatedAtMs, now), cancellationToken);
    }

    /// <summary>Adds the bytes of a spec that was read from its JSON, unless the spec has changed since.</summary>
    public async Task AddSpecProtoAsync(string name, string specJson, byte[] specProto, CancellationToken cancellationToken)
    {
        await using var db = new DaemonDbContext(Options);
        await db.Instances.Where(i => i.Name == name && i.SpecJson == specJson && i.SpecProto == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.SpecProto, specProto), cancellationToken);
    }

    /// <summary>Records a new worker: a run row, and the instance's live-worker columns for re-adoption.</summary>
    public async Task<long> WorkerStartedAsync(string name, int pid, DateTimeOffset startedAt, int restarts, CancellationToken cancellationToken)
    {
        await using var db = new DaemonDbContext(Options);
        var run = new InstanceRunEntity { Instance = name, Pid = pid, StartedAtMs = startedAt.ToUnixTimeMilliseconds() };
        db.Runs.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        await db.Instances.Where(i => i.Name == name).ExecuteUpdateAsync(s => s
            .SetProperty(i => i.WorkerPid, pid)
            .SetProperty(i => i.WorkerStartedAtMs, startedAt.ToUnixTimeMilliseconds())
            .SetProperty(i => i.WorkerRunId, run.Id)
            .SetProperty(i => i.Restarts, restarts), cancellationToken);
        return run.Id;
    }

    public async Task WorkerEndedAsync(string name, long runId, int? exitCode, string reason, bool? sentOrders, CancellationToken cancellationToken)
    {
        await using var db = new DaemonDbContext(Options);
        var now = Now;
        await db.Runs.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.EndedAtMs, now).SetProperty(r => r.ExitCode, exitCode).SetProperty(r => r.Reason, reason)
            .SetProperty(r => r.SentOrders, sentOrders), cancellationToken);
        await db.Instances.Where(i => i.Name == name && i.WorkerRunId == runId).ExecuteUpdateAsync(s => s
            .SetProperty(i => i.WorkerPid, (int?)null).SetProperty(i => i.WorkerStartedAtMs, (long?)null).SetProperty(i => i.WorkerRunId, (long?)null), cancellationToken);
    }

    public async Task AddEventAsync(string name, string kind, string message, CancellationToken cancellationToken)
    {
        await using var db = new DaemonDbContext(Options);
        db.Events.Add(new InstanceEventEntity { Instance = name, TimeMs = Now, Kind = kind, Message = message });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The instance's most recent run that has ended (how its last worker exited), or null.</summary>
    public async Task<InstanceRunEntity?> LastEndedRunAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await SqliteConnectionTuning.OpenAsync(_connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Id, Pid, StartedAtMs, EndedAtMs, ExitCode, Reason, SentOrders FROM instance_runs WHERE Instance = $name AND EndedAtMs IS NOT NULL ORDER BY Id DESC LIMIT 1";
        command.Parameters.AddWithValue("$name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new InstanceRunEntity
        {
            Id = reader.GetInt64(0), Instance = name, Pid = reader.GetInt32(1), StartedAtMs = reader.GetInt64(2),
            EndedAtMs = reader.IsDBNull(3) ? null : reader.GetInt64(3),
            ExitCode = reader.IsDBNull(4) ? null : reader.GetInt32(4),
            Reason = reader.IsDBNull(5) ? null : reader.GetString(5),
            SentOrders = reader.IsDBNull(6) ? null : reader.GetBoolean(6),
        };
    }

    /// <summary>
    /// The exit code of the instance's latest ended run that could have sent orders (null: killed), if any: its code is
    /// not one of <paramref name="skipped"/>, and its journal did not show it sent none.
    /// </summary>
    public async Task<(bool Found, int? ExitCode)> LastRunEndExceptAsync(string name, IReadOnlyCollection<int> skipped, CancellationToken cancellationToken)
    {
        await using var connection = await SqliteConnectionTuning.OpenAsync(_connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        var codes = string.Join(", ", skipped.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        command.CommandText = "SELECT ExitCode FROM instance_runs WHERE Instance = $name AND EndedAtMs IS NOT NULL " +
                              $"AND (ExitCode IS NULL OR ExitCode NOT IN ({codes})) AND (SentOrders IS NULL OR SentOrders <> 0) ORDER BY Id DESC LIMIT 1";
        command.Parameters.AddWithValue("$name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return (false, null);
        return (true, reader.IsDBNull(0) ? null : reader.GetInt32(0));
    }

    /// <summary>
    /// An instance's runs and events from <paramref name="sinceMs"/> on (runs still running or ended since), the newest
    /// <paramref name="limit"/> of each, newest first. Those of a deleted instance of that name too: they outlive it.
    /// </summary>
    public async Task<(IReadOnlyList<InstanceRunEntity> Runs, IReadOnlyList<InstanceEventEntity> Events)> ReadHistoryAsync(string name, long sinceMs, int limit,
        CancellationToken cancellationToken)
    {
        await using var db = new DaemonDbContext(Options);
        var runs = await db.Runs.AsNoTracking()
            .Where(r => r.Instance == name && (r.EndedAtMs == null || r.EndedAtMs >= sinceMs))
            .OrderByDescending(r => r.Id).Take(limit).ToListAsync(cancellationToken);
        var events = await db.Events.AsNoTracking()
            .Where(e => e.Instance == name && e.TimeMs >= sinceMs)
            .OrderByDescending(e => e.Id).Take(limit).ToListAsync(cancellationToken);
        return (runs, events);
    }

    private const int PruneBatch = 2000;

    /// <summary>
    /// Deletes the events older than <paramref name="before"/> and the runs that ended before it, but not the runs a start
    /// reads (<see cref="LastEndedRunAsync"/>, <see cref="LastRunEndExceptAsync"/>): each instance's latest ended run, and
    /// its latest that could have sent orders, stay whatever their age. In batches, so no write waits long for the lock.
    /// </summary>
    public async Task<(int Runs, int Events)> PruneHistoryAsync(DateTimeOffset before, IReadOnlyCollection<int> nonTradingExits, CancellationToken cancellationToken)
    {
        var codes = string.Join(", ", nonTradingExits.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var runs = await DeleteInBatchesAsync($"""
            WITH kept AS (
                SELECT Instance,
                       MAX(CASE WHEN EndedAtMs IS NOT NULL THEN Id END) AS LastEnded,
                       MAX(CASE WHEN EndedAtMs IS NOT NULL AND (ExitCode IS NULL OR ExitCode NOT IN ({codes}))
                                 AND (SentOrders IS NULL OR SentOrders <> 0) THEN Id END) AS LastTrading
                FROM instance_runs GROUP BY Instance)
            DELETE FROM instance_runs WHERE Id IN (
                SELECT r.Id FROM instance_runs r JOIN kept k ON k.Instance = r.Instance
                WHERE r.EndedAtMs < $before AND r.Id < k.LastEnded AND r.Id IS NOT k.LastTrading
                ORDER BY r.Id LIMIT $batch)
            """, before, cancellationToken);
        var events = await DeleteInBatchesAsync(
            "DELETE FROM instance_events WHERE Id IN (SELECT Id FROM instance_events WHERE TimeMs < $before ORDER BY Id LIMIT $batch)", before, cancellationToken);
        return (runs, events);
    }

    private async Task<int> DeleteInBatchesAsync(string sql, DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await SqliteConnectionTuning.OpenAsync(_connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$before", before.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$batch", PruneBatch);
        int deleted = 0, batch;
        do deleted += batch = await command.ExecuteNonQueryAsync(cancellationToken);
        while (batch == PruneBatch);
        return deleted;
    }

    public async Task SaveSequencesAsync(IReadOnlyDictionary<string, long> sequences, CancellationToken cancellationToken)
    {
        await using var db = new DaemonDbContext(Options);
        foreach (var (name, sequence) in sequences)
            await db.Instances.Where(i => i.Name == name && i.LastSequence < sequence)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.LastSequence, sequence), cancellationToken);
    }
}
