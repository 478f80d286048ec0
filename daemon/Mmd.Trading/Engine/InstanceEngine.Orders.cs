using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Risk;
using Mmd.Trading.Strategies;

namespace Mmd.Trading.Engine;

// The order path: strategy decision -> reconcile -> risk -> journal -> connector.
public sealed partial class InstanceEngine
{
    private readonly List<(MarketLeg Leg, TrackedOrder Order)> _pendingSends = [];
    // The market's opposite touch (without our own orders) when a side's post-only orders bounced; that side waits until
    // the touch it bounced off has moved. Our own orders changing the book do not count: they are not the market.
    private readonly decimal?[] _postOnlyBlockedAt = new decimal?[2];
    private readonly bool[] _postOnlyBlocked = new bool[2];
    // Per side (buy, sell): a side whose quote the venue refused (for anything but post-only, above, or a client id
    // already used) places no new quote for a while, so a refused quote is not sent again at every market event.
    private readonly RefusalBackoff[] _quoteRefusals = [new(), new()];
    private RefusalBackoff QuoteRefusals(Side side) => _quoteRefusals[side == Side.Buy ? 0 : 1];

    // Per side: the strategy's reductions and closes (a one-off IOC it asks for at every decision until the position is
    // back) the venue refused; each waits as a quote does. A hedge's refusals are its strategy's own to space.
    private readonly RefusalBackoff[] _reductionRefusals = [new(), new()];
    private RefusalBackoff ReductionRefusals(Side side) => _reductionRefusals[side == Side.Buy ? 0 : 1];

    // A rebalance the venue refused (insufficient funds where other instances on the account hold the balance) waits as
    // a quote does, rather than going again at every balances read (44 refusals in 2 minutes, seen live).
    private readonly RefusalBackoff _rebalanceRefusals = new();

    private ITimer? _refresh;
    private DateTimeOffset _refreshDueAt;

    /// <summary>
    /// Times a market maker's forced refresh from its quotes: it comes when the oldest resting quote has rested for the
    /// interval, and replaces the quotes that old. A quote re-placed just before is kept (the seed's fixed beat replaced
    /// quotes placed a second earlier, at the same price, losing their place in the queue), and none rests unrefreshed
    /// much past the interval.
    /// </summary>
    private void ScheduleRefresh(DateTimeOffset now)
    {
        DateTimeOffset? oldest = null;
        foreach (var order in _primary.Tracker.Live)
            if (order is { Purpose: OrderPurpose.Quote, Status: not (OrderStatus.PendingCancel or OrderStatus.Unknown) } && OrderStateMachine.IsLive(order.Status)
                && (oldest is null || order.CreatedAt < oldest))
                oldest = order.CreatedAt;
        var due = (oldest ?? now) + _options.RefreshInterval;
        if (oldest is null || due <= now)
        {
            // No quote (paused, say), or one that outlived its refresh (its cancel failed): one refresh a full interval
            // on, not a timer moved on every event or a refresh on every turn.
            if (_refreshDueAt > now) return;
            due = now + _options.RefreshInterval;
        }
        if (due == _refreshDueAt) return;
        _refreshDueAt = due;
        _refresh?.Change(due - now, Timeout.InfiniteTimeSpan);
    }

    private async Task EvaluateAsync(StrategyTrigger trigger, bool forceRefresh, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        _view.Now = now;
        _view.Trigger = trigger;

        ReleaseHeldTakers(now); // before the view: a taker let go is working, one dropped is for the strategy to decide again
        // After the release: a held rebalance let go now is pending, or the strategy asked for it again in this turn and
        // both went (seen live: two IOC sells of 50 SOL, 1 ms apart).
        _view.RebalancePending = _rebalanceOrder is { } r && (!r.IsTerminal || _balancesAt <= r.UpdatedAt);
        if (_rebalanceOrder is { IsTerminal: true } done && _balancesAt > done.UpdatedAt) _rebalanceOrder = null;
        SetPositionView();
        if (Decide(now) is not { } decision)
        {
            await SendPendingAsync(); // a held taker let go
            return;
        }
        if (decision.Stop is { } stop)
        {
            _strategyStop = stop;
            EngineLog.StrategyStop(_logger, _options.InstanceName, stop.Reason, stop.Flatten);
            await SendPendingAsync();
            return;
        }
        // A reduction or a rebalance the venue refused lately waits, as a quote does.
        var immediate = decision.Immediate.Count == 0 ? decision.Immediate
            : decision.Immediate.Where(i => !(i.Purpose == OrderPurpose.Reduce && ReductionRefusals(i.Side).Holds(now))
                && !(i.Purpose == OrderPurpose.Rebalance && _rebalanceRefusals.Holds(now))).ToList();
        // Paused: no quote rests, but the strategy's one-off orders (reduce, stop-loss close) still go out.
        var plan = QuoteReconciler.Plan(_paused ? [] : ClearOfOurTakers(decision.Quotes, immediate), _primary.Tracker.Live, _options.RefreshTolerancePct,
            forceRefresh && _options.RefreshReplacesQuotes ? now - _options.RefreshInterval : null, Passive, EndedAwaitingAnswer(_primary));

        foreach (var order in plan.Cancels) SendCancel(_primary, order, now);
        for (var s = 0; s < 2; s++)
            if (_postOnlyBlocked[s] && (s == 0 ? _view.BestAsk : _view.BestBid) != _postOnlyBlockedAt[s]) _postOnlyBlocked[s] = false;
        foreach (var quote in plan.Places)
        {
            if (_postOnlyBlocked[quote.Side == Side.Buy ? 0 : 1] || QuoteRefusals(quote.Side).Holds(now)) continue;
            // The order rate's window is full: the quotes wait for it (the next event, or the housekeeping tick within a
            // second, tries again). Asking for each at every event piled up denials (133 in 3 s of fills); now the first
            // quote the full window holds back is denied (counted and logged), and the rest wait until one gets through.
            if (_quoteRateHeld && _risk.QuoteRateFull) break;
            // A quote the position limit denied is not asked for again while what it was judged on is the same (the
            // position, the side's open quantity, its size): it would be denied again at every event (107 in 10 s on
            // paper-xemm, whose inventory here drifts to the limit while hedged on the other market).
            var side = quote.Side == Side.Buy ? 0 : 1;
            var judged = (_primary.Cumulative.Position, _primary.Tracker.OpenQuantity(quote.Side), quote.Quantity);
            if (_positionHeld[side] == judged) continue;
            var price = Passive(quote.Side, quote.Price);
            var order = NewOrder(_primary, quote.Side, OrderType.Limit, TimeInForce.Gtc, price, quote.Quantity, OrderPurpose.Quote, quote.Level, postOnly: true,
                reduceOnly: quote.ReduceOnly, quotedPrice: price == quote.Price ? null : quote.Price);
            if (TryAdmit(_primary, order, out var denied))
            {
                _pendingSends.Add((_primary, order));
                _quoteRateHeld = false;
                _positionHeld[side] = null;
            }
            else
            {
                if (denied == DenyReason.MaxPosition) _positionHeld[side] = judged;
                if (_risk.QuoteRateFull) _quoteRateHeld = true;
            }
        }
        foreach (var intent in immediate)
        {
            var leg = LegOf(intent);
            if (!HoldIfInTheWay(leg, intent, now)) Send(leg, intent);
        }
        await SendPendingAsync();
    }

    /// <summary>A hedge market takes the strategy's hedges; everything else trades where the instance quotes.</summary>
    private MarketLeg LegOf(OrderIntent intent) => intent.OnHedgeMarket && _hedge is not null ? _hedge : _primary;

    /// <summary>Admits a one-off order of the strategy's and queues it to be journaled and sent.</summary>
    private void Send(MarketLeg leg, OrderIntent intent)
    {
        var order = NewOrder(leg, intent.Side, intent.Type, intent.TimeInForce, intent.Price, intent.Quantity, intent.Purpose, intent.Level, intent.PostOnly, intent.ReduceOnly);
        if (!TryAdmit(leg, order)) return;
        if (intent.Purpose is not (OrderPurpose.Rebalance or OrderPurpose.Flatten)) _oneOffs.Add((leg, order));
        if (intent.Purpose == OrderPurpose.Rebalance)
        {
            _rebalanceOrder = order;
            _rebalances++;
            EngineLog.Rebalance(_logger, _options.InstanceName, order.Side.ToString(), order.Quantity, order.Price);
        }
        _pendingSends.Add((leg, order));
    }

    // Set when the order rate denied a quote, cleared when one gets through: while set, quotes wait for the window.
    private bool _quoteRateHeld;

    // Per side (buy, sell): what the last quote the position limit denied was judged on.
    private readonly (decimal Position, decimal Open, decimal Quantity)?[] _positionHeld = new (decimal, decimal, decimal)?[2];

    // One-off orders (hedge, reduce, close) until they ended and their fills are in the position.
    private readonly List<(MarketLeg Leg, TrackedOrder Order)> _oneOffs = [];

    private void SetPositionView()
    {
        _view.Position = _primary.Cumulative.Position;
        _view.EntryPrice = _primary.Cumulative.AverageEntryPrice;
        _view.UnrealizedPnl = _primary.Book.Mid is { } mid ? _primary.Cumulative.Unrealized(mid) : 0m;
        // A filled IOC can be reported before its fills arrive: until they do, the position is not yet what it will be,
        // and a strategy sizing from it would send the same order twice. The housekeeping tick asks the venue for fills
        // that are late; only fills the venue itself never lists are given up on, after a minute, with a warning.
        var now = _time.GetUtcNow();
        _oneOffs.RemoveAll(o => Ended(o.Leg, o.Order) && (FillsCaughtUp(o.Leg, o.Order) || GiveUpOnFills(o.Leg, o.Order, now)));
        SetHedgeView();
        SetOwnBalances();
        _view.ImmediatePending = _oneOffs.Count > 0 || _heldTakers.Count > 0;
    }

    /// <summary>Quotes the venue's stream told refused before the venue answered their placing (<see cref="MarketLeg.PlacesInFlight"/>).</summary>
    private static IEnumerable<TrackedOrder> EndedAwaitingAnswer(MarketLeg leg) =>
        leg.PlacesInFlight.Count == 0 ? [] : leg.PlacesInFlight.Select(leg.Tracker.Find).OfType<TrackedOrder>().Where(o => o.Purpose == OrderPurpose.Quote && RefusedAwaitingAnswer(leg, o));

    /// <summary>
    /// The order has ended; if the venue refused it, its place request has been answered too (<see cref="MarketLeg.PlacesInFlight"/>):
    /// the refusal reaches the strategy with the answer. Other ends do not wait for it, which may come long after the
    /// stream (Lighter's connector reads an order back when its watch missed it, at reads paced seconds apart).
    /// </summary>
    private static bool Ended(MarketLeg leg, TrackedOrder order) => order.IsTerminal && !RefusedAwaitingAnswer(leg, order);

    private static bool RefusedAwaitingAnswer(MarketLeg leg, TrackedOrder order) => order.Status == OrderStatus.Rejected && leg.PlacesInFlight.Contains(order.ClientOrderId);

    private static bool FillsCaughtUp(MarketLeg leg, TrackedOrder order) => leg.Tracker.FilledByFills(order) >= order.FilledQuantity;

    private bool GiveUpOnFills(MarketLeg leg, TrackedOrder order, DateTimeOffset now)
    {
        if (now - order.UpdatedAt <= MissingFillsGiveUp) return false;
        EngineLog.FillsMissing(_logger, _options.InstanceName, order.ClientOrderId, order.FilledQuantity, leg.Tracker.FilledByFills(order));
        return true;
    }

    private static readonly TimeSpan MissingFillsGiveUp = TimeSpan.FromMinutes(1);

    /// <summary>True when a one-off order ended filled a while ago and its fills have not all arrived: time to ask.</summary>
    private bool OneOffFillsLate(MarketLeg leg, DateTimeOffset now) =>
        _oneOffs.Any(o => o.Leg == leg && o.Order.IsTerminal && !FillsCaughtUp(leg, o.Order) && now - o.Order.UpdatedAt > TimeSpan.FromSeconds(2));

    /// <summary>A quote never crosses the opposite touch we know of: post-only would only bounce it.</summary>
    private decimal Passive(Side side, decimal price) => side switch
    {
        Side.Buy when _view.BestAsk is { } ask && price >= ask => ask - _primary.Instrument.TickSize,
        Side.Sell when _view.BestBid is { } bid && price <= bid => bid + _primary.Instrument.TickSize,
        _ => price,
    };

    /// <summary>The strategy's decision, the engine's own (pull everything), or null: nothing to decide yet.</summary>
    private StrategyDecision? Decide(DateTimeOffset now)
    {
        // With a daily loss limit, no quote goes out before today's loss is known: a restart may find the day halted.
        if (_risk.Limits.MaxDailyLoss is not null && !_dayObserved) _dayObserved = ObserveDay(now);
        var dayUnknown = _risk.Limits.MaxDailyLoss is not null && !_dayObserved;
        var halted = _risk.KillSwitchTripped || _risk.DailyLossHalt is not null;
        if (!halted && !dayUnknown) return DecideInMarket(now);
        if (_risk.KillSwitchTripped && !_killLogged) EngineLog.KillSwitch(_logger, _options.InstanceName, _risk.KillSwitchReason);
        else if (!_risk.KillSwitchTripped && _risk.DailyLossHalt is { } halt && !_dailyHaltLogged) EngineLog.DailyLossHalt(_logger, _options.InstanceName, halt);
        _killLogged |= _risk.KillSwitchTripped;
        _dailyHaltLogged |= _risk.DailyLossHalt is not null;
        // No new exposure, but the position already taken is still protected: the hedge of a fill that came in while the
        // quotes were pulled (or whose hedge failed before), a reduce-only close, a strategy's stop. Before the first book
        // (today unknown, nothing halted) adopted orders stay where they are, as they would without the limit.
        if (DecideInMarket(now) is not { } decision) return halted ? StrategyDecision.PullQuotes : null;
        return new StrategyDecision([], decision.Immediate.Where(i => RiskEngine.IsProtective(i.Purpose, i.ReduceOnly)).ToList()) { Stop = decision.Stop };
    }

    private StrategyDecision? DecideInMarket(DateTimeOffset now)
    {
        // Before the first book, orders adopted at start stay where they are (their queue places kept) for as long as a
        // running book may be silent; after that, no market data means no quotes.
        if (!_primary.Book.IsSynced && _primary.Book.Sequence == 0 && now - _sessionStart < _options.StaleBookAfter) return null;
        var stale = !_primary.BookFresh(now, _options.StaleBookAfter) || (_hedge is not null && !_hedge.BookFresh(now, _options.StaleBookAfter));
        if (stale)
        {
            if (!_wasStale) EngineLog.Stale(_logger, _options.InstanceName);
            _wasStale = true;
            return HedgesOnly(now);
        }
        _wasStale = false;
        if (Legs.Any(l => l.AccountDown(now, _options.AccountStreamGrace)))
        {
            if (!_accountDownLogged) EngineLog.AccountStreamDown(_logger, _options.InstanceName);
            _accountDownLogged = true;
            return HedgesOnly(now);
        }
        _accountDownLogged = false;
        SetReferencePrices();
        return _strategy.Decide(_view);
    }

    private bool _accountDownLogged;

    // Per price: the quantity each order of ours may show there, live or ended in the last second (EndedOrderInBook).
    private readonly Dictionary<decimal, List<decimal>> _ownBids = [];
    private readonly Dictionary<decimal, List<decimal>> _ownAsks = [];

    /// <summary>
    /// How long the book may still show an order of ours after the venue said it ended: the book and the order updates come
    /// on separate streams, in either order.
    /// </summary>
    private static readonly TimeSpan EndedOrderInBook = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Best bid and ask without our own resting quantity, so that our quotes never become their own reference. An order
    /// that ended in the last second counts as ours too: a quote at the touch otherwise took its own cancelled bid, still
    /// in a book that had not caught up, for the market's, re-placed it there, then moved away again once it was acked
    /// (seen live: ten orders in 16 ms between two prices).
    /// </summary>
    private void SetReferencePrices()
    {
        ClearOwn(_ownBids);
        ClearOwn(_ownAsks);
        foreach (var order in _primary.Tracker.Live)
        {
            if (order.Price is not { } price || order.Status is OrderStatus.Submitted or OrderStatus.Unknown) continue;
            AddOwn(order.Side == Side.Buy ? _ownBids : _ownAsks, price, order.RemainingQuantity);
        }
        foreach (var order in _primary.Tracker.EndedSince(_time.GetUtcNow() - EndedOrderInBook))
        {
            if (order.Price is not { } price) continue;
            // A fill may not have reached the book either: then all of a filled order can still show.
            AddOwn(order.Side == Side.Buy ? _ownBids : _ownAsks, price, order.Status == OrderStatus.Filled ? order.Quantity : order.RemainingQuantity);
        }
        _view.BestBid = _primary.Book.BestExcluding(bid: true, (p, shown) => OwnShown(_ownBids, p, shown));
        _view.BestAsk = _primary.Book.BestExcluding(bid: false, (p, shown) => OwnShown(_ownAsks, p, shown));
    }

    // The lists of the last evaluation, used again: the prices a long run quotes at come and go.
    private readonly Stack<List<decimal>> _spareOwnLists = new();

    private void ClearOwn(Dictionary<decimal, List<decimal>> own)
    {
        foreach (var orders in own.Values)
        {
            orders.Clear();
            _spareOwnLists.Push(orders);
        }
        own.Clear();
    }

    private void AddOwn(Dictionary<decimal, List<decimal>> own, decimal price, decimal quantity)
    {
        if (quantity <= 0) return;
        if (!own.TryGetValue(price, out var orders)) own[price] = orders = _spareOwnLists.Count > 0 ? _spareOwnLists.Pop() : [];
        orders.Add(quantity);
    }

    /// <summary>
    /// How much of a level's <paramref name="shown"/> quantity is ours. The book and our order updates come on separate
    /// streams: a venue acknowledges an order before its book shows it, and reports a cancel before its book drops it. An
    /// order is on the book whole or not at all, so ours there is the most of our orders' quantities that fits in what the
    /// level shows. Counting every order regardless took a level of others smaller than our quote for ours alone: the quote
    /// moved behind it, the new one again, a tick at each event until the book caught up (an ask of 10 beside 3.8 of others
    /// walked nine ticks in 200 ms).
    /// </summary>
    private static decimal OwnShown(Dictionary<decimal, List<decimal>> own, decimal price, decimal shown)
    {
        if (!own.TryGetValue(price, out var orders)) return 0m;
        var all = orders.Sum();
        if (all <= shown) return all;
        if (orders.Count > 12) return Math.Min(shown, orders.Max()); // never so many at one price; bounded all the same
        var best = 0m;
        for (var subset = 1; subset < 1 << orders.Count; subset++)
        {
            var sum = 0m;
            for (var i = 0; i < orders.Count; i++)
                if ((subset & (1 << i)) != 0) sum += orders[i];
            if (sum <= shown && sum > best) best = sum;
        }
        return best;
    }

    private TrackedOrder NewOrder(MarketLeg leg, Side side, OrderType type, TimeInForce timeInForce, decimal? price, decimal quantity, OrderPurpose purpose,
        int level, bool postOnly, bool reduceOnly, int postOnlyRetries = 0, decimal? quotedPrice = null)
    {
        (type, price) = AsTheVenueTakes(leg, side, type, price, quantity);
        return new TrackedOrder
        {
            ClientOrderId = leg.Ids.Next(),
            Symbol = leg.Instrument.Symbol,
            Side = side,
            Type = type,
            TimeInForce = timeInForce,
            Price = price,
            QuotedPrice = quotedPrice,
            Quantity = quantity,
            PostOnly = postOnly,
            ReduceOnly = reduceOnly,
            Purpose = purpose,
            Level = level,
            PostOnlyRetries = postOnlyRetries,
            CreatedAt = _time.GetUtcNow(),
        };
    }

    /// <summary>
    /// How far past the level that covers it a market order of ours may trade on a venue that takes no market orders: it
    /// gets an IOC limit there instead (Lighter's own market orders carry such a worst price).
    /// </summary>
    internal const decimal MarketOrderLimitPct = 1m;

    /// <summary>
    /// A market order as the leg's venue takes it: as it is, or (no market orders there: a perp market maker's reductions
    /// and the stop's flatten were refused on Lighter, every time) an IOC limit at the level where the others' quantity on
    /// the book covers it, or its last level, <see cref="MarketOrderLimitPct"/> further. Left a market order with no book.
    /// </summary>
    private static (OrderType Type, decimal? Price) AsTheVenueTakes(MarketLeg leg, Side side, OrderType type, decimal? price, decimal quantity)
    {
        if (type != OrderType.Market || leg.Connector.Capabilities.HasFlag(ConnectorCapabilities.MarketOrders)) return (type, price);
        var book = leg.Book;
        var levels = side == Side.Buy ? book.AskCount : book.BidCount;
        if (levels == 0) return (type, price);
        var far = Reach(leg, side, null, quantity) ?? (side == Side.Buy ? book.Ask(levels - 1) : book.Bid(levels - 1)).Price;
        var limit = side == Side.Buy ? far * (1 + MarketOrderLimitPct / 100m) : far * (1 - MarketOrderLimitPct / 100m);
        return (OrderType.Limit, leg.Instrument.RoundPricePassive(limit, side));
    }

    private readonly DenialLogThrottle _denialLog = new();

    /// <summary>Risk check; an allowed order enters the tracker (state New), a denied one is only counted.</summary>
    private bool TryAdmit(MarketLeg leg, TrackedOrder order) => TryAdmit(leg, order, out _);

    private bool TryAdmit(MarketLeg leg, TrackedOrder order, out DenyReason? denied)
    {
        denied = null;
        var context = new RiskContext(leg.Book.Mid, leg.Cumulative.Position, leg.Tracker.OpenQuantity(Side.Buy), leg.Tracker.OpenQuantity(Side.Sell));
        var decision = _risk.Check(order.ToRequest(), context, order.Purpose);
        if (!decision.Allowed)
        {
            if (_denialLog.ShouldLog(decision.Reason, _time.GetUtcNow(), out var leftOut))
                EngineLog.Denied(_logger, _options.InstanceName, order.Side.ToString(), order.Quantity, order.Price, decision.Reason.ToString(), decision.Detail,
                    leftOut, LogThrottle.Every.TotalSeconds);
            denied = decision.Reason;
            return false;
        }
        leg.Tracker.Add(order);
        return true;
    }

    /// <summary>
    /// Journals the new orders (and every other change) in one write, then sends them. A stop asked for meanwhile does
    /// not hold them back: a hedge among them must go out (held back, it would sit as working and the stop's own hedge
    /// would not replace it), and the stop's cancel-all waits for every request in flight, so a quote goes with the rest.
    /// </summary>
    private async Task SendPendingAsync()
    {
        if (_pendingSends.Count == 0) return;
        await FlushOrdersAsync();
        var now = _time.GetUtcNow();
        _latency.RequestHanded();
        foreach (var (leg, order) in _pendingSends)
        {
            leg.Tracker.MarkSubmitted(order, now);
            leg.PlacesInFlight.Add(order.ClientOrderId);
            Interlocked.Increment(ref _requestsInFlight);
            // A quote may be taken back while it waits for the venue's request limit; a hedge, a reduction, a close go.
            var withdrawal = order.Purpose == OrderPurpose.Quote ? new PlaceWithdrawal() : null;
            if (withdrawal is not null) leg.Withdrawable[order.ClientOrderId] = withdrawal;
            _ = PlaceAndReportAsync(leg, order, withdrawal);
        }
        _pendingSends.Clear();
    }

    /// <summary>Writes the orders changed since the last flush; taken from the tracker, so never cut short (ITradingJournal).</summary>
    private async Task FlushOrdersAsync()
    {
        foreach (var leg in Legs)
        {
            var changed = leg.Tracker.TakeChanged();
            if (changed.Count > 0) await leg.Journal.SaveOrdersAsync(changed, CancellationToken.None);
        }
    }

    private void SendCancel(MarketLeg leg, TrackedOrder order, DateTimeOffset now)
    {
        leg.Tracker.MarkPendingCancel(order, now);
        // Still waiting to leave: taken back, it never goes, nor does a cancel (its place's answer ends it).
        if (TryWithdraw(leg, order)) return;
        Interlocked.Increment(ref _requestsInFlight);
        _latency.RequestHanded();
        _ = CancelAndReportAsync(leg, order);
    }

    /// <summary>
    /// An order of ours resting on the venue that this leg is not working is a stray: a request given up as never
    /// received that reached the venue late, or an order of an earlier run. It is cancelled on sight, as at startup, so
    /// nothing of ours rests unwatched (its fills count either way: they carry our prefix). A stale "open" report of an
    /// order we already finished is not a stray; nor is one no run of this instance placed, which is another process's
    /// (<see cref="PlacedElsewhereAsync"/>): true for such a one.
    /// </summary>
    private async Task<bool> CancelIfStrayAsync(MarketLeg leg, VenueOrder report, TrackedOrder? tracked)
    {
        if (report.ClientOrderId is not { } id || report.Symbol != leg.Symbol || !leg.Tracker.Owns(id)) return false;
        if (leg.Foreign.Contains(id)) return true;
        if (report.Status is not (VenueOrderStatus.Open or VenueOrderStatus.PartiallyFilled)) return false;
        if (tracked is not null && !tracked.SettledAsNeverReceived) return false;
        if (leg.Strays.ContainsKey(id)) return false;
        if (tracked is null && await PlacedElsewhereAsync(leg, report, id)) return true;
        leg.Strays.Add(id, report);
        EngineLog.StrayCancelling(_logger, _options.InstanceName, id, report.Side.ToString(), report.Quantity, report.Price);
        SendStrayCancel(leg, report);
        return false;
    }

    /// <summary>
    /// An open order with our client-id prefix that this run does not track and the journal does not hold was placed by
    /// another process: every order of this instance is journaled before it is sent, an earlier run's (even one that
    /// reached the venue late) included. Two workers of one instance on one account (two state dirs, two machines) would
    /// each count the other's fills as their own and cancel the other's quotes, on and on. Instead the kill switch trips
    /// (quotes pulled, no new exposure; it holds across the supervisor's restarts), and the other's orders are left to it,
    /// their fills not counted here.
    /// </summary>
    private async Task<bool> PlacedElsewhereAsync(MarketLeg leg, VenueOrder report, string id)
    {
        OrderPurpose? journaled;
        try { journaled = await leg.Journal.LoadOrderPurposeAsync(id, CancellationToken.None); }
        catch (Exception ex) when (ex is not OperationCanceledException) { return false; } // unread: taken for a stray, as before
        if (journaled is not null) return false;
        leg.Foreign.Add(id);
        if (!_risk.KillSwitchTripped)
            _risk.Latch($"order {id} ({report.Side} {report.Quantity} @ {report.Price}) carries this instance's client-id prefix, but no run of it " +
                $"placed it (it is not in its journal): another process trades as '{_options.InstanceName}' on this account (a worker on another " +
                "state dir or machine?); its orders are left to it. Stop it, then restart this instance");
        return true;
    }

    private void SendStrayCancel(MarketLeg leg, VenueOrder stray)
    {
        if (!leg.StrayCancelsInFlight.Add(stray.ClientOrderId!)) return;
        Interlocked.Increment(ref _requestsInFlight);
        _ = CancelStrayAndReportAsync(leg, stray);
    }

    private async Task CancelStrayAndReportAsync(MarketLeg leg, VenueOrder stray)
    {
        CancelOrderResult result;
        try { result = await leg.Connector.CancelOrderAsync(new CancelOrderRequest(stray.Symbol, stray.VenueOrderId, stray.ClientOrderId), _io.Token); }
        catch (Exception ex) { result = new CancelOrderResult(CommandOutcome.Unknown, null, RejectCode.None, ex.Message); }
        await _events.Writer.WriteAsync(new StrayCancelCompleted(leg, stray, result), CancellationToken.None);
    }

    private void OnStrayCancelCompleted(StrayCancelCompleted completed)
    {
        var id = completed.Order.ClientOrderId!;
        completed.Leg.StrayCancelsInFlight.Remove(id);
        // Off the book either way: cancelled now, or already gone (filled or cancelled) when the cancel arrived.
        if (completed.Result.Outcome == CommandOutcome.Accepted || completed.Result.Code == RejectCode.OrderNotFound)
        {
            completed.Leg.Strays.Remove(id);
            if (completed.Result.Outcome == CommandOutcome.Accepted) _cancelled++;
            return;
        }
        EngineLog.StrayCancelFailed(_logger, _options.InstanceName, id, completed.Result.Message); // the housekeeping tick tries again
    }

    /// <summary>Takes back the order's place if it has not left yet (see PlaceWithdrawal): true, and it is never sent.</summary>
    private static bool TryWithdraw(MarketLeg leg, TrackedOrder order) =>
        order.Status == OrderStatus.PendingCancel && leg.Withdrawable.TryGetValue(order.ClientOrderId, out var withdrawal) && withdrawal.TryWithdraw();

    /// <summary>Every quote of the legs still waiting to leave, taken back: a stop or a fault need not wait for them to go.</summary>
    private void WithdrawWaitingPlaces()
    {
        var now = _time.GetUtcNow();
        foreach (var leg in Legs)
            foreach (var id in leg.Withdrawable.Keys.ToList())
                if (leg.Tracker.Find(id) is { Status: OrderStatus.Submitted } order && leg.Withdrawable[id].TryWithdraw())
                    leg.Tracker.MarkPendingCancel(order, now);
    }

    private async Task PlaceAndReportAsync(MarketLeg leg, TrackedOrder order, PlaceWithdrawal? withdrawal)
    {
        PlaceOrderResult result;
        var started = _latency.Now();
        try { result = await leg.Connector.PlaceOrderAsync(order.ToRequest() with { Withdrawal = withdrawal }, _io.Token); }
        catch (Exception) when (withdrawal?.Withdrawn == true) { result = PlaceOrderResult.Withdrawn(); } // never left
        catch (Exception ex) { result = PlaceOrderResult.Unknown(ex.Message); } // sent or not: only the venue knows
        await _events.Writer.WriteAsync(new PlaceCompleted(leg, order, result, _latency.Since(started)), CancellationToken.None);
    }

    private async Task CancelAndReportAsync(MarketLeg leg, TrackedOrder order)
    {
        CancelOrderResult result;
        var started = _latency.Now();
        try { result = await leg.Connector.CancelOrderAsync(new CancelOrderRequest(order.Symbol, order.VenueOrderId, order.ClientOrderId), _io.Token); }
        catch (Exception ex) { result = new CancelOrderResult(CommandOutcome.Unknown, null, RejectCode.None, ex.Message); }
        await _events.Writer.WriteAsync(new CancelCompleted(leg, order, result, _latency.Since(started)), CancellationToken.None);
    }
}
