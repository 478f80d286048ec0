using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging.Testing;
using Mmd.Persistence;
using Mmd.Persistence.Daemon;
using Mmd.TestKit;

namespace Mmd.Daemon.Tests;

public sealed class MigrationGateTests
{
    [Fact]
    public void LatestMigration_IsEfsOwnNewestMigration_ForBothDatabases()
    {
        using var dir = new TempDirectory();
        using (var journal = new MmdDbContext(MmdDatabase.Options(dir.Combine("j.db"))))
            Assert.Equal(journal.Database.GetMigrations().Last(), MigrationGate.LatestMigration<MmdDbContext>());
        using var daemon = new DaemonDbContext(DaemonDatabase.Options(dir.Combine("d.db")));
        Assert.Equal(daemon.Database.GetMigrations().Last(), MigrationGate.LatestMigration<DaemonDbContext>());
    }

    [Fact]
    public async Task NewFile_IsMigrated_ReopeningIsANoOp_AndWalIsOn()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("d.db");
        await DaemonDatabase.OpenAsync(path, CancellationToken.None);
        await DaemonDatabase.OpenAsync(path, CancellationToken.None);
        await using (var db = new DaemonDbContext(DaemonDatabase.Options(path)))
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var mode = connection.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await mode.ExecuteScalarAsync());
    }

    [Fact]
    public async Task FileWithAnOlderHistory_IsMigratedForward()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("j.db");
        await MmdDatabase.OpenAsync(path, CancellationToken.None);
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            // Pretend the newest migration was never applied: its tables go, and so does its history row.
            await connection.OpenAsync();
            await using var drop = connection.CreateCommand();
            drop.CommandText = "DELETE FROM \"__EFMigrationsHistory\"; " + string.Concat(
                new[] { "orders", "fills", "runs", "stats_snapshots", "figures_checkpoints" }.Select(t => $"DROP TABLE IF EXISTS \"{t}\"; "));
            await drop.ExecuteNonQueryAsync();
        }
        SqliteConnection.ClearAllPools();
        var journal = await MmdDatabase.OpenAsync(path, CancellationToken.None);
        await using var db = new MmdDbContext(MmdDatabase.Options(journal.Path));
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task LockRowLeftByAMigratorThatDied_IsRemoved_AndTheFileMigrated()
    {
        // What a process killed (or failed) in its first migration leaves: EF's lock row, and no history. EF alone
        // waits for that row forever, at every later start.
        using var dir = new TempDirectory();
        var path = dir.Combine("j.db");
        await SqliteFile.LeaveMigrationLockAsync(path, "2026-12-02 06:30:45.101523+00:00");
        var log = new FakeLogger();

        await MmdDatabase.OpenAsync(path, CancellationToken.None, log).DefaultTimeout();

        await using (var db = new MmdDbContext(MmdDatabase.Options(path)))
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(0L, await SqliteFile.MigrationLocksAsync(path));
        var warning = Assert.Single(log.Collector.GetSnapshot());
        Assert.Contains("2026-12-02 06:30:45", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LockRowLeftInTheDaemonsDatabase_IsRemoved_AndTheFileMigrated()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("d.db");
        await DaemonDatabase.OpenAsync(path, CancellationToken.None);
        SqliteConnection.ClearAllPools();
        // A migration that died: its work rolled back, the lock row it took stayed.
        await SqliteFile.ExecuteAsync(path, "DELETE FROM \"__EFMigrationsHistory\"; "
            + string.Concat(new[] { "instances", "instance_runs", "instance_events" }.Select(t => $"DROP TABLE \"{t}\"; ")));
        await SqliteFile.LeaveMigrationLockAsync(path, "2026-12-01 10:00:00+00:00");

        await DaemonDatabase.OpenAsync(path, CancellationToken.None).DefaultTimeout();

        await using var db = new DaemonDbContext(DaemonDatabase.Options(path));
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Empty(await db.Instances.ToListAsync());
        Assert.Equal(0L, await SqliteFile.MigrationLocksAsync(path));
    }

    [Fact]
    public async Task AFileThatIsNotADatabase_IsNamedInTheError_AndLeftAsItIs()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("j.db");
        var garbage = new byte[8192];
        new Random(3).NextBytes(garbage);
        await File.WriteAllBytesAsync(path, garbage);

        var ex = await Assert.ThrowsAsync<DatabaseUnusableException>(() => MmdDatabase.OpenAsync(path, CancellationToken.None));

        Assert.Equal(path, ex.Path);
        Assert.StartsWith(path + ": ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("file is not a database", ex.Message, StringComparison.Ordinal);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task ALiveMigrator_IsWaitedFor_ItsLockRowIsNotTakenFromIt()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("j.db");
        // Another process in the middle of migrating: it holds the file lock, and its row is in the file.
        await SqliteFile.LeaveMigrationLockAsync(path, "2026-12-02 06:30:45+00:00");
        var held = new FileStream(path + ".migrating", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        var opening = MmdDatabase.OpenAsync(path, CancellationToken.None);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(opening.IsCompleted);
        Assert.Equal(1L, await SqliteFile.MigrationLocksAsync(path));

        // The other migrator finishes: it removes its row and lets go of the file.
        await SqliteFile.ExecuteAsync(path, "DELETE FROM \"__EFMigrationsLock\";");
        await held.DisposeAsync();
        await opening.DefaultTimeout();
        await using var db = new MmdDbContext(MmdDatabase.Options(path));
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public void SchemaScripts_AreEfsOwnScriptOfEveryMigration()
    {
        using var dir = new TempDirectory();
        using (var journal = new MmdDbContext(MmdDatabase.Options(dir.Combine("j.db"))))
            AssertIsEfsScript(journal, MigrationGate.SchemaScript<MmdDbContext>(), "daemon/Mmd.Persistence/Migrations/MmdDbContext.sql");
        using var daemon = new DaemonDbContext(DaemonDatabase.Options(dir.Combine("d.db")));
        AssertIsEfsScript(daemon, MigrationGate.SchemaScript<DaemonDbContext>(), "daemon/Mmd.Persistence/Migrations/Daemon/DaemonDbContext.sql");
    }

    private static void AssertIsEfsScript(DbContext db, string script, string file)
    {
        var generated = db.GetService<IMigrator>().GenerateScript();
        Assert.True(generated.ReplaceLineEndings() == script.ReplaceLineEndings(),
            $"{file} is not EF's script of the migrations: after adding a migration, write it again with " +
            $"`dotnet ef migrations script --project daemon/Mmd.Persistence --context {db.GetType().Name} -o {file}`");
    }

    [Fact]
    public async Task ANewFile_IsCreatedFromTheScript_WithTheSchemaAndHistoryEfsMigratorGivesIt()
    {
        using var dir = new TempDirectory();
        await MmdDatabase.OpenAsync(dir.Combine("j.db"), CancellationToken.None);
        await using (var db = new MmdDbContext(MmdDatabase.Options(dir.Combine("j-ef.db")))) await db.Database.MigrateAsync();
        await DaemonDatabase.OpenAsync(dir.Combine("d.db"), CancellationToken.None);
        await using (var db = new DaemonDbContext(DaemonDatabase.Options(dir.Combine("d-ef.db")))) await db.Database.MigrateAsync();

        foreach (var (created, migrated) in new[] { ("j.db", "j-ef.db"), ("d.db", "d-ef.db") })
        {
            Assert.Equal(await SchemaAsync(dir.Combine(migrated)), await SchemaAsync(dir.Combine(created)));
            // The migrator's own lock table: the new file never had a migrator run on it.
            Assert.Equal((1L, 0L), (await TablesNamedAsync(dir.Combine(migrated), "__EFMigrationsLock"), await TablesNamedAsync(dir.Combine(created), "__EFMigrationsLock")));
        }
        await using var journal = new MmdDbContext(MmdDatabase.Options(dir.Combine("j.db")));
        Assert.Empty(await journal.Database.GetPendingMigrationsAsync());
    }

    /// <summary>Every table, index and history row of the file but the migrator's lock table, as SQLite keeps them.</summary>
    private static async Task<List<string>> SchemaAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT type || ' ' || name || ' ' || IFNULL(sql, '') FROM sqlite_master WHERE name <> '__EFMigrationsLock'
            UNION ALL SELECT 'history ' || MigrationId || ' ' || ProductVersion FROM "__EFMigrationsHistory" ORDER BY 1
            """;
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    private static async Task<long> TablesNamedAsync(string path, string table) =>
        (long)(await SqliteFile.ScalarAsync(path, $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"))!;
}
