namespace Mmd.Persistence.Entities;

/// <summary>A periodic statistics snapshot: headline figures as columns, the whole snapshot as JSON.</summary>
public sealed class StatsSnapshotEntity
{
    public long Id { get; set; }
    public required string Instance { get; set; }
    public long TimeMs { get; set; }
    public decimal? Mid { get; set; }
    public long SessionFills { get; set; }
    public decimal SessionQuoteVolume { get; set; }
    public decimal SessionRealizedPnl { get; set; }
    public decimal SessionNetPnl { get; set; }
    public decimal CumulativeRealizedPnl { get; set; }
    public decimal CumulativeNetPnl { get; set; }
    public required string Json { get; set; }
}
