using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Mmd.Persistence;

/// <summary>An instance's journal file, migrated and in WAL mode, that the journal and the run records use through plain SQL.</summary>
public sealed record JournalDatabase(string Path)
{
    public string ConnectionString { get; } = SqliteConnectionTuning.ConnectionString(Path);
}

/// <summary>Opens a journal file: migrations applied, WAL on.</summary>
public static class MmdDatabase
{
    /// <summary>EF Core's options for a context on the file (migrations, tests, tools); the worker's own path never builds them.</summary>
    public static DbContextOptions<MmdDbContext> Options(string path) =>
        new DbContextOptionsBuilder<MmdDbContext>()
            .UseSqlite(SqliteConnectionTuning.ConnectionString(path))
            .AddInterceptors(new SqliteConnectionTuning())
            .Options;

    /// <summary>
    /// Creates the folder and the file if needed, applies pending migrations, switches to WAL (a file SQLite cannot use:
    /// <see cref="DatabaseUnusableException"/>). EF Core's options are
    /// built only when a migration is due: on an up-to-date file they were 70 to 150 ms of a restarted worker's way
    /// back to quoting, for nothing it used.
    /// </summary>
    public static async Task<JournalDatabase> OpenAsync(string path, CancellationToken cancellationToken, ILogger? log = null)
    {
        await MigrationGate.ApplyAsync(path, () => new MmdDbContext(Options(path)), cancellationToken, log);
        return new JournalDatabase(path);
    }
}
