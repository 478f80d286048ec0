using Mmd.Trading.Primitives;

namespace Mmd.Trading.Strategies.Grid;

public enum GridMode
{
    Arithmetic = 1,
    Geometric = 2,
}

/// <summary>The seed's level generation (§1.4.2): both bounds are levels; n levels make n - 1 intervals.</summary>
public static class GridLevels
{
    /// <summary>
    /// Arithmetic: lower + i x (upper - lower) / (n - 1). Geometric: lower x ((upper / lower)^(1 / (n - 1)))^i.
    /// Each rounded to the tick, duplicates (a range too narrow for the tick) removed, ascending.
    /// </summary>
    public static decimal[] Build(InstrumentSpec instrument, decimal lower, decimal upper, int count, GridMode mode)
    {
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), "a grid needs at least two levels");
        if (lower <= 0 || upper <= lower) throw new ArgumentException($"the grid range needs 0 < lower < upper (got {lower} - {upper})");
        var levels = new SortedSet<decimal>();
        var ratio = mode == GridMode.Geometric ? Math.Pow((double)(upper / lower), 1.0 / (count - 1)) : 0;
        for (var i = 0; i < count; i++)
        {
            var price = i == 0 ? lower
                : i == count - 1 ? upper
                : mode == GridMode.Arithmetic ? lower + i * (upper - lower) / (count - 1)
                : lower * (decimal)Math.Pow(ratio, i);
            var rounded = instrument.RoundPrice(price);
            if (rounded > 0) levels.Add(rounded);
        }
        return [.. levels];
    }

    /// <summary>The seed's auto range: price -/+ rangePct %.</summary>
    public static (decimal Lower, decimal Upper) AutoRange(decimal price, decimal rangePct) =>
        (price * (1 - rangePct / 100m), price * (1 + rangePct / 100m));
}
