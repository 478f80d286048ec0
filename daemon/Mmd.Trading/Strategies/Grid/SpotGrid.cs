using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Stats;

namespace Mmd.Trading.Strategies.Grid;

/// <summary>
/// The seed's spot grid (§1.4), rebuilt on intervals: n levels make n - 1 intervals, each owning one post-only
/// order (a buy at its lower level or a sell at its upper one). A completed buy places the sell one level up with the
/// fee allowance held back; a completed sell places the buy one level down; a missing order is placed again (refill);
/// round-trip profit is booked when the round trip completes. The range can be moved while running
/// (<see cref="Adjust"/>); the grid is then rebuilt around the current price.
/// </summary>
public sealed class SpotGrid : IStrategy
{
    private SpotGridConfig _config;
    private readonly GridRange _range;
    private decimal[] _levels = [];
    private GridInterval[] _intervals = [];
    private decimal _quantity;
    private decimal _lower, _upper;
    private long _buyFills, _sellFills, _roundTrips;
    private decimal _profit;
    private int _activeBuys, _activeSells;
    private readonly List<DesiredQuote> _quotes = [];
    private IReadOnlyList<AdoptedOrder> _adopted = [];
    private IReadOnlyList<GridIntervalState>? _lastIntervals;
    private readonly List<GridInterval> _byDistance = [];

    public SpotGrid(SpotGridConfig config)
    {
        _config = config;
        _range = new GridRange(config.FixedRange);
    }

    public string Kind => "spot_grid";

    public bool Initialized => _intervals.Length > 0;

    public IReadOnlyList<decimal> Levels => _levels;

    public decimal Profit => _profit;

    public long RoundTrips => _roundTrips;

    /// <summary>
    /// Moves the range (the seed's adjust_grid_range, which always failed for the spot grid, §9.2.13). Takes effect at
    /// the next decision: every order of the old grid is cancelled and the new grid is built around the current price.
    /// </summary>
    public void Adjust(decimal lower, decimal upper) => _range.Request(lower, upper);

    /// <summary>Only the range changes live (the grid is rebuilt on it); anything else needs a restart.</summary>
    public string? Reconfigure(StrategyConfig config)
    {
        var refused = _range.Reconfigure(_config, config, Kind);
        if (refused is null) _config = (SpotGridConfig)config;
        return refused;
    }

    /// <summary>
    /// The last run's counters carry on; an auto range is rebuilt where the last run had it (not around today's price),
    /// so the orders it left on the book are still on this grid's levels.
    /// </summary>
    public void OnRestored(StrategyFigures? last)
    {
        if (last?.Grid is not { Type: "spot" } g) return;
        (_buyFills, _sellFills, _roundTrips, _profit) = (g.BuyFills, g.SellFills, g.RoundTrips, g.Profit);
        _lastIntervals = last.GridIntervals;
        if (_config.AutoRange && g.Lower > 0 && g.Upper > g.Lower) _range.Request(g.Lower, g.Upper);
    }

    /// <summary>Kept until the grid is built: an interval whose order is still resting resumes from it.</summary>
    public void OnAdopted(IReadOnlyList<AdoptedOrder> orders) => _adopted = orders;

    public StrategyDecision Decide(StrategyView view)
    {
        if (view.Mid is not { } mid) return StrategyDecision.PullQuotes;
        if (!Initialized || _range.Pending) Initialize(view, mid);
        if (!Initialized) return StrategyDecision.PullQuotes;
        return new StrategyDecision(BuildQuotes(view, mid), []);
    }

    public void OnFill(StrategyFill fill)
    {
        if (fill.Purpose != OrderPurpose.Quote || fill.Level < 0 || fill.Level >= _levels.Length) return;
        // A fill of an order from before a range change (its price is not this grid's level) moves nothing here.
        if (_levels[fill.Level] != fill.OrderPrice) return;
        var index = fill.Side == Side.Buy ? fill.Level : fill.Level - 1;
        if (index < 0 || index >= _intervals.Length) return;
        var interval = _intervals[index];
        if (interval.Phase != fill.Side) return;

        if (fill.Side == Side.Buy) _buyFills++; else _sellFills++;
        interval.Apply(fill.Price, fill.Quantity, fill.FeeAsset == _instrument!.BaseAsset ? fill.Fee : 0m);
        if (fill.OrderRemaining <= 0 || interval.Remaining < _instrumentMin)
        {
            if (interval.Complete(_quantity, SellQuantity) is { } trip)
            {
                _roundTrips++;
                _profit += trip.Profit;
            }
        }
    }

    private decimal _instrumentMin;
    private InstrumentSpec? _instrument;

    public StrategyFigures Figures(StrategyView view)
    {
        var locked = 0;
        foreach (var i in _intervals) if (i.Locked) locked++;
        return new StrategyFigures
        {
            Grid = new GridFigures(_config.Mode.ToString().ToLowerInvariant(), "spot", _lower, _upper, _levels.Length, _buyFills, _sellFills,
                _roundTrips, _profit, _activeBuys, _activeSells, locked, 0),
            GridIntervals = Array.ConvertAll(_intervals, i => i.State),
        };
    }

    private void Initialize(StrategyView view, decimal mid)
    {
        var instrument = view.Instrument;
        var range = _range.Take(GridLevels.AutoRange(mid, _config.PriceRangePct));
        _instrument = instrument;
        _instrumentMin = instrument.MinQuantity;
        (_lower, _upper) = (instrument.RoundPrice(range.Lower), instrument.RoundPrice(range.Upper));
        _levels = GridLevels.Build(instrument, _lower, _upper, _config.Levels, _config.Mode);
        if (_levels.Length < 2) return;

        var buys = 0;
        var sells = 0;
        for (var j = 0; j < _levels.Length - 1; j++)
        {
            if (_levels[j] < mid) buys++; else sells++;
        }
        _quantity = _config.OrderQuantity is { } q
            ? Math.Max(instrument.MinQuantity, instrument.RoundQuantity(q))
            : AutoQuantity(instrument, view.TotalOf(instrument.QuoteAsset), view.TotalOf(instrument.BaseAsset), mid, buys, sells);

        var intervals = new GridInterval[_levels.Length - 1];
        for (var j = 0; j < intervals.Length; j++)
        {
            intervals[j] = new GridInterval(j);
            // Below the price (or around it) the interval holds quote and buys its lower level; above, it sells inventory.
            intervals[j].Start(_levels[j] < mid ? Side.Buy : Side.Sell, _quantity);
        }
        // After a restart with the same range: an interval whose order still rests on its level picks up from it, so a
        // unit bought before the restart is still sold one level up (and the order keeps its place in the queue).
        // The last run's interval states apply only to the grid it had: the same number of intervals (the levels of an
        // adopted order are checked one by one).
        var last = _lastIntervals is { } states && states.Count == intervals.Length ? states : null;
        foreach (var order in _adopted)
        {
            var j = order.Side == Side.Buy ? order.Level : order.Level - 1;
            if (j < 0 || j >= intervals.Length || order.Level >= _levels.Length || _levels[order.Level] != order.Price) continue;
            intervals[j].Resume(order.Side, order.Quantity, order.Remaining, order.Price, _levels[j], last?[j]);
        }
        _adopted = [];
        _lastIntervals = null;
        _intervals = intervals;
    }

    /// <summary>The seed's auto size: min(quote / buy levels x 0.95 / price, base / sell levels x 0.95), one-sided when a side has none.</summary>
    public static decimal AutoQuantity(InstrumentSpec instrument, decimal quote, decimal @base, decimal price, int buyLevels, int sellLevels)
    {
        decimal? fromQuote = buyLevels > 0 ? quote / buyLevels * 0.95m / price : null;
        decimal? fromBase = sellLevels > 0 ? @base / sellLevels * 0.95m : null;
        var raw = fromQuote is { } a && fromBase is { } b ? Math.Min(a, b) : fromQuote ?? fromBase ?? 0m;
        return Math.Max(instrument.MinQuantity, instrument.RoundQuantity(raw));
    }

    private decimal SellQuantity(decimal received) =>
        _instrument!.RoundQuantity(received * (1 - _config.FeeAllowancePct / 100m));

    private DesiredQuote[] BuildQuotes(StrategyView view, decimal mid)
    {
        var instrument = view.Instrument;
        _byDistance.Clear();
        _byDistance.AddRange(_intervals);
        // Funds go to the orders nearest the price first.
        _byDistance.Sort((x, y) => Math.Abs(PriceOf(x) - mid).CompareTo(Math.Abs(PriceOf(y) - mid)));

        var quoteBudget = view.TotalOf(instrument.QuoteAsset);
        var baseBudget = view.TotalOf(instrument.BaseAsset);
        _quotes.Clear();
        Span<bool> sellAt = stackalloc bool[_levels.Length];
        foreach (var interval in _intervals)
            if (interval.Phase == Side.Sell) sellAt[interval.Index + 1] = true;
        _activeBuys = _activeSells = 0;
        foreach (var interval in _byDistance)
        {
            var quantity = instrument.RoundQuantity(interval.Remaining);
            var price = PriceOf(interval);
            if (quantity <= 0 || !instrument.MeetsMinimums(price, quantity)) continue;
            if (interval.Phase == Side.Buy)
            {
                // Our own sell rests at this level (the interval below has not sold yet): a buy there would cross it.
                if (sellAt[interval.Index]) continue;
                if (price * quantity > quoteBudget) continue;
                quoteBudget -= price * quantity;
                _quotes.Add(new DesiredQuote(Side.Buy, interval.Index, price, quantity));
                _activeBuys++;
            }
            else
            {
                if (quantity > baseBudget) continue;
                baseBudget -= quantity;
                _quotes.Add(new DesiredQuote(Side.Sell, interval.Index + 1, price, quantity));
                _activeSells++;
            }
        }
        return _quotes.ToArray();
    }

    private decimal PriceOf(GridInterval interval) => interval.Phase == Side.Buy ? _levels[interval.Index] : _levels[interval.Index + 1];
}
