namespace Mmd.Trading.Strategies;

/// <summary>An operator's command to a running strategy (`mmctl pause`, `mmctl grid adjust`, `mmctl set`).</summary>
public abstract record StrategyCommand;

/// <summary>Pulls every quote and places none until resumed; protective closes and position reduction still run.</summary>
public sealed record PauseQuoting : StrategyCommand;

public sealed record ResumeQuoting : StrategyCommand;

/// <summary>The operator lifts a daily loss halt: quoting resumes, and the limit counts afresh from now until the day ends.</summary>
public sealed record LiftDailyLossHalt : StrategyCommand;

/// <summary>
/// The operator's whole-symbol cancel: every open order on the symbol and account goes, whoever placed it, and
/// quoting pauses so the instance does not put its own straight back.
/// </summary>
public sealed record CancelAllOnSymbol : StrategyCommand;

/// <summary>
/// New parameters, already validated as a whole spec. The strategy takes what it can change live or refuses (null: its
/// parameters did not change, only the capital); the engine takes the capital (empty: the whole account).
/// </summary>
public sealed record UpdateConfig(StrategyConfig? Config) : StrategyCommand
{
    public IReadOnlyDictionary<string, decimal> Capital { get; init; } = new Dictionary<string, decimal>();
}
