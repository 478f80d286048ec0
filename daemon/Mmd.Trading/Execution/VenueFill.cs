using Mmd.Trading.Primitives;

namespace Mmd.Trading.Execution;

/// <summary>One execution of one of our orders. <see cref="TradeId"/> is the venue's id: a fill is counted once.</summary>
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
    DateTimeOffset Timestamp);
