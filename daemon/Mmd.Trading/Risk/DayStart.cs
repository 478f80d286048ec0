namespace Mmd.Trading.Risk;

/// <summary>A UTC day of the daily loss limit, and the instance's cumulative net PnL when it started counting it.</summary>
/// <param name="LimitFrom">
/// Where the limit counts from after the operator lifted a halt (the cumulative net PnL then); null: from the day's start.
/// Today's figure still counts from <paramref name="NetPnl"/>.
/// </param>
public sealed record DayStart(DateOnly Day, decimal NetPnl, decimal? LimitFrom = null);
