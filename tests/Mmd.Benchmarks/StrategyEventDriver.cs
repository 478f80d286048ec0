using Microsoft.Extensions.Time.Testing;
using Mmd.Exchanges.Paper;
using Mmd.Trading.Engine;
using Mmd.Trading.Execution;
using Mmd.Trading.MarketData;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;
using Mmd.Trading.Risk;
using Mmd.Trading.Strategies;
using Mmd.Trading.Strategies.AvellanedaStoikov;
using Mmd.Trading.Strategies.Grid;
using Mmd.Trading.Strategies.Hedge;
using Mmd.Trading.Strategies.PerpMarketMaking;
using Mmd.Trading.Strategies.SpotMarketMaking;

namespace Mmd.Benchmarks;

/// <summary>
/// One strategy's event -> intents path, synchronously: the event (a book delta, or for grids and the hedge the fill
/// that makes them act), the strategy's decision, the reconcile against the live orders, the risk check, the tracker.
/// Every event produces intents: the market makers' quotes are all replaced (the market moves 0.2 %), a grid places the
/// order its fill calls for, the hedge sends its taker order or re-quotes at the new touch.
/// </summary>
public sealed class StrategyEventDriver
{
    public static readonly string[] Kinds = ["spot_market_making", "perp_market_making", "perp_market_making_as", "spot_grid", "perp_grid", "maker_taker_hedge", "maker_taker_hedge_xemm"];

    private readonly string _kind;
    private readonly InstrumentSpec _spec;
    private readonly OrderBook _book;
    private readonly StrategyView _view;
    private readonly IStrategy _strategy;
    private readonly RiskEngine _risk;
    private readonly OrderTracker _tracker = new("bench");
    private readonly BookLevel[] _bidDelta = new BookLevel[2];
    private readonly BookLevel[] _askDelta = new BookLevel[2];
    private long _sequence = 1;
    private long _step;
    private long _orderId;
    private DateTimeOffset _now = DateTimeOffset.Parse("2026-11-24T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    public StrategyEventDriver(string kind)
    {
        _kind = kind;
        var spot = kind is "spot_market_making" or "spot_grid" or "maker_taker_hedge_xemm";
        _spec = PaperMarkets.Find(spot ? "SOL_USDC" : "SOL_USDC_PERP")!;
        _book = new OrderBook(_spec.Symbol);
        _book.ApplySnapshot(1, Enumerable.Range(1, 20).Select(i => new BookLevel(150m - i * 0.03m, 5m)).ToArray(),
            Enumerable.Range(1, 20).Select(i => new BookLevel(150m + i * 0.03m, 5m)).ToArray(), _now);
        _view = new StrategyView
        {
            Instrument = _spec, Book = _book, Trigger = StrategyTrigger.Book,
            Balances = new Dictionary<string, Balance> { ["SOL"] = new("SOL", 100m, 0m), ["USDC"] = new("USDC", 100_000m, 0m) },
        };
        _strategy = kind switch
        {
            "spot_market_making" => new SpotMarketMaker(new SpotMarketMakerConfig { SpreadPct = 0.2m, OrderQuantity = 0.5m, Levels = 3, RebalanceEnabled = false }),
            "perp_market_making" => new PerpMarketMaker(new PerpMarketMakerConfig { SpreadPct = 0.2m, OrderQuantity = 0.5m, Levels = 3, MaxPosition = 10m, InventorySkew = 0.001m }),
            "perp_market_making_as" => new PerpMarketMaker(new PerpMarketMakerConfig
            {
                SpreadPct = 0.2m, OrderQuantity = 0.5m, Levels = 3, MaxPosition = 10m,
                AvellanedaStoikov = new AvellanedaStoikovConfig { RiskAversion = 0.5m, MaxSpreadPct = 2m },
            }),
            "spot_grid" => new SpotGrid(new SpotGridConfig { Lower = 140m, Upper = 160m, Levels = 21, OrderQuantity = 1m }),
            "perp_grid" => new PerpGrid(new PerpGridConfig { Lower = 140m, Upper = 160m, Levels = 21, OrderQuantity = 1m, MaxPosition = 100m }),
            "maker_taker_hedge" or "maker_taker_hedge_xemm" => new MakerTakerHedge(new MakerTakerHedgeConfig { OrderQuantity = 0.5m, MinProfitabilityPct = 0.01m }),
            _ => throw new ArgumentException($"unknown strategy {kind} ({string.Join(", ", Kinds)})"),
        };
        // Across markets the hedge market is the perpetual, at the same touch as the spot here.
        if (kind == "maker_taker_hedge_xemm") _view.Hedge = new HedgeMarketView { Venue = "paper", Instrument = PaperMarkets.Find("SOL_USDC_PERP")! };
        _risk = new RiskEngine(new RiskLimits { MaxOrdersPerSecond = int.MaxValue, MaxPosition = 1000m, MaxOrderNotional = 1_000_000m, PriceBandPct = 50m }, new FakeTimeProvider());
        SetTouch();
        Run(); // the initial quotes or grid
    }

    /// <summary>One event through the pipeline; returns the intents it produced (orders placed plus cancels).</summary>
    public int Step()
    {
        var odd = (_step++ & 1) == 1;
        switch (_kind)
        {
            case "spot_grid":
                // Alternately: the buy at 149 fills (its sell at 150 is wanted), then that sell fills (the buy again).
                Fill(odd
                    ? new StrategyFill(Side.Sell, 150m, 0.99m, 0m, "USDC", true, OrderPurpose.Quote, 10, 150m, 0m)
                    : new StrategyFill(Side.Buy, 149m, 1m, 0m, "USDC", true, OrderPurpose.Quote, 9, 149m, 0m));
                MoveBook(odd ? 0.01m : -0.01m);
                break;
            case "perp_grid":
                // Alternately: the open buy at 149 fills (its close at 150 is wanted), then the close fills (the open again).
                Fill(odd
                    ? new StrategyFill(Side.Sell, 150m, 1m, 0m, "USDC", true, OrderPurpose.Quote, PerpGrid.CloseKey + 9, 150m, 0m)
                    : new StrategyFill(Side.Buy, 149m, 1m, 0m, "USDC", true, OrderPurpose.Quote, 9, 149m, 0m));
                _view.Position = odd ? 0m : 1m;
                MoveBook(odd ? 0.01m : -0.01m);
                break;
            case "maker_taker_hedge":
            case "maker_taker_hedge_xemm":
                // Alternately: a maker fill leaves 0.5 to hedge (the taker order), then the hedge is done and the touch moves.
                _view.Position = odd ? 0m : 0.5m;
                MoveBook(odd ? 0.01m : -0.01m);
                break;
            default:
                MoveBook(odd ? -0.30m : 0.30m);
                break;
        }
        return Run();
    }

    /// <summary>The fill as the engine delivers it: the order ends filled in the tracker, then the strategy hears of it.</summary>
    private void Fill(StrategyFill fill)
    {
        foreach (var order in _tracker.Live)
        {
            if (order.Level != fill.Level || order.Side != fill.Side) continue;
            _tracker.ApplyVenueOrder(new VenueOrder(order.ClientOrderId, order.ClientOrderId, order.Symbol, order.Side, order.Type, order.TimeInForce,
                order.Price, order.Quantity, order.Quantity, VenueOrderStatus.Filled, true, false, _now, _now), _now);
            break;
        }
        _strategy.OnFill(fill);
    }

    private void MoveBook(decimal shift)
    {
        var bid = _book.BestBid!.Value;
        var ask = _book.BestAsk!.Value;
        _bidDelta[0] = bid with { Quantity = 0 };
        _bidDelta[1] = new BookLevel(bid.Price + shift, 5m);
        _askDelta[0] = ask with { Quantity = 0 };
        _askDelta[1] = new BookLevel(ask.Price + shift, 5m);
        _sequence++;
        _now = _now.AddMilliseconds(100);
        _book.ApplyDelta(_sequence, _sequence, _bidDelta, _askDelta, _now);
        SetTouch();
    }

    private void SetTouch()
    {
        _view.BestBid = _book.BestBid!.Value.Price;
        _view.BestAsk = _book.BestAsk!.Value.Price;
        _view.Now = _now;
        if (_view.Hedge is { } hedge) (hedge.BestBid, hedge.BestAsk) = (_view.BestBid, _view.BestAsk);
    }

    private int Run()
    {
        var decision = _strategy.Decide(_view);
        // The hedge follows the touch tick by tick (its template's tolerance is 0); the others keep a 0.05 % tolerance.
        var plan = QuoteReconciler.Plan(decision.Quotes, _tracker.Live, _kind.StartsWith("maker_taker_hedge", StringComparison.Ordinal) ? 0m : 0.05m, refreshPlacedBy: null);
        foreach (var cancel in plan.Cancels) _tracker.ApplyCancelResult(cancel, new CancelOrderResult(CommandOutcome.Accepted, null), _now);
        var context = new RiskContext(_view.Mid, _view.Position, 0m, 0m);
        var sent = plan.Cancels.Count;
        foreach (var quote in plan.Places) sent += Admit(quote.Side, OrderType.Limit, TimeInForce.Gtc, quote.Price, quote.Quantity, quote.Level, context);
        foreach (var intent in decision.Immediate) sent += Admit(intent.Side, intent.Type, intent.TimeInForce, intent.Price, intent.Quantity, intent.Level, context, terminal: true);
        _tracker.TakeChanged();
        _tracker.PruneTerminal(DateTimeOffset.MaxValue);
        return sent;
    }

    private int Admit(Side side, OrderType type, TimeInForce tif, decimal? price, decimal quantity, int level, RiskContext context, bool terminal = false)
    {
        var order = new TrackedOrder
        {
            ClientOrderId = "bench_" + (++_orderId).ToString(System.Globalization.CultureInfo.InvariantCulture), Symbol = _spec.Symbol, Side = side,
            Type = type, TimeInForce = tif, Price = price, Quantity = quantity, PostOnly = !terminal, Level = level, CreatedAt = _now,
            Purpose = terminal ? OrderPurpose.Hedge : OrderPurpose.Quote,
        };
        if (!_risk.Check(order.ToRequest(), context).Allowed) return 0;
        _tracker.Add(order);
        _tracker.MarkSubmitted(order, _now);
        var venue = new VenueOrder(order.ClientOrderId, order.ClientOrderId, order.Symbol, side, type, tif, price, quantity, terminal ? quantity : 0m,
            terminal ? VenueOrderStatus.Filled : VenueOrderStatus.Open, !terminal, false, _now, _now);
        _tracker.ApplyPlaceResult(order, PlaceOrderResult.Accepted(venue), _now);
        return 1;
    }
}
