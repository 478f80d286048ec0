using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Paper;

/// <summary>One recorded trade: when (since the venue started), the taker's side, its price and size.</summary>
public readonly record struct RecordedTrade(TimeSpan At, Side Side, decimal Price, decimal Quantity);

/// <summary>
/// A market's recorded trades, replayed as its taker flow in place of the random one: at the tick that reaches a trade's
/// time, a taker order of its side and size, limited to its price, trades with whatever rests at that price or better,
/// the crowd's liquidity and our quotes alike. A quote is filled when the market traded at or through it, as it did.
/// </summary>
public sealed class TradeTape
{
    private readonly RecordedTrade[] _trades;

    public TradeTape(IEnumerable<RecordedTrade> trades)
    {
        // Stable: trades of one moment keep the order they were recorded in.
        _trades = trades.OrderBy(t => t.At).ToArray();
        if (_trades.Any(t => t.Price <= 0 || t.Quantity <= 0)) throw new ArgumentException("recorded trades need a positive price and size", nameof(trades));
    }

    public IReadOnlyList<RecordedTrade> Trades => _trades;

    /// <summary>The index of the first trade after <paramref name="elapsed"/> (the count of those at or before it).</summary>
    public int CountUpTo(TimeSpan elapsed)
    {
        int lo = 0, hi = _trades.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_trades[mid].At <= elapsed) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
