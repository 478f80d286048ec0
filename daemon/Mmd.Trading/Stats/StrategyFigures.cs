namespace Mmd.Trading.Stats;

/// <summary>A strategy's own figures beside the trading figures; each strategy fills the sections it has.</summary>
public sealed record StrategyFigures
{
    public PositionFigures? Position { get; init; }
    public GridFigures? Grid { get; init; }
    public HedgeFigures? Hedge { get; init; }
    public ModelFigures? Model { get; init; }
    /// <summary>
    /// Each interval of a spot grid, lowest first: kept in the journal's snapshot (not sent to clients) so that a grid
    /// restarted on the same range resumes a resting order with what it was for (a bought unit's sell, or inventory's).
    /// </summary>
    public IReadOnlyList<GridIntervalState>? GridIntervals { get; init; }
    /// <summary>The last protective action (stop-loss, take-profit, position cap, boundary), for the operator.</summary>
    public string? LastProtectiveAction { get; init; }
    public DateTimeOffset? LastProtectiveActionAt { get; init; }
}

/// <summary>Position management of the perpetual strategies.</summary>
public sealed record PositionFigures(
    decimal Position,
    decimal EntryPrice,
    decimal UnrealizedPnl,
    decimal TargetPosition,
    decimal MaxPosition,
    decimal PositionThreshold,
    decimal InventorySkew,
    decimal Leverage,
    int Reductions,
    int StopLosses,
    int TakeProfits);

/// <summary>A grid's state (seed §1.4.7 and §1.5.10).</summary>
public sealed record GridFigures(
    string Mode,
    string Type,
    decimal Lower,
    decimal Upper,
    int Levels,
    long BuyFills,
    long SellFills,
    long RoundTrips,
    decimal Profit,
    int ActiveBuys,
    int ActiveSells,
    int LockedLevels,
    int PendingCloses);


/// <summary>Where one spot-grid interval stood: its phase, and the leg its previous phase opened (zero when none).</summary>
/// <param name="FromInventory">Selling inventory the grid started with, not a unit it bought.</param>
public sealed record GridIntervalState(Primitives.Side Phase, decimal LegQuantity, decimal LegNotional, bool FromInventory);

/// <summary>The maker-taker hedge: how far the position is from its reference, and how the hedges went.</summary>
/// <param name="Residual">Position minus reference: below the venue minimum it is carried, not hedged.</param>
public sealed record HedgeFigures(decimal ReferencePosition, decimal Residual, long Hedges, long HedgeFailures, bool QuotingHeld)
{
    /// <summary>The hedge market of a cross-market hedge; null when the hedges trade where the quotes rest.</summary>
    public HedgeMarketFigures? Market { get; init; }
}

/// <summary>
/// The hedge market of a cross-market hedge: where the hedges trade, the position they hold there (from the instance's own
/// fills on it) and its figures. The instance's exposure is the quoting market's position plus this one.
/// </summary>
public sealed record HedgeMarketFigures(string Venue, string Symbol, decimal? Mid, StatsFigures Session, StatsFigures Cumulative);

/// <summary>The Avellaneda-Stoikov model's current estimates and quote.</summary>
/// <param name="Sigma">Volatility of the mid, price units per √second.</param>
/// <param name="Kappa">Book intensity, per price unit.</param>
public sealed record ModelFigures(double Sigma, double Kappa, decimal Reservation, decimal HalfSpread);
