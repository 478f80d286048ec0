using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Mmd.Persistence.Entities;

namespace Mmd.Persistence;

public sealed class MmdDbContext(DbContextOptions<MmdDbContext> options) : DbContext(options)
{
    public DbSet<OrderEntity> Orders => Set<OrderEntity>();
    public DbSet<FillEntity> Fills => Set<FillEntity>();
    public DbSet<StatsSnapshotEntity> StatsSnapshots => Set<StatsSnapshotEntity>();
    public DbSet<RunEntity> Runs => Set<RunEntity>();
    public DbSet<FiguresCheckpointEntity> FiguresCheckpoints => Set<FiguresCheckpointEntity>();

    // Only the journal's configurations: the daemon's own tables live in DaemonDbContext.
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(MmdDbContext).Assembly, t => t.Namespace == typeof(Configurations.RunEntityConfiguration).Namespace);

    // Money is TEXT: SQLite has no decimal, and a REAL column would round it.
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<decimal>().HaveConversion<InvariantDecimalConverter>();
        configurationBuilder.Properties<decimal?>().HaveConversion<InvariantDecimalConverter>();
    }

    internal sealed class InvariantDecimalConverter() : ValueConverter<decimal, string>(
        v => v.ToString(CultureInfo.InvariantCulture),
        v => decimal.Parse(v, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture));
}
