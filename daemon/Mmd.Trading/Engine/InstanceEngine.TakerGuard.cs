using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Strategies;

namespace Mmd.Trading.Engine;

// Our takers (a hedge, a reduction, a rebalance) never meet our own resting orders on their market. A venue whose
// self-trade prevention lets them trade books a wash trade that pays both fees and leaves the exposure where it was (the
// same-market hedge then bought our next ask, and the next); one that refuses the taker leaves the hedge undone. So a
// taker our orders stand in the way of waits until they are off the book, and no quote is put where a taker of ours reaches.
public sealed partial class InstanceEngine
{
    /// <summary>How long a taker waits for our orders in its way to go: past it, it goes anyway (the venue's prevention decides).</summary>
    internal static readonly TimeSpan TakerHoldLimit = TimeSpan.FromSeconds(1);

    private readonly List<HeldTaker> _heldTakers = [];

    /// <param name="Positions">Both markets' positions when it was held: a fill meanwhile changes what the taker is for.</param>
    private sealed record HeldTaker(MarketLeg Leg, OrderIntent Intent, DateTimeOffset Since, (decimal Primary, decimal? Hedge) Positions);

    private static bool IsTaker(OrderType type, TimeInForce timeInForce) => type == OrderType.Market || timeInForce is TimeInForce.Ioc or TimeInForce.Fok;

    private (decimal Primary, decimal? Hedge) Positions() => (_primary.Cumulative.Position, _hedge?.Cumulative.Position);

    /// <summary>
    /// The furthest price a taker trades at: its limit; for a market order, the level where the others' quantity on the book
    /// covers it (null when the book does not: it may reach every level).
    /// </summary>
    private static decimal? Reach(MarketLeg leg, Side side, decimal? limit, decimal quantity)
    {
        if (limit is { } price) return price;
        var book = leg.Book;
        var bids = side == Side.Sell; // a sell takes the bids
        var levels = bids ? book.BidCount : book.AskCount;
        var covered = 0m;
        for (var i = 0; i < levels; i++)
        {
            var level = bids ? book.Bid(i) : book.Ask(i);
            covered += Math.Max(0m, level.Quantity - OwnRestingAt(leg, bids ? Side.Buy : Side.Sell, level.Price));
            if (covered >= quantity) return level.Price;
        }
        return null;
    }

    private static decimal OwnRestingAt(MarketLeg leg, Side side, decimal price) =>
        leg.Tracker.Live.Where(o => o.Side == side && o.Price == price).Sum(o => o.RemainingQuantity);

    /// <summary>Whether a resting order at <paramref name="price"/> on the side opposite <paramref name="takerSide"/> is within a taker's reach.</summary>
    private static bool Reaches(Side takerSide, decimal? reach, decimal price) =>
        reach is not { } r || (takerSide == Side.Buy ? price <= r : price >= r);

    /// <summary>Our live orders on the leg a taker would trade with.</summary>
    private static bool OwnOrdersInTheWay(MarketLeg leg, Side takerSide, decimal? reach) =>
        leg.Tracker.Live.Any(o => o.Side != takerSide && o.Price is { } p && Reaches(takerSide, reach, p));

    /// <summary>
    /// The quotes less those a taker of ours on the quoted market would reach: one held, one working, or one of this decision.
    /// The reconciler then cancels such a quote resting there, and puts none back until the taker has ended.
    /// </summary>
    private IReadOnlyList<DesiredQuote> ClearOfOurTakers(IReadOnlyList<DesiredQuote> quotes, IReadOnlyList<OrderIntent> immediate)
    {
        if (quotes.Count == 0 || (_heldTakers.Count == 0 && _oneOffs.Count == 0 && immediate.Count == 0)) return quotes; // the usual turn: nothing to look at
        var takers = new List<(Side Side, decimal? Reach)>();
        foreach (var held in _heldTakers.Where(h => h.Leg == _primary))
            takers.Add((held.Intent.Side, Reach(_primary, held.Intent.Side, held.Intent.Price, held.Intent.Quantity)));
        foreach (var (leg, order) in _oneOffs)
            if (leg == _primary && !order.IsTerminal && IsTaker(order.Type, order.TimeInForce)) takers.Add((order.Side, Reach(_primary, order.Side, order.Price, order.RemainingQuantity)));
        foreach (var intent in immediate)
            if (LegOf(intent) == _primary && IsTaker(intent.Type, intent.TimeInForce)) takers.Add((intent.Side, Reach(_primary, intent.Side, intent.Price, intent.Quantity)));
        if (takers.Count == 0) return quotes;
        return quotes.Where(q => !takers.Any(t => t.Side != q.Side && Reaches(t.Side, t.Reach, q.Price))).ToList();
    }

    /// <summary>
    /// Holds a taker our own orders stand in the way of; true when held. A taker of the same market and purpose already held is
    /// replaced (a strategy asks again with what it knows now), keeping its time held.
    /// </summary>
    private bool HoldIfInTheWay(MarketLeg leg, OrderIntent intent, DateTimeOffset now)
    {
        if (!IsTaker(intent.Type, intent.TimeInForce) || !OwnOrdersInTheWay(leg, intent.Side, Reach(leg, intent.Side, intent.Price, intent.Quantity))) return false;
        var at = _heldTakers.FindIndex(h => h.Leg == leg && h.Intent.Purpose == intent.Purpose);
        if (at >= 0) _heldTakers[at] = _heldTakers[at] with { Intent = intent, Positions = Positions() };
        else
        {
            _heldTakers.Add(new HeldTaker(leg, intent, now, Positions()));
            LogHeld(intent, now);
            WakeAtHoldLimit(now);
        }
        return true;
    }

    // A same-market hedge waits so before most of its hedges: one line every 10 s at most, saying how many waited since.
    private readonly LogThrottle _heldLog = new();

    private void LogHeld(OrderIntent intent, DateTimeOffset now)
    {
        if (!_heldLog.ShouldLog(now, out var leftOut, out var since)) return;
        var more = leftOut > 0 ? $"; {leftOut} more waited so in the {since.TotalSeconds:0} s before" : "";
        EngineLog.TakerHeld(_logger, _options.InstanceName, intent.Purpose.ToString(), intent.Side.ToString(), intent.Quantity, more);
    }

    private ITimer? _takerHoldTimer;

    /// <summary>
    /// Asks for a turn when the longest-held taker's wait is up: a quiet market may send nothing to turn on until the next
    /// housekeeping tick, which left a hedge waiting up to a second longer.
    /// </summary>
    private void WakeAtHoldLimit(DateTimeOffset now)
    {
        _takerHoldTimer ??= _time.CreateTimer(_ => _events.Writer.TryWrite(new TakerHoldEnded()), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var due = _heldTakers.Min(h => h.Since) + TakerHoldLimit - now;
        _takerHoldTimer.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Lets go of the held takers: one whose way is now clear (or that waited <see cref="TakerHoldLimit"/>) goes out; one
    /// under which a fill moved a position is dropped, for the strategy to decide again on the position it now has.
    /// </summary>
    private void ReleaseHeldTakers(DateTimeOffset now)
    {
        if (_heldTakers.Count == 0) return;
        var positions = Positions();
        foreach (var held in _heldTakers.ToList())
        {
            var (leg, intent) = (held.Leg, held.Intent);
            if (held.Positions != positions)
            {
                _heldTakers.Remove(held);
                _view.ImmediateWithdrawn++;
                continue;
            }
            if (OwnOrdersInTheWay(leg, intent.Side, Reach(leg, intent.Side, intent.Price, intent.Quantity)) && now - held.Since < TakerHoldLimit) continue;
            _heldTakers.Remove(held);
            Send(leg, intent);
        }
    }
}
