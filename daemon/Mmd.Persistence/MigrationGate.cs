using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;

namespace Mmd.Persistence;

/// <summary>
/// Applies a context's migrations only when the file lacks the newest one. EF's migrator builds its whole design
/// services to find out that nothing is pending, which cost about half a second of every daemon and worker start;
/// one query of the history table answers that for an up-to-date file. A new file is created from EF's script of every
/// migration, checked in beside them (<see cref="SchemaScript{TContext}"/>): the same statements the migrator would
/// run, without building it (another 0.6 s of a new instance's first start).
/// </summary>
/// <remarks>
/// EF Core serializes migrators on SQLite with a row in <c>__EFMigrationsLock</c>, which nothing removes when the
/// process holding it dies (or when a migration fails at certain points: dotnet/efcore#38958); every later
/// migration then waits for it forever. Migrators here take an OS lock on a file beside the database first, which
/// dies with its process: whoever holds it knows that any lock row left in the file is stale, and removes it.
/// </remarks>
public static class MigrationGate
{
    private static readonly TimeSpan LockRetry = TimeSpan.FromMilliseconds(50);

    /// <summary>SQLITE_ERROR, which "no such table" is; a file that is not a database (26) or is corrupt (11) must not pass for a new one.</summary>
    private const int NoSuchTable = 1;

    /// <summary>Creates the file's folder, migrates when needed (creating a context only then) and switches the file to WAL.</summary>
    /// <exception cref="DatabaseUnusableException">SQLite cannot use the file (not a database, corrupt, unreadable).</exception>
    public static async Task ApplyAsync<TContext>(string path, Func<TContext> create, CancellationToken cancellationToken, ILogger? log = null)
        where TContext : DbContext
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        try
        {
            await MigrateAsync(path, SqliteConnectionTuning.ConnectionString(path), create, log, cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw new DatabaseUnusableException(path, ex);
        }
    }

    private static async Task MigrateAsync<TContext>(string path, string connectionString, Func<TContext> create, ILogger? log, CancellationToken cancellationToken)
        where TContext : DbContext
    {
        if (await StateOfAsync<TContext>(connectionString, cancellationToken) != FileState.Current)
        {
            await using var migrating = await LockAsync(path + ".migrating", cancellationToken);
            // Another process may have migrated the file while this one waited for the lock.
            switch (await StateOfAsync<TContext>(connectionString, cancellationToken))
            {
                case FileState.Empty:
                    await ExecuteAsync(connectionString, SchemaScript<TContext>(), cancellationToken);
                    break;
                case FileState.Behind:
                    if (await RemoveStaleLockAsync(connectionString, cancellationToken) is { } since && log is not null)
                        PersistenceLog.StaleMigrationLockRemoved(log, path, since);
                    await using (var db = create()) await db.Database.MigrateAsync(cancellationToken);
                    break;
            }
        }
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var wal = connection.CreateCommand();
        wal.CommandText = "PRAGMA journal_mode=WAL;";
        await wal.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// EF's script of every migration of <typeparamref name="TContext"/>, from none to the newest (`dotnet ef migrations
    /// script --context <typeparamref name="TContext"/>`): each migration in its own transaction with its history row, as
    /// the migrator runs them. A test holds it equal to what EF generates, so a new migration cannot leave it behind.
    /// </summary>
    public static string SchemaScript<TContext>() where TContext : DbContext
    {
        var name = typeof(TContext).Name + ".sql";
        using var stream = typeof(TContext).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{name} is not embedded in {typeof(TContext).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The id of the newest migration compiled for <typeparamref name="TContext"/>.</summary>
    public static string LatestMigration<TContext>() where TContext : DbContext =>
        typeof(TContext).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<DbContextAttribute>()?.ContextType == typeof(TContext))
            .Select(t => t.GetCustomAttribute<MigrationAttribute>()?.Id)
            .OfType<string>()
            .Max(StringComparer.Ordinal) ?? throw new InvalidOperationException($"{typeof(TContext).Name} has no migrations");

    /// <summary>Up to date; empty (SQLite makes an empty database of a path that did not exist); or anything else, which EF's migrator brings forward.</summary>
    private enum FileState { Current, Empty, Behind }

    private static async Task<FileState> StateOfAsync<TContext>(string connectionString, CancellationToken cancellationToken) where TContext : DbContext
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MigrationId FROM \"__EFMigrationsHistory\" ORDER BY MigrationId DESC LIMIT 1";
        try
        {
            return await command.ExecuteScalarAsync(cancellationToken) is string applied && string.Equals(applied, LatestMigration<TContext>(), StringComparison.Ordinal)
                ? FileState.Current : FileState.Behind;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == NoSuchTable)
        {
            command.CommandText = "SELECT COUNT(*) FROM sqlite_master";
            return (long)(await command.ExecuteScalarAsync(cancellationToken))! == 0 ? FileState.Empty : FileState.Behind;
        }
    }

    /// <summary>An exclusive flock on <paramref name="path"/> (FileShare.None), waited for; the OS drops it with its process.</summary>
    private static async Task<FileStream> LockAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (File.Exists(path))
            {
                await Task.Delay(LockRetry, TimeProvider.System, cancellationToken); // a live migrator holds it
            }
        }
    }

    /// <summary>Deletes EF's lock row, if any, and returns the time it was taken; only called under the file lock.</summary>
    private static async Task<string?> RemoveStaleLockAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM \"__EFMigrationsLock\" RETURNING \"Timestamp\"";
        try
        {
            return await command.ExecuteScalarAsync(cancellationToken) as string;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == NoSuchTable) { return null; } // no migration ever started on this file
    }
}
