using Mmd.Exchanges.Paper;
using Mmd.Trading.Risk;
using Mmd.Trading.Strategies;
using Mmd.Trading.Strategies.SpotMarketMaking;

namespace Mmd.Specs;

/// <summary>An instance spec that passed validation, in domain types, defaults filled in.</summary>
public sealed record ValidatedSpec(
    string Name,
    string Venue,
    string Symbol,
    TimeSpan? Duration,
    StrategyConfig Strategy,
    RiskLimits Risk,
    PaperSettings Paper)
{
    /// <summary>The spot market maker's parameters when that is the strategy.</summary>
    public SpotMarketMakerConfig? SpotMarketMaking => Strategy as SpotMarketMakerConfig;

    /// <summary>The hedge market of a cross-market hedge; null when the instance trades one market.</summary>
    public HedgeTarget? HedgeMarket { get; init; }

    /// <summary>True when the instance trades on <paramref name="venue"/>, where it quotes or where it hedges.</summary>
    public bool Uses(string venue) => Venue == venue || HedgeMarket?.Venue == venue;

    /// <summary>The Backpack client-id tag this instance numbers its orders in (see BackpackClientIds); 0 when it does not trade there.</summary>
    public uint BackpackClientIdTag { get; init; }

    /// <summary>Backpack's spot-margin order flags the spec sets.</summary>
    public Exchanges.Backpack.BackpackMarginFlags BackpackMarginFlags { get; init; } = new();

    /// <summary>How the Aster venue is signed for and guarded, when the instance trades there.</summary>
    public AsterVenue Aster { get; init; } = new(Exchanges.Aster.AsterSigning.V3, TimeSpan.FromSeconds(60), Testnet: false);

    /// <summary>How long the Lighter venue's dead-man's switch is set ahead, when the instance trades there (zero: off).</summary>
    public TimeSpan LighterDeadManCountdown { get; init; }
    /// <summary>The Lighter API key the instance signs with, when not the daemon's (<c>lighter.api_key_index</c>).</summary>
    public int? LighterApiKeyIndex { get; init; }

    /// <summary>The part of the account the instance trades with, by asset; empty: the whole account.</summary>
    public IReadOnlyDictionary<string, decimal> Capital { get; init; } = new Dictionary<string, decimal>();

    /// <summary>Quoting starts paused (mmctl pause sets it; mmctl resume clears it).</summary>
    public bool QuotingPaused { get; init; }

    /// <summary>What the spec sets of its supervision; the daemon fills the rest from daemon.json.</summary>
    public SupervisionOverrides Supervision { get; init; } = SupervisionOverrides.None;
}

/// <summary>The Aster options of a spec: the signing scheme, the dead-man's switch countdown (zero: off), testnet signing.</summary>
public sealed record AsterVenue(Exchanges.Aster.AsterSigning Signing, TimeSpan DeadManCountdown, bool Testnet);

/// <summary>The supervision options a spec set (null: the daemon's default).</summary>
public sealed record SupervisionOverrides(
    GrpcMM.Protos.V1.RestartPolicy? RestartPolicy,
    TimeSpan? InitialBackoff,
    TimeSpan? MaxBackoff,
    TimeSpan? ResetAfter,
    int? MemoryLimitMb,
    TimeSpan? StopTimeout)
{
    public static SupervisionOverrides None { get; } = new(null, null, null, null, null, null);
}
