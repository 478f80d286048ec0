using Mmd.Exchanges.Paper;
using Mmd.Trading.Risk;
using Mmd.Trading.Strategies.SpotMarketMaking;

namespace Mmd.Specs;

/// <summary>An instance spec that passed validation, in domain types, defaults filled in.</summary>
public sealed record ValidatedSpec(
    string Name,
    string Venue,
    string Symbol,
    TimeSpan? Duration,
    SpotMarketMakerConfig SpotMarketMaking,
    RiskLimits Risk,
    PaperSettings Paper);
