namespace Mmd.Persistence.Entities;

/// <summary>
/// The latest checkpoint of one market's cumulative figures (instance, venue, and symbol or "" for a journal of every
/// symbol): the figures as JSON, and the last fill row they cover.
/// </summary>
public sealed class FiguresCheckpointEntity
{
    public required string Instance { get; set; }
    public required string Venue { get; set; }
    public required string Symbol { get; set; }
    public long LastFillRow { get; set; }
    public long TimeMs { get; set; }
    public required string Json { get; set; }
}
