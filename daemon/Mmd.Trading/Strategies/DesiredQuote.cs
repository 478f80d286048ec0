using Mmd.Trading.Primitives;

namespace Mmd.Trading.Strategies;

/// <summary>A resting post-only quote the strategy wants on the book, at one level of one side.</summary>
public readonly record struct DesiredQuote(Side Side, int Level, decimal Price, decimal Quantity);
