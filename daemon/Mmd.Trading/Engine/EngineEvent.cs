using Mmd.Trading.Execution;
using Mmd.Trading.Orders;

namespace Mmd.Trading.Engine;

/// <summary>Everything the engine loop reacts to arrives as one of these, through one bounded channel.</summary>
internal abstract record EngineEvent;

internal sealed record MarketDataArrived(int Generation, MarketDataEvent Event) : EngineEvent;

internal sealed record AccountEventArrived(AccountEvent Event) : EngineEvent;

internal sealed record PlaceCompleted(TrackedOrder Order, PlaceOrderResult Result) : EngineEvent;

internal sealed record CancelCompleted(TrackedOrder Order, CancelOrderResult Result) : EngineEvent;

internal sealed record OrderQueried(TrackedOrder Order, VenueOrder? Report, Exception? Error) : EngineEvent;

internal sealed record TimerFired(bool ForcedRefresh) : EngineEvent;

internal sealed record StreamFailed(string Stream, Exception Error) : EngineEvent;

internal sealed record StreamConnected(string Stream) : EngineEvent;

internal sealed record CommandArrived(Strategies.StrategyCommand Command, TaskCompletionSource<string?> Done) : EngineEvent;
