using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Mmd.Persistence.Entities;

namespace Mmd.Persistence.Configurations;

internal sealed class FiguresCheckpointEntityConfiguration : IEntityTypeConfiguration<FiguresCheckpointEntity>
{
    public void Configure(EntityTypeBuilder<FiguresCheckpointEntity> builder)
    {
        builder.ToTable("figures_checkpoints");
        // One a market: each save replaces the one before.
        builder.HasKey(c => new { c.Instance, c.Venue, c.Symbol });
    }
}
