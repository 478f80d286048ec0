using Mmd.Trading.Primitives;

namespace Mmd.Trading.Execution;

/// <summary>
/// One execution of one of our orders. <see cref="TradeId"/> is the venue's id: a fill is counted once per trade and side,
/// since a trade of two of our own orders (one buying, one selling) is a fill of each under one trade id.
/// </summary>
public sealed record VenueFill(
    string TradeId,
    string VenueOrderId,
    string? ClientOrderId,
    string Symbol,
    Side Side,
    decimal Price,
    decimal Quantity,
    decimal Fee,
    string FeeAsset,
    bool IsMaker,
    DateTimeOffset Timestamp)
{
    /// <summary>What makes a fill one fill: its trade and our side of it (the journal's unique key too).</summary>
    public (string TradeId, Side Side) Key => (TradeId, Side);
}
