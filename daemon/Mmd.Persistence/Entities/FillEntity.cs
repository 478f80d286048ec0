namespace Mmd.Persistence.Entities;

/// <summary>One fill, unique on (venue, symbol, trade id, side): recorded once however often it is reported.</summary>
public sealed class FillEntity
{
    public long Id { get; set; }
    public required string Instance { get; set; }
    public required string Venue { get; set; }
    public required string Symbol { get; set; }
    public required string TradeId { get; set; }
    public required string VenueOrderId { get; set; }
    public string? ClientOrderId { get; set; }
    public required string Side { get; set; }
    public decimal Price { get; set; }
    public decimal Quantity { get; set; }
    public decimal Fee { get; set; }
    public required string FeeAsset { get; set; }
    public bool IsMaker { get; set; }
    public required string Purpose { get; set; }
    public long TimestampMs { get; set; }
}
