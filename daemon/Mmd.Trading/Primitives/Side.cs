namespace Mmd.Trading.Primitives;

/// <summary>Order side. Buy = bid, Sell = ask.</summary>
public enum Side
{
    Buy = 1,
    Sell = 2,
}

public static class SideExtensions
{
    public static Side Opposite(this Side side) => side == Side.Buy ? Side.Sell : Side.Buy;

    /// <summary>+1 for a buy, -1 for a sell: the sign of the position change a fill causes.</summary>
    public static int Sign(this Side side) => side == Side.Buy ? 1 : -1;
}
