using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Mmd.Persistence.Daemon;

/// <summary>Opens the daemon's database: migrations applied, WAL on.</summary>
public static class DaemonDatabase
{
    public static DbContextOptions<DaemonDbContext> Options(string path) =>
        new DbContextOptionsBuilder<DaemonDbContext>()
            .UseSqlite(SqliteConnectionTuning.ConnectionString(path))
            .AddInterceptors(new SqliteConnectionTuning())
            .Options;

    /// <summary>Creates the folder and the file if needed, applies pending migrations (only then building EF Core's options), switches to WAL (a file SQLite cannot use: <see cref="DatabaseUnusableException"/>).</summary>
    public static async Task OpenAsync(string path, CancellationToken cancellationToken, ILogger? log = null)
    {
        await MigrationGate.ApplyAsync(path, () => new DaemonDbContext(Options(path)), cancellationToken, log);
    }
}
