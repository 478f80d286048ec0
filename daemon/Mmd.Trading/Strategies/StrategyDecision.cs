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
}
