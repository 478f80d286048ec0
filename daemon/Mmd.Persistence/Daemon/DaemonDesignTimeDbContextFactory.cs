using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Mmd.Persistence.Daemon;

/// <summary>Lets <c>dotnet ef ... --context DaemonDbContext</c> build the model without running the daemon.</summary>
public sealed class DaemonDesignTimeDbContextFactory : IDesignTimeDbContextFactory<DaemonDbContext>
{
    public DaemonDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<DaemonDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
