namespace Mmd.Trading.Primitives;

public enum InstrumentKind
{
    Spot = 1,
    Perpetual = 2,
}
