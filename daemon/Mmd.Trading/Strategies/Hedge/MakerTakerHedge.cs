using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Stats;

namespace Mmd.Trading.Strategies.Hedge;

/// <summary>
/// The seed's maker-taker hedge (§1.3), spot or perp: one post-only quote a side at the touch (or offset from it), and
/// every maker fill hedged at once with a price-protected IOC back to the reference position. The reference is the
/// instance's own position when it was created (zero: its own fills), so the hedge returns to the starting inventory
/// and never trades another instance's. A remainder below the venue minimum is carried until fills make it tradable;
/// a hedge that leaves the position unhedged is retried, and after <see cref="MakerTakerHedgeConfig.MaxHedgeAttempts"/>
/// quoting is held (no new exposure) while hedging goes on.
/// </summary>
public sealed class MakerTakerHedge : IStrategy
{
    private MakerTakerHedgeConfig _config;
    private int _attempts;
    private long _hedges, _failures;
    private bool _held;
    private bool _wasPending;
    private string? _lastAction;
    private DateTimeOffset? _lastActionAt;

    public MakerTakerHedge(MakerTakerHedgeConfig config) => _config = config;

    public string Kind => "maker_taker_hedge";

    /// <summary>The position the hedge returns to: the instance's own, from its fills, is zero before its first fill.</summary>
    public static decimal ReferencePosition => 0m;

    public string? Reconfigure(StrategyConfig config)
    {
        if (config is not MakerTakerHedgeConfig next) return $"{Kind} cannot become {config.Kind} while running";
        _config = next;
        return null;
    }

    public StrategyDecision Decide(StrategyView view)
    {
        if (view.BestBid is not { } bid || view.BestAsk is not { } ask) return StrategyDecision.PullQuotes;
        var instrument = view.Instrument;
        var delta = view.Position - ReferencePosition;
        var hedgeable = instrument.RoundQuantity(Math.Abs(delta));

        // An attempt has ended when nothing of ours is working any more.
        if (_wasPending && !view.ImmediatePending && hedgeable >= instrument.MinQuantity) OnAttemptLeftPosition(view);
        _wasPending = view.ImmediatePending;
        if (hedgeable < instrument.MinQuantity)
        {
            _attempts = 0;
            _held = false;
        }

        OrderIntent[] hedge = [];
        if (hedgeable >= instrument.MinQuantity && !view.ImmediatePending)
        {
            var side = delta > 0 ? Side.Sell : Side.Buy;
            var limit = side == Side.Sell
                ? instrument.RoundPricePassive(bid * (1 - _config.MaxSlippagePct / 100m), Side.Sell) // rounded toward the touch: never more slippage than allowed
                : instrument.RoundPricePassive(ask * (1 + _config.MaxSlippagePct / 100m), Side.Buy);
            if (instrument.MeetsMinimums(limit, hedgeable))
            {
                _attempts++;
                _hedges++;
                _wasPending = true;
                hedge = [new OrderIntent(side, OrderType.Limit, TimeInForce.Ioc, limit, hedgeable, OrderPurpose.Hedge,
                    ReduceOnly: instrument.Kind == InstrumentKind.Perpetual)];
            }
        }
        return new StrategyDecision(_held ? [] : Quotes(view, bid, ask), hedge);
    }

    public StrategyFigures Figures(StrategyView view) => new()
    {
        Hedge = new HedgeFigures(ReferencePosition, view.Position - ReferencePosition, _hedges, _failures, _held),
        LastProtectiveAction = _lastAction,
        LastProtectiveActionAt = _lastActionAt,
    };

    private void OnAttemptLeftPosition(StrategyView view)
    {
        if (_attempts < _config.MaxHedgeAttempts) return;
        _failures++;
        if (!_held) { _lastAction = $"hedge left {view.Position - ReferencePosition} unhedged after {_attempts} attempts; quoting held"; _lastActionAt = view.Now; }
        _held = true;
    }

    private DesiredQuote[] Quotes(StrategyView view, decimal bid, decimal ask)
    {
        var instrument = view.Instrument;
        var buyPrice = instrument.RoundPricePassive(bid * (1 - _config.QuoteOffsetPct / 100m), Side.Buy);
        var sellPrice = instrument.RoundPricePassive(ask * (1 + _config.QuoteOffsetPct / 100m), Side.Sell);
        if (sellPrice <= buyPrice) sellPrice = buyPrice + instrument.TickSize;
        decimal buyQty, sellQty;
        if (_config.OrderQuantity is { } q)
        {
            buyQty = sellQty = Math.Max(instrument.MinQuantity, instrument.RoundQuantity(q));
        }
        else
        {
            // The seed's auto size: 5 % of the quote balance at the ask, 5 % of the base balance.
            buyQty = instrument.RoundQuantity(view.TotalOf(instrument.QuoteAsset) * 0.05m / ask);
            sellQty = instrument.RoundQuantity(view.TotalOf(instrument.BaseAsset) * 0.05m);
        }
        var quotes = new List<DesiredQuote>(2);
        if (buyQty >= instrument.MinQuantity && instrument.MeetsMinimums(buyPrice, buyQty)) quotes.Add(new DesiredQuote(Side.Buy, 0, buyPrice, buyQty));
        if (sellQty >= instrument.MinQuantity && instrument.MeetsMinimums(sellPrice, sellQty)) quotes.Add(new DesiredQuote(Side.Sell, 0, sellPrice, sellQty));
        return quotes.ToArray();
    }
}
