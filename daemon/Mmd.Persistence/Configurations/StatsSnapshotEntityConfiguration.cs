using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Mmd.Persistence.Entities;

namespace Mmd.Persistence.Configurations;

internal sealed class StatsSnapshotEntityConfiguration : IEntityTypeConfiguration<StatsSnapshotEntity>
{
    public void Configure(EntityTypeBuilder<StatsSnapshotEntity> builder)
    {
        builder.ToTable("stats_snapshots");
        builder.HasKey(s => s.Id);
        builder.HasIndex(s => new { s.Instance, s.TimeMs });
    }
}
