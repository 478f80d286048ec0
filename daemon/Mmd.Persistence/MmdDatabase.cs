using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Mmd.Persistence;

/// <summary>Opens a database file: options, migrations applied, WAL on.</summary>
public static class MmdDatabase
{
    public static DbContextOptions<MmdDbContext> Options(string path)
    {
        var connection = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
        return new DbContextOptionsBuilder<MmdDbContext>()
            .UseSqlite(connection)
            .AddInterceptors(new SqliteConnectionTuning())
            .Options;
    }

    /// <summary>Creates the folder and the file if needed, applies pending migrations, switches to WAL.</summary>
    public static async Task<DbContextOptions<MmdDbContext>> OpenAsync(string path, CancellationToken cancellationToken, ILogger? log = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = Options(path);
        await MigrationGate.ApplyAsync(options, o => new MmdDbContext(o), cancellationToken, log);
        return options;
    }
}
