namespace Mmd.Trading.Stats;

/// <summary>A window's samples: how many, the median, the 99th percentile and the slowest; the default is an empty window.</summary>
public readonly record struct LatencySummary(int Samples, TimeSpan P50, TimeSpan P99, TimeSpan Max);

/// <summary>
/// How fast the instance reacted to its market and how fast its venue answered, over the last minute
/// (<see cref="LatencyWindow.Span"/>), for the market it quotes.
/// </summary>
/// <param name="Reaction">
/// A book event, as the connector handed it to the engine, to the first request the engine handed to the venue client in
/// reaction to it (the journal write before an order leaves included). Book events that called for no request are not
/// counted; several drained at once count from the oldest.
/// </param>
/// <param name="Place">An order request to the venue's answer, accepted or refused (a request left without an answer is not counted).</param>
/// <param name="Cancel">A cancel request to the venue's answer, as for <paramref name="Place"/>.</param>
public sealed record LatencyFigures(LatencySummary Reaction, LatencySummary Place, LatencySummary Cancel);
