namespace Mmd.Trading.Primitives;

/// <summary>
/// The trading rules of one symbol. Every price and quantity that leaves the process is rounded here,
/// and only here, so that no two code paths can disagree about a tick.
/// </summary>
public sealed record InstrumentSpec
{
    public InstrumentSpec(string symbol, string baseAsset, string quoteAsset, InstrumentKind kind,
        decimal tickSize, decimal stepSize, decimal minQuantity, decimal minNotional)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        if (tickSize <= 0) throw new ArgumentOutOfRangeException(nameof(tickSize), tickSize, "tick size must be positive");
        if (stepSize <= 0) throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "step size must be positive");
        ArgumentOutOfRangeException.ThrowIfNegative(minQuantity);
        ArgumentOutOfRangeException.ThrowIfNegative(minNotional);
        Symbol = symbol;
        BaseAsset = baseAsset;
        QuoteAsset = quoteAsset;
        Kind = kind;
        TickSize = tickSize;
        StepSize = stepSize;
        MinQuantity = minQuantity;
        MinNotional = minNotional;
    }

    public string Symbol { get; }
    public string BaseAsset { get; }
    public string QuoteAsset { get; }
    public InstrumentKind Kind { get; }
    public decimal TickSize { get; }
    public decimal StepSize { get; }
    public decimal MinQuantity { get; }
    public decimal MinNotional { get; }

    /// <summary>Nearest tick; exact halves go to the even tick (the seed's Python <c>round</c>).</summary>
    public decimal RoundPrice(decimal price) => Normalize(Math.Round(price / TickSize, MidpointRounding.ToEven) * TickSize, TickSize);

    /// <summary>Round a price away from the touch: down for a bid, up for an ask, so rounding never makes a quote more aggressive.</summary>
    public decimal RoundPricePassive(decimal price, Side side) =>
        Normalize((side == Side.Buy ? Math.Floor(price / TickSize) : Math.Ceiling(price / TickSize)) * TickSize, TickSize);

    /// <summary>Floor to the step size (never more than asked for).</summary>
    public decimal RoundQuantity(decimal quantity) => Normalize(Math.Floor(quantity / StepSize) * StepSize, StepSize);

    public bool IsOnTick(decimal price) => price % TickSize == 0;

    public bool IsOnStep(decimal quantity) => quantity % StepSize == 0;

    /// <summary>True when the order is large enough for the venue to accept it.</summary>
    public bool MeetsMinimums(decimal price, decimal quantity) =>
        quantity > 0 && quantity >= MinQuantity && price * quantity >= MinNotional;

    /// <summary>Shortest decimal string with the instrument's scale, never in scientific notation.</summary>
    public string FormatPrice(decimal price) => Format(price, TickSize);

    public string FormatQuantity(decimal quantity) => Format(quantity, StepSize);

    private static string Format(decimal value, decimal increment) =>
        Normalize(value, increment).ToString("F" + Math.Min((int)increment.Scale, 28).ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);

    // Rounds to the increment's decimal places, so no sub-tick residue survives arithmetic.
    private static decimal Normalize(decimal value, decimal increment)
    {
        var scale = (increment.Scale > 28) ? 28 : increment.Scale;
        return Math.Round(value, scale, MidpointRounding.ToEven);
    }
}
