namespace Mmd.Trading.Execution;

/// <summary>
/// One candle (a venue's kline) of a market's trades: the prices of its first, highest, lowest and last trade in the
/// interval that opens at <paramref name="Time"/>, and the base quantity traded.
/// </summary>
public sealed record Candle(DateTimeOffset Time, decimal Open, decimal High, decimal Low, decimal Close, decimal Volume);
