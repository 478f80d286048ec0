using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Stats;
using Mmd.Trading.Strategies.PerpMarketMaking;

namespace Mmd.Trading.Strategies.Grid;

/// <summary>
/// The seed's perpetual grid (§1.5) with upstream's fixes: post-only open orders on the levels, a close order one level
/// further in profit for every (partial) fill, locked levels until their close fills, profit booked on the close. Close
/// orders follow upstream's policy (§1.5.11): never reduce-only in a neutral grid, always in a one-sided grid, which
/// never places a close without a position behind it. Rejected closes are retried, then closed at market (without
/// reduce-only once the venue refused that with no fill of ours to explain it: the seed's retry). The instance's
/// position is reconciled with the levels on every decision: what no level accounts for (after a restart, a range move,
/// a cap reduction) rests as a reduce-only close at the nearest level. The boundary check, the max-position cap and
/// stop-loss / take-profit (followed by a clean rebuild) run on every event, not once per interval.
/// </summary>
public sealed class PerpGrid : IStrategy
{
    /// <summary>Quote keys: open orders use the level index, closes <see cref="CloseKey"/> + index, the unaccounted position <see cref="OrphanKey"/>.</summary>
    public const int CloseKey = 10_000;
    public const int OrphanKey = 20_000;

    private PerpGridConfig _config;
    private readonly GridRange _range;
    private PerpGridLevel[] _levels = [];
    private decimal _step;
    private decimal _quantity;
    private decimal _lower, _upper;
    private long _buyFills, _sellFills, _roundTrips;
    private decimal _profit;
    private int _activeBuys, _activeSells;
    private int _stopLosses, _takeProfits, _reductions;
    private string? _lastAction;
    private DateTimeOffset? _lastActionAt;
    private readonly List<DesiredQuote> _quotes = [];
    private readonly List<OrderIntent> _intents = [];
    // The cap's reductions and the stop-loss / take-profit closes (each level's own close has its own), and the close of
    // the position no level accounts for.
    private readonly ReduceOnlyRefusal _reduceOnlyRefusal = new();
    private readonly ReduceOnlyRefusal _orphanRefusal = new();

    public PerpGrid(PerpGridConfig config)
    {
        _config = config;
        _range = new GridRange(config.FixedRange);
    }

    public string Kind => "perp_grid";

    public bool Initialized => _levels.Length > 0;

    public IReadOnlyList<decimal> Levels => _levels.Select(l => l.Price).ToList();

    public decimal Profit => _profit;

    public long RoundTrips => _roundTrips;

    /// <summary>Signed position each level holds, by level price (for tests and the operator).</summary>
    public IReadOnlyDictionary<decimal, decimal> LevelPositions => _levels.Where(l => l.Position != 0).ToDictionary(l => l.Price, l => l.Position);

    public void Adjust(decimal lower, decimal upper) => _range.Request(lower, upper);

    public string? Reconfigure(StrategyConfig config)
    {
        var refused = _range.Reconfigure(_config, config, Kind);
        if (refused is null) _config = (PerpGridConfig)config;
        return refused;
    }

    public StrategyDecision Decide(StrategyView view)
    {
        if (view.Mid is not { } mid) return StrategyDecision.PullQuotes;
        var instrument = view.Instrument;

        var refusalWaits = _reduceOnlyRefusal.Waiting(view.Now, out var wentPlain);
        if (wentPlain) Record("the venue refused a reduce-only close and no fill explained it (the account's position is not this instance's): closing without reduce-only for a minute", view.Now);
        var protective = PositionControl.Protective(view.Position, view.UnrealizedPnl, _config.StopLoss, _config.TakeProfit, instrument.MinQuantity);
        if (protective != PositionTrigger.None)
        {
            if (view.ImmediatePending || refusalWaits) return StrategyDecision.PullQuotes;
            var what = protective == PositionTrigger.StopLoss ? "stop-loss" : "take-profit";
            if (protective == PositionTrigger.StopLoss) _stopLosses++; else _takeProfits++;
            Record($"{what}: unrealized PnL {view.UnrealizedPnl} on position {view.Position}", view.Now);
            if (_config.ProtectiveAction == ProtectiveAction.Stop) return StrategyDecision.StopRun(_lastAction!, flatten: true);
            _levels = []; // a clean rebuild once the position is closed (the fork left levels locked, §1.5.10)
            return PositionControl.Close(instrument, view.Position, view.Position, mid, reduceOnly: !_reduceOnlyRefusal.Plain(view.Now)) is { } close
                ? new StrategyDecision([], [close])
                : StrategyDecision.PullQuotes;
        }
        if (view.ImmediatePending && !Initialized) return StrategyDecision.PullQuotes; // a protective close is still working

        if (!Initialized || _range.Pending) Initialize(view, mid);
        if (!Initialized) return StrategyDecision.PullQuotes;

        if (_config.BoundaryCheck && (mid > _upper * (1 + _config.BoundaryTolerance) || mid < _lower * (1 - _config.BoundaryTolerance)))
        {
            var breach = $"price {mid} left the range {_lower}-{_upper}";
            switch (_config.BoundaryAction)
            {
                case BoundaryAction.EmergencyClose:
                    Record($"boundary: {breach}; closing the position and stopping", view.Now);
                    return StrategyDecision.StopRun(_lastAction!, flatten: true);
                case BoundaryAction.StopOnly:
                    Record($"boundary: {breach}; stopping, position kept", view.Now);
                    return StrategyDecision.StopRun(_lastAction!, flatten: false);
                default:
                    var (lower, upper) = AutoRange(mid);
                    Record($"boundary: {breach}; range moved to {instrument.RoundPrice(lower)}-{instrument.RoundPrice(upper)}", view.Now);
                    _range.Request(lower, upper);
                    Initialize(view, mid);
                    break;
            }
        }

        _intents.Clear();
        if (!view.ImmediatePending && !refusalWaits && PositionControl.Excess(view.Position, _config.MaxPosition, 0m, _config.MaxPosition) is (PositionTrigger.AboveMax, var excess)
            && PositionControl.Close(instrument, view.Position, excess, mid, reduceOnly: !_reduceOnlyRefusal.Plain(view.Now)) is { } reduce)
        {
            _reductions++;
            Record($"position {view.Position} above max {_config.MaxPosition}", view.Now);
            _intents.Add(reduce);
        }
        ReconcileWithPosition(view.Position, instrument.MinQuantity);
        BuildQuotes(view, mid);
        return new StrategyDecision(_quotes.ToArray(), _intents.ToArray());
    }

    /// <summary>The last run's counters carry on, and an auto range is rebuilt where the last run had it.</summary>
    public void OnRestored(StrategyFigures? last)
    {
        if (last?.Grid is not { } g || g.Type != TypeName(_config.Type)) return;
        (_buyFills, _sellFills, _roundTrips, _profit) = (g.BuyFills, g.SellFills, g.RoundTrips, g.Profit);
        if (last.Position is { } p) (_reductions, _stopLosses, _takeProfits) = (p.Reductions, p.StopLosses, p.TakeProfits);
        if (_config.AutoRange && g.Lower > 0 && g.Upper > g.Lower) _range.Request(g.Lower, g.Upper);
    }

    public void OnFillsConfirmed()
    {
        _reduceOnlyRefusal.Confirmed();
        _orphanRefusal.Confirmed();
        foreach (var l in _levels) l.CloseRefusal.Confirmed();
    }

    public void OnFill(StrategyFill fill)
    {
        _reduceOnlyRefusal.Explained();
        _orphanRefusal.Explained();
        foreach (var l in _levels) l.CloseRefusal.Explained();
        if (fill.Side == Side.Buy) _buyFills++; else _sellFills++;
        var key = fill.Level;
        if (fill.Purpose == OrderPurpose.Quote && key >= 0 && key < _levels.Length)
        {
            var level = _levels[key];
            if (level.Price != fill.OrderPrice) return; // an order of a grid that was rebuilt since
            level.OpenSide ??= fill.Side;
            level.OpenFilled += fill.Quantity;
            level.Position += fill.Side == Side.Buy ? fill.Quantity : -fill.Quantity;
            if (fill.OrderRemaining <= 0) level.OpenComplete = true;
        }
        else if (fill.Purpose is OrderPurpose.Quote or OrderPurpose.Reduce && key >= CloseKey && key < CloseKey + _levels.Length)
        {
            var level = _levels[key - CloseKey];
            if (level.Position == 0) return;
            var closed = Math.Min(fill.Quantity, Math.Abs(level.Position));
            _profit += level.Position > 0 ? (fill.Price - level.Price) * closed : (level.Price - fill.Price) * closed;
            level.Position -= Math.Sign(level.Position) * closed;
            if (level.Position == 0)
            {
                _roundTrips++;
                level.CloseRejections = 0;
                if (level.OpenComplete || level.OpenFilled == 0) level.Reset();
            }
        }
    }

    public void OnRejected(StrategyRejection rejection)
    {
        var refusedReduceOnly = rejection is { Purpose: OrderPurpose.Reduce, Code: RejectCode.ReduceOnlyWouldIncrease };
        if (rejection is { Level: OrphanKey, Code: RejectCode.ReduceOnlyWouldIncrease })
        {
            _orphanRefusal.Refused();
            return;
        }
        if (rejection.Level < CloseKey || rejection.Level >= CloseKey + _levels.Length)
        {
            if (refusedReduceOnly) _reduceOnlyRefusal.Refused(); // the cap's reduction, or a stop-loss / take-profit close
            return;
        }
        var level = _levels[rejection.Level - CloseKey];
        level.CloseRejections++;
        if (refusedReduceOnly) level.CloseRefusal.Refused();
    }

    public StrategyFigures Figures(StrategyView view)
    {
        int locked = 0, pending = 0;
        foreach (var l in _levels)
        {
            if (l.Locked) locked++;
            if (l.CloseRejections > 0) pending++;
        }
        return new StrategyFigures
        {
            Grid = new GridFigures(_config.Mode.ToString().ToLowerInvariant(), TypeName(_config.Type), _lower, _upper, _levels.Length,
                _buyFills, _sellFills, _roundTrips, _profit, _activeBuys, _activeSells, locked, pending),
            Position = new PositionFigures(view.Position, view.EntryPrice, view.UnrealizedPnl, 0m, _config.MaxPosition, 0m, 0m, 1m,
                _reductions, _stopLosses, _takeProfits),
            LastProtectiveAction = _lastAction,
            LastProtectiveActionAt = _lastActionAt,
        };
    }

    public static string TypeName(GridType type) => type switch
    {
        GridType.LongOnly => "long",
        GridType.ShortOnly => "short",
        _ => "neutral",
    };

    /// <summary>The auto range for the grid type: neutral price -/+ r, long [price - r, price], short [price, price + r].</summary>
    private (decimal Lower, decimal Upper) AutoRange(decimal price)
    {
        var r = price * _config.PriceRangePct / 100m;
        return _config.Type switch
        {
            GridType.LongOnly => (price - r, price),
            GridType.ShortOnly => (price, price + r),
            _ => (price - r, price + r),
        };
    }

    private void Initialize(StrategyView view, decimal mid)
    {
        var instrument = view.Instrument;
        var range = _range.Take(AutoRange(mid));
        (_lower, _upper) = (instrument.RoundPrice(range.Lower), instrument.RoundPrice(range.Upper));
        var prices = GridLevels.Build(instrument, _lower, _upper, _config.Levels, _config.Mode);
        if (prices.Length < 2) { _levels = []; return; }
        _step = (prices[^1] - prices[0]) / (prices.Length - 1);
        var opens = prices.Count(p => Math.Abs(p - mid) > mid * 0.001m && _config.Type switch
        {
            GridType.LongOnly => p <= mid,
            GridType.ShortOnly => p >= mid,
            _ => true,
        });
        _quantity = _config.OrderQuantity is { } q
            ? Math.Max(instrument.MinQuantity, instrument.RoundQuantity(q))
            : Math.Max(instrument.MinQuantity, instrument.RoundQuantity(_config.MaxPosition / Math.Max(1, opens) * 0.8m));
        _levels = prices.Select((p, i) => new PerpGridLevel(i, p)).ToArray();
    }

    /// <summary>
    /// The levels' positions must add up to no more than the instance's position, with the same sign; when they do not
    /// (a market close outside the grid, a restart, a cap reduction), the levels forget theirs and the unaccounted
    /// position is covered by one reduce-only close instead.
    /// </summary>
    private void ReconcileWithPosition(decimal position, decimal minQuantity)
    {
        decimal longs = 0, shorts = 0;
        foreach (var l in _levels)
            if (l.Position > 0) longs += l.Position; else shorts -= l.Position;
        var sum = longs - shorts;
        var consistent = _config.Type == GridType.Neutral
            ? Math.Abs(sum - position) < minQuantity / 2 || (Math.Sign(sum) == Math.Sign(position) && Math.Abs(sum) <= Math.Abs(position)) || sum == 0
            : Math.Sign(sum) * Math.Sign(position) >= 0 && Math.Abs(sum) <= Math.Abs(position) + minQuantity / 2;
        if (consistent) return;
        foreach (var l in _levels)
        {
            if (l.Position == 0) continue;
            l.Position = 0;
            if (l.OpenComplete) l.Reset();
        }
    }

    private void BuildQuotes(StrategyView view, decimal mid)
    {
        var instrument = view.Instrument;
        _quotes.Clear();
        _activeBuys = _activeSells = 0;
        var position = view.Position;
        decimal accounted = 0;
        foreach (var l in _levels) accounted += l.Position;

        // Closes first: they only reduce (or, in a neutral grid, offset another level).
        var reduceOnly = _config.Type != GridType.Neutral;
        decimal closeBuys = 0, closeSells = 0;
        foreach (var level in _levels)
        {
            if (level.Position == 0) continue;
            var quantity = instrument.RoundQuantity(Math.Abs(level.Position));
            if (quantity < instrument.MinQuantity) continue;
            var closeSide = level.Position > 0 ? Side.Sell : Side.Buy;
            if (level.CloseRejections > _config.CloseRetries)
            {
                // The limit close keeps bouncing: close this level at market, once at a time. A reduce-only one the venue
                // refused waits until the venue has listed our fills (one of ours on its way would explain it), then goes
                // plain (the seed's retry).
                var waiting = level.CloseRefusal.Waiting(view.Now, out var wentPlain);
                if (wentPlain) Record($"the venue refused the reduce-only close of level {level.Price} and no fill explained it (the account's position is not this instance's): closing it without reduce-only", view.Now);
                if (!view.ImmediatePending && _intents.Count == 0 && !waiting)
                    _intents.Add(new OrderIntent(closeSide, OrderType.Market, TimeInForce.Ioc, null, quantity, OrderPurpose.Reduce,
                        ReduceOnly: reduceOnly && !level.CloseRefusal.Plain(view.Now), Level: CloseKey + level.Index));
                continue;
            }
            // On the tick: a close past the range is a step further, which need not be (it was sent unrounded and refused).
            var price = instrument.RoundPricePassive(ClosePrice(level), closeSide);
            if (!instrument.MeetsMinimums(price, quantity)) continue;
            Add(new DesiredQuote(closeSide, CloseKey + level.Index, price, quantity, reduceOnly));
            if (closeSide == Side.Buy) closeBuys += quantity; else closeSells += quantity;
        }

        // What no level accounts for rests as one reduce-only close at the nearest level in profit's direction.
        var orphan = instrument.RoundQuantity(Math.Abs(position - accounted)) * Math.Sign(position - accounted);
        if (Math.Abs(orphan) >= instrument.MinQuantity && Math.Sign(orphan) == Math.Sign(position))
        {
            var side = orphan > 0 ? Side.Sell : Side.Buy;
            var touch = side == Side.Sell ? view.BestAsk ?? mid : view.BestBid ?? mid;
            var price = side == Side.Sell
                ? _levels.Select(l => l.Price).Where(p => p > touch).DefaultIfEmpty(instrument.RoundPrice(touch + _step)).Min()
                : _levels.Select(l => l.Price).Where(p => p < touch).DefaultIfEmpty(instrument.RoundPrice(Math.Max(instrument.TickSize, touch - _step))).Max();
            if (!_orphanRefusal.Waiting(view.Now, out _))
                Add(new DesiredQuote(side, OrphanKey, price, Math.Abs(orphan), ReduceOnly: !_orphanRefusal.Plain(view.Now)));
        }

        // Opens, nearest to the price first, never past the position cap: not even if every order on one side fills, the
        // closes too (a neutral grid's are not reduce-only: the close of a long level sells on into a short).
        decimal longRoom = _config.MaxPosition - position, shortRoom = _config.MaxPosition + position;
        if (!reduceOnly) (longRoom, shortRoom) = (longRoom - closeBuys, shortRoom - closeSells);
        foreach (var level in _levels.OrderBy(l => Math.Abs(l.Price - mid)))
        {
            if (level.OpenComplete || (level.Position != 0 && level.OpenFilled == 0)) continue;
            var side = level.OpenSide ?? OpenSideAt(level.Price, mid);
            if (side is not { } s) continue;
            // A new open order that would cross the market waits: post-only, it would only bounce or be moved off the level.
            if (level.OpenSide is null && (s == Side.Buy ? view.BestAsk is { } ask && level.Price >= ask : view.BestBid is { } bid && level.Price <= bid)) continue;
            var quantity = instrument.RoundQuantity(_quantity - level.OpenFilled);
            if (quantity < instrument.MinQuantity || !instrument.MeetsMinimums(level.Price, quantity)) continue;
            if (s == Side.Buy) { if (quantity > longRoom) continue; longRoom -= quantity; }
            else { if (quantity > shortRoom) continue; shortRoom -= quantity; }
            level.OpenSide = s;
            Add(new DesiredQuote(s, level.Index, level.Price, quantity));
        }
    }

    private void Add(DesiredQuote quote)
    {
        _quotes.Add(quote);
        if (quote.Side == Side.Buy) _activeBuys++; else _activeSells++;
    }

    private Side? OpenSideAt(decimal price, decimal mid)
    {
        if (price == mid) return null;
        return _config.Type switch
        {
            GridType.LongOnly => price < mid ? Side.Buy : null,
            GridType.ShortOnly => price > mid ? Side.Sell : null,
            _ => price < mid ? Side.Buy : Side.Sell,
        };
    }

    /// <summary>One level further in profit; past the top or bottom level, one average step further.</summary>
    private decimal ClosePrice(PerpGridLevel level)
    {
        if (level.Position > 0)
            return level.Index + 1 < _levels.Length ? _levels[level.Index + 1].Price : level.Price + _step;
        return level.Index > 0 ? _levels[level.Index - 1].Price : Math.Max(level.Price - _step, _step);
    }

    private void Record(string action, DateTimeOffset now)
    {
        _lastAction = action;
        _lastActionAt = now;
    }
}
