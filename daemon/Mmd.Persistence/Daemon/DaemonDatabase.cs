using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Mmd.Persistence.Daemon;

/// <summary>Opens the daemon's database: migrations applied, WAL on.</summary>
public static class DaemonDatabase
{
    public static DbContextOptions<DaemonDbContext> Options(string path) =>
        new DbContextOptionsBuilder<DaemonDbContext>()
            .UseSqlite(new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString())
            .AddInterceptors(new SqliteConnectionTuning())
            .Options;

    public static async Task<DbContextOptions<DaemonDbContext>> OpenAsync(string path, CancellationToken cancellationToken, ILogger? log = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = Options(path);
        await MigrationGate.ApplyAsync(MigrationGate.ConnectionString(options), () => new DaemonDbContext(options), cancellationToken, log);
        return options;
    }
}
