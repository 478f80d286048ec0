
namespace Mmd.Persistence;

/// <summary>
/// Records the start and end of each run of an instance, in plain SQL on the EF model's table: the start is on the
/// path of a restarted worker, which must not wait for EF Core's start-up.
/// </summary>
public sealed class RunStore(JournalDatabase database)
{
    public async Task<long> StartAsync(string instance, int pid, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        await using var connection = await SqliteConnectionTuning.OpenAsync(database.ConnectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """INSERT INTO runs ("Instance", "Pid", "StartedAtMs") VALUES ($instance, $pid, $started) RETURNING "Id" """;
        command.Parameters.AddWithValue("$instance", instance);
        command.Parameters.AddWithValue("$pid", pid);
        command.Parameters.AddWithValue("$started", startedAt.ToUnixTimeMilliseconds());
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task EndAsync(long runId, DateTimeOffset endedAt, int exitCode, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await SqliteConnectionTuning.OpenAsync(database.ConnectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """UPDATE runs SET "EndedAtMs" = $ended, "ExitCode" = $code, "Reason" = $reason WHERE "Id" = $id""";
        command.Parameters.AddWithValue("$ended", endedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$code", exitCode);
        command.Parameters.AddWithValue("$reason", reason);
        command.Parameters.AddWithValue("$id", runId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Whether the latest run of <paramref name="instance"/> by process <paramref name="pid"/> journaled any order: false
    /// when it did not, or never got as far as its run row (no journal, no row: it could send nothing, since an order is
    /// journaled before it is sent); null when the journal cannot say (unreadable, or older than the run mark). Read-only:
    /// the daemon asks this of a worker that ended without confirming its book.
    /// </summary>
    public static async Task<bool?> JournaledOrdersAsync(string journalPath, string instance, int pid, CancellationToken cancellationToken)
    {
        if (!File.Exists(journalPath)) return false;
        try
        {
            await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(SqliteConnectionTuning.ReadOnlyConnectionString(journalPath));
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT EXISTS (SELECT 1 FROM orders WHERE "RunId" =
                    (SELECT "Id" FROM runs WHERE "Instance" = $instance AND "Pid" = $pid ORDER BY "Id" DESC LIMIT 1))
                """;
            command.Parameters.AddWithValue("$instance", instance);
            command.Parameters.AddWithValue("$pid", pid);
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) != 0;
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return null; // no tables yet, a column it predates, a locked or damaged file: the caller assumes the worst
        }
    }
}
