using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Stats;
using Mmd.Trading.Strategies.SpotMarketMaking;

namespace Mmd.Trading.Strategies.PerpMarketMaking;

/// <summary>
/// Perpetual market making at parity with the seed (§1.2): the spot ladder shifted by the inventory skew,
/// reduce-only position management (above max, above target + threshold), and stop-loss / take-profit on
/// the whole position's unrealized PnL. Beyond the seed: the position is the instance's own (from its fills,
/// so it costs no venue call per event), a quote that would take the position past max is left out, a
/// protective close waits for the previous one instead of stacking market orders, and one the account's position
/// refuses as reduce-only goes plain (<see cref="ReduceOnlyRefusal"/>).
/// </summary>
public sealed class PerpMarketMaker : IStrategy
{
    private PerpMarketMakerConfig _config;
    private readonly QuoteLadder _ladder;
    private int _reductions, _stopLosses, _takeProfits;
    private string? _lastAction;
    private DateTimeOffset? _lastActionAt;
    private readonly ReduceOnlyRefusal _reduceOnlyRefusal = new();

    public PerpMarketMaker(PerpMarketMakerConfig config)
    {
        _config = config;
        _ladder = new QuoteLadder(config.Levels, config.AvellanedaStoikov);
    }

    public string Kind => "perp_market_making";

    /// <summary>Spread, size and levels change live; the next decision quotes with them.</summary>
    public string? Reconfigure(StrategyConfig config)
    {
        if (config is not PerpMarketMakerConfig next) return $"{Kind} cannot become {config.Kind} while running";
        _ladder.Reconfigure(next.Levels, next.AvellanedaStoikov);
        _config = next;
        return null;
    }

    /// <summary>The protective counters carry on across runs.</summary>
    public void OnRestored(StrategyFigures? last)
    {
        if (last?.Position is not { } p) return;
        (_reductions, _stopLosses, _takeProfits) = (p.Reductions, p.StopLosses, p.TakeProfits);
        (_lastAction, _lastActionAt) = (last.LastProtectiveAction, last.LastProtectiveActionAt);
    }

    public StrategyDecision Decide(StrategyView view)
    {
        if (view.Mid is not { } mid) return StrategyDecision.PullQuotes;
        var instrument = view.Instrument;
        var position = view.Position;

        var refusalWaits = _reduceOnlyRefusal.Waiting(view.Now, out _);
        var protective = PositionControl.Protective(position, view.UnrealizedPnl, _config.StopLoss, _config.TakeProfit, instrument.MinQuantity);
        if (protective != PositionTrigger.None)
        {
            // Quotes are pulled while the position is closed; a close already working is waited for, never doubled.
            if (view.ImmediatePending || refusalWaits) return StrategyDecision.PullQuotes;
            Record(protective, position, view);
            if (_config.ProtectiveAction == ProtectiveAction.Stop)
                return StrategyDecision.StopRun($"{Describe(protective)}: unrealized PnL {view.UnrealizedPnl} on position {position}", flatten: true);
            return PositionControl.Close(instrument, position, position, mid, reduceOnly: !_reduceOnlyRefusal.Plain(view.Now)) is { } close
                ? new StrategyDecision([], [close])
                : StrategyDecision.PullQuotes;
        }

        var quotes = BuildQuotes(view, mid, position);
        if (!view.ImmediatePending && !refusalWaits)
        {
            var (trigger, excess) = PositionControl.Excess(position, _config.TargetPosition, _config.PositionThreshold, _config.MaxPosition);
            if (trigger != PositionTrigger.None && PositionControl.Close(instrument, position, excess, mid, reduceOnly: !_reduceOnlyRefusal.Plain(view.Now)) is { } reduce)
            {
                Record(trigger, position, view);
                return new StrategyDecision(quotes, [reduce]);
            }
        }
        return new StrategyDecision(quotes, []);
    }

    public void OnRejected(StrategyRejection rejection)
    {
        if (rejection is { Purpose: OrderPurpose.Reduce, Code: RejectCode.ReduceOnlyWouldIncrease }) _reduceOnlyRefusal.Refused();
    }

    public void OnFillsConfirmed() => _reduceOnlyRefusal.Confirmed();

    public void OnFill(StrategyFill fill) => _reduceOnlyRefusal.Explained();

    public StrategyFigures Figures(StrategyView view) => new()
    {
        Position = new PositionFigures(view.Position, view.EntryPrice, view.UnrealizedPnl, _config.TargetPosition, _config.MaxPosition,
            _config.PositionThreshold, _config.InventorySkew, _config.Leverage, _reductions, _stopLosses, _takeProfits),
        LastProtectiveAction = _lastAction,
        LastProtectiveActionAt = _lastActionAt,
        Model = _ladder.ModelFigures,
    };

    private DesiredQuote[] BuildQuotes(StrategyView view, decimal mid, decimal position)
    {
        var instrument = view.Instrument;
        var quantity = _config.OrderQuantity is { } fixedQty
            ? QuoteMath.FixedQuantity(instrument, fixedQty)
            : AutoQuantity(instrument, view.TotalOf(instrument.QuoteAsset), mid);
        // The model's reservation price already leans against the inventory: it replaces the seed's skew when on.
        var excess = Math.Sign(position) * Math.Max(0m, Math.Abs(position) - _config.TargetPosition);
        var (bids, asks) = (_ladder.Bids, _ladder.Asks);
        if (!_ladder.Price(view, mid, _config.SpreadPct, excess, quantity))
            InventorySkew.Apply(instrument, bids, asks, mid, _config.InventorySkew, position, _config.MaxPosition);

        var quotes = new List<DesiredQuote>(bids.Length * 2);
        // Resting size that would fill at once if the market swept our side; no quote may take it past max.
        decimal longRoom = _config.MaxPosition - position, shortRoom = _config.MaxPosition + position;
        for (var i = 0; i < bids.Length; i++)
        {
            if (bids[i] > 0 && quantity <= longRoom && instrument.MeetsMinimums(bids[i], quantity))
            {
                quotes.Add(new DesiredQuote(Side.Buy, i, bids[i], quantity));
                longRoom -= quantity;
            }
            if (quantity <= shortRoom && instrument.MeetsMinimums(asks[i], quantity))
            {
                quotes.Add(new DesiredQuote(Side.Sell, i, asks[i], quantity));
                shortRoom -= quantity;
            }
        }
        return quotes.ToArray();
    }

    /// <summary>Without a fixed size: min(5 %, 1 / (levels x 4)) of the collateral per order, as the spot auto size.</summary>
    private decimal AutoQuantity(InstrumentSpec instrument, decimal collateral, decimal mid)
    {
        var allocation = Math.Min(0.05m, 1m / (_config.Levels * 4m));
        return Math.Max(instrument.MinQuantity, instrument.RoundQuantity(collateral * allocation / mid));
    }

    private void Record(PositionTrigger trigger, decimal position, StrategyView view)
    {
        switch (trigger)
        {
            case PositionTrigger.StopLoss: _stopLosses++; break;
            case PositionTrigger.TakeProfit: _takeProfits++; break;
            default: _reductions++; break;
        }
        _lastAction = $"{Describe(trigger)} at position {position}, unrealized {view.UnrealizedPnl}"
            + (_reduceOnlyRefusal.Plain(view.Now) ? "; without reduce-only (the venue refused it: the account's position is not this instance's)" : "");
        _lastActionAt = view.Now;
    }

    private static string Describe(PositionTrigger trigger) => trigger switch
    {
        PositionTrigger.AboveMax => "position above max",
        PositionTrigger.AboveTarget => "position above target + threshold",
        PositionTrigger.StopLoss => "stop-loss",
        PositionTrigger.TakeProfit => "take-profit",
        _ => "none",
    };
}
