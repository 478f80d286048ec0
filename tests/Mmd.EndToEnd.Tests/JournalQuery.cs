using Microsoft.EntityFrameworkCore;
using Mmd.Persistence;
using Mmd.Persistence.Entities;

namespace Mmd.EndToEnd.Tests;

/// <summary>Reads an instance's journal while its process writes it.</summary>
internal static class JournalQuery
{
    /// <summary>A COUNT(*) AS Value query; 0 while the file does not exist or is not migrated yet.</summary>
    public static async Task<int> CountAsync(string journalPath, string sql)
    {
        if (!File.Exists(journalPath)) return 0;
        await using var db = new MmdDbContext(MmdDatabase.Options(journalPath));
        try { return await db.Database.SqlQueryRaw<int>(sql).SingleAsync(); }
        catch (Microsoft.Data.Sqlite.SqliteException) { return 0; }
    }

    /// <summary>The instance's position from its journaled fills, and how many fills closed it on a flatten.</summary>
    public static async Task<(decimal Position, int FlattenFills)> PositionAsync(string journalPath)
    {
        await using var db = new MmdDbContext(MmdDatabase.Options(journalPath));
        var fills = await db.Fills.Select(f => new { f.Side, f.Quantity, f.Purpose }).ToListAsync();
        return (fills.Sum(f => f.Side == "Buy" ? f.Quantity : -f.Quantity), fills.Count(f => f.Purpose == "Flatten"));
    }

    /// <summary>Every client order id the journal holds, whatever its status.</summary>
    public static async Task<HashSet<string>> ClientOrderIdsAsync(string journalPath)
    {
        await using var db = new MmdDbContext(MmdDatabase.Options(journalPath));
        return (await db.Orders.Select(o => o.ClientOrderId).ToListAsync()).ToHashSet();
    }

    /// <summary>Every journaled fill, oldest first: for a failed check to say which fills differ from the venue's.</summary>
    public static async Task<List<FillEntity>> FillsAsync(string journalPath)
    {
        await using var db = new MmdDbContext(MmdDatabase.Options(journalPath));
        return await db.Fills.AsNoTracking().OrderBy(f => f.Id).ToListAsync();
    }
}
