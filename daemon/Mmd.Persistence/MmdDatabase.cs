using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

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
    public static async Task<DbContextOptions<MmdDbContext>> OpenAsync(string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = Options(path);
        await MigrationGate.ApplyAsync(options, o => new MmdDbContext(o), cancellationToken);
        return options;
    }
}
