using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Trading.Stats;

/// <summary>
/// Accumulates fills into figures for one span. Two instances run side by side: cumulative (every
/// journaled fill of the instance, replayed at start) and session (fills since this run started).
/// </summary>
public sealed class TradingStatistics
{
    private readonly string _baseAsset;
    private readonly string _quoteAsset;
    private readonly FifoPnl _fifo = new();
    private readonly Dictionary<string, decimal> _fees = new(StringComparer.Ordinal);
    private StatsFigures _figures = new();
    // The position after each fill, in time order: what the position was when a funding settlement happened.
    private readonly List<(DateTimeOffset Time, decimal Position)> _positions = [];
    private readonly bool _keepPositionHistory;

    /// <param name="keepPositionHistory">Keep the position after each fill (for funding); off, a journal's replay of
    /// millions of fills at start keeps none of it.</param>
    public TradingStatistics(string baseAsset, string quoteAsset, bool keepPositionHistory = true)
    {
        _baseAsset = baseAsset;
        _quoteAsset = quoteAsset;
        _keepPositionHistory = keepPositionHistory;
    }

    public decimal Position => _fifo.OpenQuantity;

    /// <summary>Average price of the open position's lots; 0 when flat.</summary>
    public decimal AverageEntryPrice => _fifo.AverageOpenPrice;

    public decimal Unrealized(decimal mark) => _fifo.Unrealized(mark);

    /// <summary>The newest fill's time of this span; null before any.</summary>
    public DateTimeOffset? NewestFillTime { get; private set; }

    public void Apply(VenueFill fill, bool isRebalance)
    {
        _fifo.Apply(fill.Side, fill.Price, fill.Quantity);
        ReplayPosition(fill);
        if (NewestFillTime is not { } newest || fill.Timestamp > newest) NewestFillTime = fill.Timestamp;
        _fees[fill.FeeAsset] = _fees.GetValueOrDefault(fill.FeeAsset) + fill.Fee;
        var notional = fill.Price * fill.Quantity;
        var feeInQuote = fill.FeeAsset == _quoteAsset ? fill.Fee : fill.FeeAsset == _baseAsset ? fill.Fee * fill.Price : 0m;
        var f = _figures;
        var buy = fill.Side == Side.Buy;
        _figures = f with
        {
            Fills = f.Fills + 1,
            BuyFills = f.BuyFills + (buy ? 1 : 0),
            SellFills = f.SellFills + (buy ? 0 : 1),
            BoughtQuantity = f.BoughtQuantity + (buy ? fill.Quantity : 0),
            SoldQuantity = f.SoldQuantity + (buy ? 0 : fill.Quantity),
            MakerBuyVolume = f.MakerBuyVolume + (buy && fill.IsMaker ? fill.Quantity : 0),
            MakerSellVolume = f.MakerSellVolume + (!buy && fill.IsMaker ? fill.Quantity : 0),
            TakerBuyVolume = f.TakerBuyVolume + (buy && !fill.IsMaker ? fill.Quantity : 0),
            TakerSellVolume = f.TakerSellVolume + (!buy && !fill.IsMaker ? fill.Quantity : 0),
            QuoteVolume = f.QuoteVolume + notional,
            RebalanceQuoteVolume = f.RebalanceQuoteVolume + (isRebalance ? notional : 0),
            FeesInQuote = f.FeesInQuote + feeInQuote,
        };
    }

    /// <summary>The position this span's fills had built at <paramref name="time"/>.</summary>
    public decimal PositionAt(DateTimeOffset time)
    {
        var i = _positions.FindLastIndex(p => p.Time <= time);
        return i < 0 ? 0m : _positions[i].Position;
    }

    /// <summary>
    /// Of the positions this span's fills held from <paramref name="from"/> until just before <paramref name="until"/>,
    /// the one nearest <paramref name="position"/>: which one a settlement known only to that interval was paid on.
    /// </summary>
    public decimal PositionNearest(decimal position, DateTimeOffset from, DateTimeOffset until)
    {
        var nearest = PositionAt(from);
        foreach (var p in _positions)
            if (p.Time > from && p.Time < until && Math.Abs(p.Position - position) < Math.Abs(nearest - position)) nearest = p.Position;
        return nearest;
    }

    /// <summary>When this span's first fill happened; null before any.</summary>
    public DateTimeOffset? FirstFillTime => _positions.Count > 0 ? _positions[0].Time : null;

    /// <summary>Forgets positions before <paramref name="time"/> except the one in force then (no settlement before it is asked about).</summary>
    public void ForgetPositionsBefore(DateTimeOffset time)
    {
        var i = _positions.FindLastIndex(p => p.Time <= time);
        if (i > 0) _positions.RemoveRange(0, i);
    }

    /// <summary>
    /// Adds what this span's fills moved into (+) or out of (-) the account, by asset: on a spot market the base bought
    /// less sold and the quote received less paid; on a perpetual, which holds a position and no base, the realized PnL
    /// and the funding in the quote; every fee out of its asset.
    /// </summary>
    public void AddAccountFlows(IDictionary<string, decimal> flows, InstrumentKind kind)
    {
        if (kind == InstrumentKind.Spot)
        {
            Add(_baseAsset, _fifo.OpenQuantity);
            // The quote of every round trip closed (its realized PnL) less what the open lots cost.
            Add(_quoteAsset, _fifo.Realized - _fifo.OpenCost);
        }
        else Add(_quoteAsset, _fifo.Realized + _figures.FundingPnl);
        foreach (var (asset, fee) in _fees) Add(asset, -fee);

        void Add(string asset, decimal amount) => flows[asset] = flows.TryGetValue(asset, out var sum) ? sum + amount : amount;
    }

    public void ApplyFunding(decimal amount) => _figures = _figures with { FundingPnl = _figures.FundingPnl + amount };

    /// <summary>Adds a fill the figures already hold to the position history (one the checkpoint counted, read back for funding).</summary>
    public void ReplayPosition(VenueFill fill)
    {
        if (_keepPositionHistory) RecordPosition(fill.Timestamp, fill.Side == Side.Buy ? fill.Quantity : -fill.Quantity);
    }

    private void RecordPosition(DateTimeOffset time, decimal change)
    {
        // To the millisecond, as the journal keeps a fill's time: the history rebuilt from it after a restart is the same.
        time = DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());
        // Fills arrive nearly in time order: find the place from the end, then shift the later positions.
        var i = _positions.Count;
        while (i > 0 && _positions[i - 1].Time > time) i--;
        var before = i > 0 ? _positions[i - 1].Position : 0m;
        _positions.Insert(i, (time, before + change));
        for (var j = i + 1; j < _positions.Count; j++) _positions[j] = (_positions[j].Time, _positions[j].Position + change);
    }

    /// <summary>
    /// The figures as a checkpoint. The position history is kept as the position in force at
    /// <paramref name="fundingSince"/> (the oldest a funding poll still asks about); the fills after it are in the journal.
    /// </summary>
    public FiguresCheckpoint ToCheckpoint(DateTimeOffset time, DateTimeOffset? fundingSince, IReadOnlyDictionary<string, DateTimeOffset> fundingSeen)
    {
        PositionAtTime? historyStart = null;
        if (_keepPositionHistory && fundingSince is { } since && _positions.FindLastIndex(p => p.Time <= since) is var i and >= 0)
            historyStart = new PositionAtTime(_positions[i].Time, _positions[i].Position);
        return new FiguresCheckpoint
        {
            Time = time,
            Figures = Snapshot(null),
            Lots = _fifo.Lots,
            NewestFillTime = NewestFillTime,
            KeepsPositionHistory = _keepPositionHistory,
            PositionHistoryStart = historyStart,
            FundingSince = fundingSince,
            FundingSeen = new Dictionary<string, DateTimeOffset>(fundingSeen, StringComparer.Ordinal),
        };
    }

    /// <summary>
    /// Starts this span from a checkpoint (before any fill is applied). False, changing nothing, when it cannot be used:
    /// another version, lots that do not add up to the position, or no position history where this span needs one.
    /// </summary>
    public bool Restore(FiguresCheckpoint checkpoint)
    {
        if (checkpoint.Version != FiguresCheckpoint.CurrentVersion || (_keepPositionHistory && !checkpoint.KeepsPositionHistory)) return false;
        var figures = checkpoint.Figures;
        if (!_fifo.Restore(checkpoint.Lots, figures.Position, figures.RealizedPnl)) return false;
        _figures = figures with { UnrealizedPnl = 0m };
        _fees.Clear();
        foreach (var (asset, fee) in figures.FeesByAsset) _fees[asset] = fee;
        NewestFillTime = checkpoint.NewestFillTime;
        _positions.Clear();
        if (_keepPositionHistory && checkpoint.PositionHistoryStart is { } start) _positions.Add((start.Time, start.Position));
        return true;
    }

    /// <summary>The figures, marked to <paramref name="mark"/> when a price is known.</summary>
    public StatsFigures Snapshot(decimal? mark) => _figures with
    {
        RealizedPnl = _fifo.Realized,
        UnrealizedPnl = mark is { } m ? _fifo.Unrealized(m) : 0m,
        FeesByAsset = new Dictionary<string, decimal>(_fees, StringComparer.Ordinal),
        Position = _fifo.OpenQuantity,
        AverageEntryPrice = _fifo.AverageOpenPrice,
    };
}
