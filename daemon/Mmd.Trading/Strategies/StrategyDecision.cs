namespace Mmd.Trading.Strategies;

/// <summary>What the strategy wants: the full set of resting quotes, plus one-off orders to send now.</summary>
public sealed class StrategyDecision
{
    public static readonly StrategyDecision PullQuotes = new([], []);

    public StrategyDecision(IReadOnlyList<DesiredQuote> quotes, IReadOnlyList<OrderIntent> immediate)
    {
        Quotes = quotes;
        Immediate = immediate;
    }

    public IReadOnlyList<DesiredQuote> Quotes { get; }
    public IReadOnlyList<OrderIntent> Immediate { get; }

    /// <summary>Set when the strategy ends the run (a stop-loss or a grid boundary told to stop); the engine cancels and exits.</summary>
    public StopRequest? Stop { get; init; }

    public static StrategyDecision StopRun(string reason, bool flatten) => new([], []) { Stop = new StopRequest(reason, flatten) };
}

/// <summary>The strategy's request to end the run; <paramref name="Flatten"/> closes the position after the cancels.</summary>
public sealed record StopRequest(string Reason, bool Flatten);
