namespace Mmd.Specs;

/// <summary>Where a cross-market hedge sends its hedges: a venue and a symbol other than the instance's own market.</summary>
public sealed record HedgeTarget(string Venue, string Symbol);
