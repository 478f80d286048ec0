
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

}
