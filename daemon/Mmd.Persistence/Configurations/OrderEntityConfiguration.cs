using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Mmd.Persistence.Entities;

namespace Mmd.Persistence.Configurations;

internal sealed class OrderEntityConfiguration : IEntityTypeConfiguration<OrderEntity>
{
    public void Configure(EntityTypeBuilder<OrderEntity> builder)
    {
        builder.ToTable("orders");
        builder.HasKey(o => o.ClientOrderId);
        builder.HasIndex(o => new { o.Instance, o.Status });
        builder.Property(o => o.ClientOrderId).HasMaxLength(64);
    }
}
