namespace Mmd.Trading.MarketData;

/// <summary>One aggregated price level. A quantity of zero in a delta removes the level.</summary>
public readonly record struct BookLevel(decimal Price, decimal Quantity);
