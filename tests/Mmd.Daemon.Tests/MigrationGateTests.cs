using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
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
        var options = await DaemonDatabase.OpenAsync(path, CancellationToken.None);
        options = await DaemonDatabase.OpenAsync(path, CancellationToken.None);
        await using (var db = new DaemonDbContext(options))
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
                new[] { "orders", "fills", "runs", "stats_snapshots" }.Select(t => $"DROP TABLE IF EXISTS \"{t}\"; "));
            await drop.ExecuteNonQueryAsync();
        }
        SqliteConnection.ClearAllPools();
        var options = await MmdDatabase.OpenAsync(path, CancellationToken.None);
        await using var db = new MmdDbContext(options);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }
}
