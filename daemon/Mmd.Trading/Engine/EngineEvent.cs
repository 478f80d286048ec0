using Mmd.Trading.Execution;
using Mmd.Trading.Orders;

namespace Mmd.Trading.Engine;

/// <summary>Everything the engine loop reacts to arrives as one of these, through one bounded channel.</summary>
internal abstract record EngineEvent;

/// <param name="ArrivedAt">When the connector handed the event over (the engine clock's timestamp): where its reaction time starts.</param>
internal sealed record MarketDataArrived(MarketLeg Leg, int Generation, MarketDataEvent Event, long ArrivedAt) : EngineEvent;

internal sealed record AccountEventArrived(MarketLeg Leg, AccountEvent Event) : EngineEvent;

/// <param name="Took">From the request handed to the venue client to its result.</param>
internal sealed record PlaceCompleted(MarketLeg Leg, TrackedOrder Order, PlaceOrderResult Result, TimeSpan Took) : EngineEvent;

internal sealed record CancelCompleted(MarketLeg Leg, TrackedOrder Order, CancelOrderResult Result, TimeSpan Took) : EngineEvent;

/// <summary>The answer to cancelling a stray: an open order of ours the leg does not hold as working.</summary>
internal sealed record StrayCancelCompleted(MarketLeg Leg, VenueOrder Order, CancelOrderResult Result) : EngineEvent;

internal sealed record OrderQueried(MarketLeg Leg, TrackedOrder Order, VenueOrder? Report, Exception? Error) : EngineEvent;

/// <summary>Our fills on the leg's market as the venue lists them, asked after it refused a reduce-only order of ours.</summary>
internal sealed record FillsListed(MarketLeg Leg, IReadOnlyList<VenueFill>? Fills, Exception? Error) : EngineEvent;

/// <summary>The account's balances as the venue listed them, asked at <paramref name="AskedAt"/>.</summary>
internal sealed record BalancesRead(IReadOnlyList<Balance>? Balances, DateTimeOffset AskedAt, Exception? Error) : EngineEvent;

/// <summary>The funding settlements of the leg's market since its last poll.</summary>
internal sealed record FundingListed(MarketLeg Leg, IReadOnlyList<FundingPayment>? Payments, Exception? Error) : EngineEvent;

/// <summary>
/// What the venue lists of the leg's market, asked at <paramref name="AskedAt"/>: our open orders, our fills of the session,
/// and the open orders again after the fills (an order ended meanwhile is in neither list of open ones).
/// </summary>
internal sealed record CaughtUp(MarketLeg Leg, IReadOnlyList<VenueOrder>? Open, IReadOnlyList<VenueFill>? Fills, IReadOnlyList<VenueOrder>? OpenAfter,
    DateTimeOffset AskedAt, Exception? Error) : EngineEvent;

internal sealed record TimerFired(bool ForcedRefresh) : EngineEvent;

/// <summary>A taker held for our own orders in its way has waited its limit (<see cref="InstanceEngine.TakerHoldLimit"/>).</summary>
internal sealed record TakerHoldEnded : EngineEvent;

/// <summary>A book or account stream of <paramref name="Leg"/> failed; <paramref name="Account"/> tells which.</summary>
internal sealed record StreamFailed(MarketLeg Leg, bool Account, Exception Error) : EngineEvent;

/// <summary>The account stream of <paramref name="Leg"/> is subscribed (again).</summary>
internal sealed record StreamConnected(MarketLeg Leg) : EngineEvent;

internal sealed record CommandArrived(Strategies.StrategyCommand Command, TaskCompletionSource<string?> Done) : EngineEvent;

/// <summary>The operator asks for the books (<see cref="InstanceEngine.ReadBooksAsync"/>): answered on the loop.</summary>
internal sealed record BooksRequested(int Depth, TaskCompletionSource<IReadOnlyList<BookView>> Done) : EngineEvent;
