using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Mmd.Persistence;

/// <summary>
/// Applies a context's migrations only when the file lacks the newest one. EF's migrator builds its whole design
/// services to find out that nothing is pending, which cost about half a second of every daemon and worker start;
/// one query of the history table answers that for an up-to-date file.
/// </summary>
public static class MigrationGate
{
    /// <summary>Migrates when needed (creating a context only then) and switches the file to WAL.</summary>
    public static async Task ApplyAsync<TContext>(DbContextOptions<TContext> options, Func<DbContextOptions<TContext>, TContext> create, CancellationToken cancellationToken)
        where TContext : DbContext
    {
        var connectionString = ConnectionString(options);
        if (!await IsCurrentAsync<TContext>(connectionString, cancellationToken))
        {
            await using var db = create(options);
            await db.Database.MigrateAsync(cancellationToken);
        }
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var wal = connection.CreateCommand();
        wal.CommandText = "PRAGMA journal_mode=WAL;";
        await wal.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The connection string the options carry, read without starting EF Core's services.</summary>
    public static string ConnectionString(DbContextOptions options) =>
        options.Extensions.OfType<RelationalOptionsExtension>().Single().ConnectionString
        ?? throw new InvalidOperationException("the options name no connection string");

    /// <summary>The id of the newest migration compiled for <typeparamref name="TContext"/>.</summary>
    public static string LatestMigration<TContext>() where TContext : DbContext =>
        typeof(TContext).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<DbContextAttribute>()?.ContextType == typeof(TContext))
            .Select(t => t.GetCustomAttribute<MigrationAttribute>()?.Id)
            .OfType<string>()
            .Max(StringComparer.Ordinal) ?? throw new InvalidOperationException($"{typeof(TContext).Name} has no migrations");

    private static async Task<bool> IsCurrentAsync<TContext>(string connectionString, CancellationToken cancellationToken) where TContext : DbContext
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MigrationId FROM \"__EFMigrationsHistory\" ORDER BY MigrationId DESC LIMIT 1";
        try
        {
            return await command.ExecuteScalarAsync(cancellationToken) is string applied && string.Equals(applied, LatestMigration<TContext>(), StringComparison.Ordinal);
        }
        catch (SqliteException) { return false; } // no history table: a new file
    }
}
