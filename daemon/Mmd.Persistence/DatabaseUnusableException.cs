using Microsoft.Data.Sqlite;

namespace Mmd.Persistence;

/// <summary>A database file SQLite cannot use (not a database, corrupt, unreadable), named with its path.</summary>
public sealed class DatabaseUnusableException(string path, SqliteException inner) : IOException($"{path}: {inner.Message}", inner)
{
    public string Path { get; } = path;
}
