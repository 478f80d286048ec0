using Microsoft.Data.Sqlite;

namespace Mmd.TestKit;

/// <summary>Plain SQL on a database file, to leave it as a past run would have (or read it back), unpooled.</summary>
public static class SqliteFile
{
    public static Task ExecuteAsync(string path, string sql) => RunAsync(path, sql, c => c.ExecuteNonQueryAsync());

    public static Task<object?> ScalarAsync(string path, string sql) => RunAsync(path, sql, c => c.ExecuteScalarAsync());

    private static async Task<T> RunAsync<T>(string path, string sql, Func<SqliteCommand, Task<T>> run)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await run(command);
    }

    /// <summary>What a process that took EF Core's migration lock and died leaves in the file: the lock row, taken at <paramref name="since"/>.</summary>
    public static Task LeaveMigrationLockAsync(string path, string since) => ExecuteAsync(path,
        "CREATE TABLE IF NOT EXISTS \"__EFMigrationsLock\" (\"Id\" INTEGER NOT NULL PRIMARY KEY, \"Timestamp\" TEXT NOT NULL); "
        + $"INSERT INTO \"__EFMigrationsLock\" VALUES (1, '{since}');");

    /// <summary>How many EF Core migration lock rows the file holds.</summary>
    public static async Task<long> MigrationLocksAsync(string path) => (long)(await ScalarAsync(path, "SELECT COUNT(*) FROM \"__EFMigrationsLock\""))!;
}
