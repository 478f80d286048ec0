using Mmd.Trading.Primitives;

namespace Mmd.Trading.Strategies.Grid;

/// <summary>
/// One level of a perpetual grid: its open order (a buy opening a long, or a sell opening a short), the position its
/// fills opened, and the close order that position rests at one level further in profit. While it holds a position,
/// or its open order has filled completely, the level is locked: no new open order until the close has filled.
/// </summary>
internal sealed class PerpGridLevel(int index, decimal price)
{
    public int Index { get; } = index;
    public decimal Price { get; } = price;
    /// <summary>
    /// Side of the level's open order from the moment it is first wanted until the level resets: a resting order keeps
    /// its side when the price passes the level (the market trades through it), as a resting order on a venue would.
    /// </summary>
    public Side? OpenSide { get; set; }
    public decimal OpenFilled { get; set; }
    public bool OpenComplete { get; set; }
    /// <summary>Signed position opened here and not yet closed: long &gt; 0.</summary>
    public decimal Position { get; set; }
    public int CloseRejections { get; set; }
    /// <summary>The venue's refusals of the level's reduce-only market close (the account's position may not allow one).</summary>
    public ReduceOnlyRefusal CloseRefusal { get; private set; } = new();

    public bool Locked => Position != 0 || OpenComplete;

    public void Reset()
    {
        OpenSide = null;
        OpenFilled = 0;
        OpenComplete = false;
        Position = 0;
        CloseRejections = 0;
        CloseRefusal = new();
    }
}
