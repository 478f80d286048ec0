namespace Mmd.Trading.Risk;

/// <summary>A UTC day of the daily loss limit, and the instance's cumulative net PnL when it started counting it.</summary>
public sealed record DayStart(DateOnly Day, decimal NetPnl);
