namespace Mmd.Persistence.Entities;

/// <summary>One journaled order. Written (state New) before the request leaves, updated on every change.</summary>
public sealed class OrderEntity
{
    public required string ClientOrderId { get; set; }
    public required string Instance { get; set; }
    /// <summary>The venue the order went to (a cross-market hedge trades on two); empty in rows written before it was kept.</summary>
    public string Venue { get; set; } = "";
    public required string Symbol { get; set; }
    public string? VenueOrderId { get; set; }
    public required string Side { get; set; }
    public required string Type { get; set; }
    public required string TimeInForce { get; set; }
    public decimal? Price { get; set; }
    /// <summary>The strategy's price when the order went out at another (behind the touch, or after a post-only bounce); else null.</summary>
    public decimal? QuotedPrice { get; set; }
    public decimal Quantity { get; set; }
    public decimal FilledQuantity { get; set; }
    public required string Status { get; set; }
    public required string Purpose { get; set; }
    public int Level { get; set; }
    public bool PostOnly { get; set; }
    public bool ReduceOnly { get; set; }
    public int PostOnlyRetries { get; set; }
    public long CreatedAtMs { get; set; }
    public long UpdatedAtMs { get; set; }
    public string? LastError { get; set; }
    /// <summary>The run (<c>runs.Id</c>) that journaled the order, before sending it; null in rows written before it was kept.</summary>
    public long? RunId { get; set; }
}
