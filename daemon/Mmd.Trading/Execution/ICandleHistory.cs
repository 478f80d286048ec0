namespace Mmd.Trading.Execution;

/// <summary>
/// A venue's candle history (public data: no credentials needed). Every real venue's connector has it; the intervals
/// are those of <see cref="CandleIntervals"/>.
/// </summary>
public interface ICandleHistory
{
    /// <summary>
    /// The candles of <paramref name="symbol"/> that open in [<paramref name="since"/>, <paramref name="until"/>), oldest
    /// first; an interval without trades has none. The last may still be forming.
    /// </summary>
    Task<IReadOnlyList<Candle>> GetCandlesAsync(string symbol, TimeSpan interval, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken);
}
