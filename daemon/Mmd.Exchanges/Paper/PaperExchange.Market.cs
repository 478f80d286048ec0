using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Paper;

// The synthetic market: a seeded random walk of the mid (or a scripted or recorded path), a ladder of background
// liquidity around it, and background market orders (or recorded trades) that trade against whatever rests at the
// touch, our quotes included.
// Markets of one base asset (SOL_USDC and SOL_USDC_PERP) walk together, as a perpetual tracks its spot market:
// a cross-market hedge between them sees one price, not two that drift apart.
public sealed partial class PaperExchange
{
    private long _ticks;
    private readonly HashSet<string> _pathsDone = new(StringComparer.Ordinal);
    // This tick's random draw of each base asset: the first of its markets draws it, the others follow.
    private readonly Dictionary<string, double> _drawsThisTick = new(StringComparer.Ordinal);
    // How many of each recorded market's trades have been replayed.
    private readonly Dictionary<string, int> _tapeReplayed = new(StringComparer.Ordinal);

    /// <summary>Advances every market by one tick (the timer calls this; tests may too).</summary>
    public void Tick()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var seconds = (double)_settings.Tick.TotalSeconds;
            // Settlements due are paid first, on the positions as they were when due: the tick's own fills come after.
            SettleFunding(now);
            _drawsThisTick.Clear();
            foreach (var market in _markets.Values)
            {
                MoveMid(market, seconds);
                RefreshBackground(market, now);
                if (_settings.TradeTapes.TryGetValue(market.Spec.Symbol, out var tape)) ReplayTrades(market, tape, now);
                else SendFlow(market, seconds, now);
                PublishBook(market.Spec.Symbol);
            }
            _ticks++;
            // Fills to participants are persisted at once; the mid alone every few seconds.
            Commit(force: _ticks % 25 == 0);
        }
    }

    /// <summary>
    /// Puts the mid of one market at a given price and rebuilds its background liquidity there (a scripted
    /// price path; orders resting in the way trade, as they would when the market runs through them).
    /// </summary>
    public void SetMid(string symbol, decimal mid)
    {
        lock (_gate)
        {
            SettleFunding(_time.GetUtcNow()); // before the move's fills, as in a tick
            var market = _markets[symbol];
            market.Mid = market.Spec.RoundPrice(mid);
            RefreshBackground(market, _time.GetUtcNow());
            PublishBook(symbol);
            Commit();
        }
    }

    private void MoveMid(PaperMarket market, double seconds)
    {
        if (_settings.PricePaths.TryGetValue(market.Spec.Symbol, out var path) && !_pathsDone.Contains(market.Spec.Symbol))
        {
            // Ticks rarely land on the last point itself: the first tick after the path ends puts the mid there.
            var scripted = path.At(_time.GetUtcNow() - _started);
            if (scripted is null) _pathsDone.Add(market.Spec.Symbol);
            market.Mid = market.Spec.RoundPrice(scripted ?? path.Points[^1].Price);
            return;
        }
        var tick = market.Spec.TickSize;
        var sigmaTicks = (double)(market.Mid * _settings.VolatilityPct / 100m / tick) * Math.Sqrt(seconds);
        // Every market draws, so that each market's path stays what its seed made it; one that follows uses its leader's.
        var draw = _rng.NextGaussian();
        if (!_drawsThisTick.TryAdd(market.Spec.BaseAsset, draw)) draw = _drawsThisTick[market.Spec.BaseAsset];
        var steps = (long)Math.Round(draw * sigmaTicks);
        market.Mid = Math.Max(tick * 100m, market.Mid + steps * tick);
    }

    private decimal LevelQuantity(PaperMarket market) =>
        Math.Max(market.Spec.MinQuantity, market.Spec.RoundQuantity(_settings.LevelNotional / market.Mid));

    /// <param name="passive">At start the crowd's liquidity appears without trading: restored resting orders
    /// must not be filled merely because the venue process started again.</param>
    private void RefreshBackground(PaperMarket market, DateTimeOffset now, bool passive = false)
    {
        var engine = market.Engine;
        foreach (var old in engine.RestingOrders.Where(o => o.Account == MarketAccount).ToList()) engine.Cancel(old.Id, now);

        var spec = market.Spec;
        var gap = Math.Max(spec.TickSize, spec.RoundPrice(market.Mid * _settings.BackgroundLevelGap));
        var levelQuantity = LevelQuantity(market);
        for (var i = 1; i <= _settings.BackgroundLevels; i++)
        {
            foreach (var side in (ReadOnlySpan<Side>)[Side.Buy, Side.Sell])
            {
                var price = side == Side.Buy ? spec.RoundPrice(market.Mid - gap * i) : spec.RoundPrice(market.Mid + gap * i);
                var quantity = Math.Max(spec.MinQuantity, spec.RoundQuantity(levelQuantity * (decimal)(0.5 + _rng.NextDouble())));
                if (price <= 0) continue;
                // A level placed through a participant's stale quote trades with it, as when the price runs through a quote.
                var order = BackgroundOrder(spec.Symbol, side, OrderType.Limit, price, quantity, now, postOnly: passive);
                Settle(market, engine.Submit(order, now), now);
            }
        }
    }

    private void SendFlow(PaperMarket market, double seconds, DateTimeOffset now)
    {
        var count = _rng.NextPoisson((double)_settings.FlowRate * seconds);
        var mean = (double)LevelQuantity(market);
        for (var i = 0; i < count; i++)
        {
            var side = _rng.NextDouble() < 0.5 ? Side.Buy : Side.Sell;
            var quantity = market.Spec.RoundQuantity((decimal)(-Math.Log(1 - _rng.NextDouble()) * mean));
            if (quantity < market.Spec.MinQuantity) continue;
            Settle(market, market.Engine.Submit(BackgroundOrder(market.Spec.Symbol, side, OrderType.Market, null, quantity, now), now), now);
        }
    }

    /// <summary>
    /// The recorded trades up to now, each a taker order of its side and size limited to its price (IOC): it trades with
    /// what rests at its price or better and no further, as the trade did. A size below the market's step is skipped,
    /// as the venue would refuse it.
    /// </summary>
    private void ReplayTrades(PaperMarket market, TradeTape tape, DateTimeOffset now)
    {
        var spec = market.Spec;
        var from = _tapeReplayed.GetValueOrDefault(spec.Symbol);
        var upTo = tape.CountUpTo(now - _started);
        for (var i = from; i < upTo; i++)
        {
            var trade = tape.Trades[i];
            var quantity = spec.RoundQuantity(trade.Quantity);
            if (quantity < spec.MinQuantity) continue;
            var order = BackgroundOrder(spec.Symbol, trade.Side, OrderType.Limit, spec.RoundPrice(trade.Price), quantity, now, timeInForce: TimeInForce.Ioc);
            Settle(market, market.Engine.Submit(order, now), now);
        }
        _tapeReplayed[spec.Symbol] = Math.Max(from, upTo);
    }

    private PaperOrder BackgroundOrder(string symbol, Side side, OrderType type, decimal? price, decimal quantity, DateTimeOffset now, bool postOnly = false,
        TimeInForce? timeInForce = null) => new()
    {
        PostOnly = postOnly,
        Id = _nextOrderId++,
        Account = MarketAccount,
        Symbol = symbol,
        Side = side,
        Type = type,
        TimeInForce = timeInForce ?? (type == OrderType.Market ? TimeInForce.Ioc : TimeInForce.Gtc),
        Price = price,
        Quantity = quantity,
        CreatedAt = now,
        UpdatedAt = now,
        Sequence = _nextSequence++,
    };
}
