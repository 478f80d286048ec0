using Mmd.Trading.Primitives;

namespace Mmd.Trading.Strategies;

/// <summary>
/// A resting post-only quote the strategy wants on the book, at one level of one side. <see cref="Level"/> is the
/// strategy's key for it (a quote level, a grid level, a grid close slot); (side, level) is unique in a decision.
/// </summary>
/// <param name="Bound">
/// The most aggressive price the strategy accepts (a cross-market hedge's profitability bound): a resting bid above it,
/// or ask below it, is replaced however close it is to <paramref name="Price"/>. Null: the refresh tolerance alone decides.
/// </param>
public readonly record struct DesiredQuote(Side Side, int Level, decimal Price, decimal Quantity, bool ReduceOnly = false, decimal? Bound = null);
