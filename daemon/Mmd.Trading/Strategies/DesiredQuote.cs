using Mmd.Trading.Primitives;

namespace Mmd.Trading.Strategies;

/// <summary>
/// A resting post-only quote the strategy wants on the book, at one level of one side. <see cref="Level"/> is the
/// strategy's key for it (a quote level, a grid level, a grid close slot); (side, level) is unique in a decision.
/// </summary>
public readonly record struct DesiredQuote(Side Side, int Level, decimal Price, decimal Quantity, bool ReduceOnly = false);
