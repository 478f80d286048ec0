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
    private long _withdrawnSeen;
    private long _hedges, _failures;
    private bool _held;
    private bool _wasPending;
    private string? _lastAction;
    private DateTimeOffset? _lastActionAt;
    // A reduce-only hedge the venue refused: usually the fill of our other quote, which flattened the position, is still
    // on its way (it used to send the hedge again at once, 14 refusals in 6 ms, each counted as a failure); else the
    // account holds another's opposite position, and the hedges go plain for a while.
    private readonly ReduceOnlyRefusal _reduceOnlyRefusal = new();
    // A hedge refused for anything else (margin, the venue's rate limit) waits before the next: it went again at every
    // decision, refused each time.
    private readonly RefusalBackoff _refusalBackoff = new();

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
        // Across two markets the exposure is both positions together: a long here is hedged by a short there.
        var market = view.Hedge;
        var hedgeInstrument = market?.Instrument ?? view.Instrument;
        var exposure = Exposure(view);
        var hedgeable = hedgeInstrument.RoundQuantity(Math.Abs(exposure));

        // An attempt has ended when nothing of ours is working any more. One the engine withdrew unsent (held for our own
        // orders in its way, then a fill moved the position) never reached the venue: it is neither a hedge nor a failure.
        var withdrawn = view.ImmediateWithdrawn != _withdrawnSeen;
        _withdrawnSeen = view.ImmediateWithdrawn;
        if (_wasPending && !view.ImmediatePending && withdrawn)
        {
            _attempts = Math.Max(0, _attempts - 1); // a flat position in between may have set it back to 0 already
            _hedges--;
        }
        else if (_wasPending && !view.ImmediatePending && hedgeable >= hedgeInstrument.MinQuantity) OnAttemptLeftPosition(exposure, view.Now);
        _wasPending = view.ImmediatePending;
        if (hedgeable < hedgeInstrument.MinQuantity)
        {
            _attempts = 0;
            _held = false;
        }
        var waiting = _reduceOnlyRefusal.Waiting(view.Now, out var wentPlain);
        if (wentPlain)
        {
            _lastAction = "the venue refused a reduce-only hedge and no fill explained it (the account's position is not this instance's): hedging with plain IOCs for a minute";
            _lastActionAt = view.Now;
        }

        OrderIntent[] hedge = [];
        var (hedgeBid, hedgeAsk) = market is null ? (view.BestBid, view.BestAsk) : (market.BestBid, market.BestAsk);
        if (hedgeable >= hedgeInstrument.MinQuantity && !view.ImmediatePending && !waiting && !_refusalBackoff.Holds(view.Now) && hedgeBid is { } hb && hedgeAsk is { } ha)
        {
            var side = exposure > 0 ? Side.Sell : Side.Buy;
            var limit = side == Side.Sell
                ? hedgeInstrument.RoundPricePassive(hb * (1 - _config.MaxSlippagePct / 100m), Side.Sell) // rounded toward the touch: never more slippage than allowed
                : hedgeInstrument.RoundPricePassive(ha * (1 + _config.MaxSlippagePct / 100m), Side.Buy);
            if (hedgeInstrument.MeetsMinimums(limit, hedgeable))
            {
                _attempts++;
                _hedges++;
                _wasPending = true;
                var reduceOnly = !_reduceOnlyRefusal.Plain(view.Now) && ReducesOnly(market, hedgeInstrument, side, hedgeable, view.Instrument);
                hedge = [new OrderIntent(side, OrderType.Limit, TimeInForce.Ioc, limit, hedgeable, OrderPurpose.Hedge,
                    ReduceOnly: reduceOnly, OnHedgeMarket: market is not null)];
            }
        }
        if (_held || view.BestBid is not { } bid || view.BestAsk is not { } ask) return new StrategyDecision([], hedge);
        return new StrategyDecision(Quotes(view, bid, ask), hedge);
    }

    public void OnRejected(StrategyRejection rejection)
    {
        if (rejection.Purpose != OrderPurpose.Hedge) return;
        if (rejection.Code == RejectCode.ReduceOnlyWouldIncrease) _reduceOnlyRefusal.Refused();
        else if (rejection.Code != RejectCode.DuplicateClientOrderId) _refusalBackoff.Refused(rejection.At);
    }

    public void OnFillsConfirmed() => _reduceOnlyRefusal.Confirmed();

    public void OnFill(StrategyFill fill)
    {
        _reduceOnlyRefusal.Explained();
        if (fill.Purpose == OrderPurpose.Hedge) _refusalBackoff.Accepted();
    }

    /// <summary>The position the hedges have to bring back to the reference: this market's, plus the hedge market's if any.</summary>
    public static decimal Exposure(StrategyView view) => view.Position + (view.Hedge?.Position ?? 0m) - ReferencePosition;

    /// <summary>
    /// On one perpetual market a hedge only ever takes the position back: reduce-only. On a hedge market the hedge opens the
    /// offsetting position there, so it is reduce-only only when it closes part of that position and nothing more. Either
    /// gives way to a plain IOC for a while once the venue has refused it with no fill of ours to explain why (<see cref="ReduceOnlyRefusal"/>).
    /// </summary>
    private static bool ReducesOnly(HedgeMarketView? market, InstrumentSpec hedgeInstrument, Side side, decimal quantity, InstrumentSpec quoted)
    {
        if (market is null) return quoted.Kind == InstrumentKind.Perpetual;
        if (hedgeInstrument.Kind != InstrumentKind.Perpetual) return false;
        return side == Side.Sell ? market.Position >= quantity : -market.Position >= quantity;
    }

    public StrategyFigures Figures(StrategyView view) => new()
    {
        Hedge = new HedgeFigures(ReferencePosition, Exposure(view), _hedges, _failures, _held),
        LastProtectiveAction = _lastAction,
        LastProtectiveActionAt = _lastActionAt,
    };

    private void OnAttemptLeftPosition(decimal exposure, DateTimeOffset now)
    {
        if (_attempts < _config.MaxHedgeAttempts) return;
        _failures++;
        if (!_held) { _lastAction = $"hedge left {exposure} unhedged after {_attempts} attempts; quoting held"; _lastActionAt = now; }
        _held = true;
    }

    private DesiredQuote[] Quotes(StrategyView view, decimal bid, decimal ask)
    {
        var instrument = view.Instrument;
        var buyPrice = instrument.RoundPricePassive(bid * (1 - _config.QuoteOffsetPct / 100m), Side.Buy);
        var sellPrice = instrument.RoundPricePassive(ask * (1 + _config.QuoteOffsetPct / 100m), Side.Sell);
        if (sellPrice <= buyPrice) sellPrice = buyPrice + instrument.TickSize;
        var (maxBuy, minSell) = ProfitableBounds(view);
        var buyBound = maxBuy is { } mb ? instrument.RoundPricePassive(mb, Side.Buy) : (decimal?)null;
        var sellBound = minSell is { } ms ? instrument.RoundPricePassive(ms, Side.Sell) : (decimal?)null;
        if (buyBound is { } bb) buyPrice = Math.Min(buyPrice, bb);
        if (sellBound is { } sb) sellPrice = Math.Max(sellPrice, sb);
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
        if (view.Hedge is not null && _config.InventoryRange is { } range)
        {
            buyQty = WithinRange(instrument, buyQty, view.Position, range);
            sellQty = WithinRange(instrument, sellQty, -view.Position, range);
        }
        var quotes = new List<DesiredQuote>(2);
        // Across markets a side whose hedge has no price to go to is not quoted.
        var oneMarket = view.Hedge is null;
        // The bounds go with the quotes: a refresh tolerance may keep a quote behind the touch, never one past profitability.
        if ((oneMarket || maxBuy is not null) && buyQty >= instrument.MinQuantity && instrument.MeetsMinimums(buyPrice, buyQty)) quotes.Add(new DesiredQuote(Side.Buy, 0, buyPrice, buyQty, Bound: buyBound));
        if ((oneMarket || minSell is not null) && sellQty >= instrument.MinQuantity && instrument.MeetsMinimums(sellPrice, sellQty)) quotes.Add(new DesiredQuote(Side.Sell, 0, sellPrice, sellQty, Bound: sellBound));
        return quotes.ToArray();
    }

    /// <summary>
    /// The size of a side whose fills would take the quoted market's position <paramref name="towardSide"/> further (a buy's
    /// when long, a sell's when short): in proportion to what is left of the range, rounded down, none at its end. A fill
    /// that unwinds keeps its full size, so fills tend back toward no position. Rounding below the minimum quotes nothing.
    /// </summary>
    private static decimal WithinRange(InstrumentSpec instrument, decimal quantity, decimal towardSide, decimal range)
    {
        if (towardSide <= 0) return quantity;
        var left = 1m - Math.Min(towardSide / range, 1m);
        return instrument.RoundQuantity(quantity * left);
    }

    /// <summary>
    /// Across markets (Hummingbot's XEMM rule): a buy here is hedged by selling at the hedge market's bid, so it may cost at
    /// most that bid less the minimum profitability; a sell at least the hedge market's ask plus it. Null: no bound (one
    /// market), or no price on that side of the hedge market.
    /// </summary>
    public (decimal? MaxBuy, decimal? MinSell) ProfitableBounds(StrategyView view)
    {
        if (view.Hedge is not { } market) return (null, null);
        var margin = 1m + _config.MinProfitabilityPct / 100m;
        return (market.BestBid is { } bid ? bid / margin : null, market.BestAsk is { } ask ? ask * margin : null);
    }
}
