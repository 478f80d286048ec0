using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Mmd.Persistence;

/// <summary>
/// Per-connection pragmas: wait for a busy writer instead of failing with "database is locked", and in
/// WAL mode commit without an fsync per transaction (the WAL is synced at checkpoints).
/// </summary>
internal sealed class SqliteConnectionTuning : DbConnectionInterceptor
{
    internal const string Pragmas = "PRAGMA busy_timeout=10000; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";

    /// <summary>How both databases' files are opened, by EF Core and by the plain SQL paths alike.</summary>
    internal static string ConnectionString(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();

    /// <summary>
    /// A read-only look at a file another process writes (the daemon reading a worker's journal): no pool (the file may go
    /// with its instance), and a short wait for the writer.
    /// </summary>
    internal static string ReadOnlyConnectionString(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 5 }.ToString();

    /// <summary>A plain connection (the SQL paths that skip EF) with the same pragmas.</summary>
    internal static async Task<SqliteConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
