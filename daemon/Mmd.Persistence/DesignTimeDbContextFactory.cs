using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Mmd.Persistence;

/// <summary>Lets <c>dotnet ef</c> build the model without running the daemon (no sockets, no folders created).</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<MmdDbContext>
{
    public MmdDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<MmdDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
