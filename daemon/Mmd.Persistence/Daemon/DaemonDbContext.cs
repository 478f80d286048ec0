using Microsoft.EntityFrameworkCore;

namespace Mmd.Persistence.Daemon;

/// <summary>The daemon's own database (state/mmd.db): instances, their runs and their events.</summary>
public sealed class DaemonDbContext(DbContextOptions<DaemonDbContext> options) : DbContext(options)
{
    public DbSet<InstanceEntity> Instances => Set<InstanceEntity>();
    public DbSet<InstanceRunEntity> Runs => Set<InstanceRunEntity>();
    public DbSet<InstanceEventEntity> Events => Set<InstanceEventEntity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<InstanceEntity>(b =>
        {
            b.ToTable("instances");
            b.HasKey(i => i.Name);
        });
        modelBuilder.Entity<InstanceRunEntity>(b =>
        {
            b.ToTable("instance_runs");
            b.HasKey(r => r.Id);
            b.HasIndex(r => new { r.Instance, r.StartedAtMs });
        });
        modelBuilder.Entity<InstanceEventEntity>(b =>
        {
            b.ToTable("instance_events");
            b.HasKey(e => e.Id);
            b.HasIndex(e => new { e.Instance, e.TimeMs });
        });
    }
}
