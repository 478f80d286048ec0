using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Mmd.Persistence.Entities;

namespace Mmd.Persistence.Configurations;

internal sealed class FillEntityConfiguration : IEntityTypeConfiguration<FillEntity>
{
    public void Configure(EntityTypeBuilder<FillEntity> builder)
    {
        builder.ToTable("fills");
        builder.HasKey(f => f.Id);
        // The venue's trade id and our side of it: a fill is recorded once (the seed had no such key, §9.2-17), and a trade
        // between two of our own orders is both of its fills.
        builder.HasIndex(f => new { f.Venue, f.Symbol, f.TradeId, f.Side }).IsUnique();
        builder.HasIndex(f => new { f.Instance, f.TimestampMs });
        // A restart that starts from a checkpoint reads back its open orders' fills.
        builder.HasIndex(f => new { f.Instance, f.ClientOrderId });
    }
}
