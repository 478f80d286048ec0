using Mmd.Trading.Stats;

namespace Mmd.Trading.Strategies;

/// <summary>
/// A strategy turns what it sees into desired quotes. It never places or cancels anything itself:
/// the engine reconciles its wishes with the live orders, through risk, to the connector.
/// </summary>
public interface IStrategy
{
    string Kind { get; }

    /// <summary>Called on every book, fill, order and timer event; must be fast and allocation-light.</summary>
    StrategyDecision Decide(StrategyView view);

    /// <summary>Each of our fills, once, before the next <see cref="Decide"/>. Stateful strategies (grids) move on it.</summary>
    void OnFill(StrategyFill fill) { }

    /// <summary>
    /// Once, before the first decision: the strategy's figures as the last run saved them (a grid's range and profit),
    /// null for a new instance. A strategy with state across runs resumes its counters, or its range, from them.
    /// </summary>
    void OnRestored(StrategyFigures? last) { }

    /// <summary>
    /// Once, before the first decision: the strategy's own orders the start-up reconciliation found resting on the venue
    /// and adopted. A stateful strategy (a grid) resumes from them instead of starting over.
    /// </summary>
    void OnAdopted(IReadOnlyList<AdoptedOrder> orders) { }

    /// <summary>The venue refused one of its orders (after the engine's own post-only retry, if any).</summary>
    void OnRejected(StrategyRejection rejection) { }

    /// <summary>
    /// After the venue refused a reduce-only order of ours, the engine asked it for our fills on that market: every fill
    /// it lists has been given to <see cref="OnFill"/> (one that had not reached us first), so a refusal no fill
    /// explained is the account's position, not a fill of ours on its way (<see cref="ReduceOnlyRefusal"/>).
    /// </summary>
    void OnFillsConfirmed() { }

    /// <summary>
    /// Takes new parameters while running (on the engine's loop, between decisions). Returns null when applied, or why
    /// not; a refused change leaves everything as it was.
    /// </summary>
    string? Reconfigure(StrategyConfig config) => $"{Kind} cannot change its parameters while running";

    /// <summary>The strategy's own figures for the stats stream; null when it has none.</summary>
    StrategyFigures? Figures(StrategyView view) => null;
}
