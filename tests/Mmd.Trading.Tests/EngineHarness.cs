using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Mmd.Exchanges.Paper;
using Mmd.TestKit;
using Mmd.Trading.Engine;
using Mmd.Trading.Execution;
using Mmd.Trading.Risk;
using Mmd.Trading.Strategies;
using Mmd.Trading.Strategies.SpotMarketMaking;

namespace Mmd.Trading.Tests;

/// <summary>An engine on the in-process paper venue, on fake time; the market moves only when a test says so.</summary>
internal sealed class EngineHarness : IAsyncDisposable
{
    public const string Symbol = "SOL_USDC";
    private readonly CancellationTokenSource _stop = new();
    private Task<EngineResult>? _run;

    public EngineHarness(string name = "mm", StrategyConfig? config = null, RiskLimits? risk = null, InMemoryTradingJournal? journal = null,
        PaperExchange? exchange = null, Func<IExchangeConnector, IExchangeConnector>? wrap = null, string symbol = Symbol, PaperSettings? market = null,
        string? hedgeSymbol = null, InMemoryTradingJournal? hedgeJournal = null, TimeSpan? shutdownTimeout = null, bool startPaused = false,
        bool keepTrippedKillSwitch = false, ILogger? logger = null, IReadOnlyDictionary<string, decimal>? capital = null)
    {
        Name = name;
        Market = symbol;
        Time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        Exchange = exchange ?? new PaperExchange(market ?? QuietMarket(), Time);
        Journal = journal ?? new InMemoryTradingJournal();
        Config = config ?? new SpotMarketMakerConfig { SpreadPct = 0.2m, OrderQuantity = 0.5m, Levels = 3, RebalanceEnabled = false, RefreshTolerancePct = 0.05m };
        Connector = new PaperConnector(Exchange, name);
        var connector = wrap?.Invoke(Connector) ?? Connector;
        Strategy = Config.CreateStrategy();
        // A cross-symbol hedge on the same paper venue: the hedge market shares the connector, with its own journal.
        HedgeJournal = hedgeSymbol is null ? null : hedgeJournal ?? new InMemoryTradingJournal();
        var hedge = hedgeSymbol is null ? null : new HedgeMarket(connector, hedgeSymbol, HedgeJournal!);
        Engine = new InstanceEngine(
            new EngineOptions
            {
                InstanceName = name, Symbol = symbol, RefreshInterval = Config.Interval, RefreshTolerancePct = Config.RefreshTolerancePct,
                RefreshReplacesQuotes = Config.RefreshReplacesQuotes, ShutdownTimeout = shutdownTimeout ?? EngineOptions.DefaultShutdownTimeout,
                StartPaused = startPaused, KeepTrippedKillSwitch = keepTrippedKillSwitch, Capital = capital,
            },
            connector, Strategy, new RiskEngine(risk ?? new RiskLimits(), Time), Journal, Time, logger ?? NullLogger.Instance, hedge);
    }

    public string Name { get; }
    public FakeTimeProvider Time { get; }
    public PaperExchange Exchange { get; }
    public PaperConnector Connector { get; }
    public InMemoryTradingJournal Journal { get; }
    /// <summary>The hedge market's journal; null without a hedge market.</summary>
    public InMemoryTradingJournal? HedgeJournal { get; }
    public StrategyConfig Config { get; }
    public IStrategy Strategy { get; }
    /// <summary>The symbol this harness trades.</summary>
    public string Market { get; }
    public InstanceEngine Engine { get; }

    /// <summary>No random walk, no background flow: every fill in a test is one the test made.</summary>
    public static PaperSettings QuietMarket() => new() { VolatilityPct = 0m, FlowRate = 0m };

    public Task<EngineResult> Start() => _run = Task.Run(() => Engine.RunAsync(_stop.Token));

    /// <summary>Set once <see cref="StopAsync"/> has asked the engine to stop.</summary>
    public bool StopRequested => _stop.IsCancellationRequested;

    /// <summary>Our open orders on the venue (the account may hold other instances' orders too).</summary>
    public IReadOnlyList<VenueOrder> OpenOrders() => Exchange.OpenOrders(Name, Market).Where(o => Orders.ClientOrderIds.IsOwnedBy(o.ClientOrderId, Name)).ToList();

    /// <summary>Moves the market on in 200 ms ticks for <paramref name="length"/>, letting the engine settle after each.</summary>
    public async Task RunPathAsync(TimeSpan length)
    {
        for (var t = TimeSpan.Zero; t < length; t += TimeSpan.FromMilliseconds(200)) await StepAsync();
    }

    /// <summary>One 200 ms tick of the market, then the engine settles.</summary>
    public async Task StepAsync()
    {
        Time.Advance(TimeSpan.FromMilliseconds(200));
        Exchange.Tick();
        await SettledAsync();
    }

    /// <summary>
    /// The venue's streams have handed the engine every event sent and the engine has acted on everything (twice in a row,
    /// so an event between the two is not missed), and every order it wants rests on the venue; or the run has ended.
    /// </summary>
    public Task SettledAsync(TimeSpan? poll = null)
    {
        var quietChecks = 0;
        return Until.TrueAsync(() =>
        {
            if (Engine.State is EngineState.Stopping or EngineState.Stopped) return true;
            if (!CaughtUp) { quietChecks = 0; return false; }
            return ++quietChecks >= 2;
        }, "the engine settles", poll: poll);
    }

    /// <summary>
    /// The engine has acted on everything the venue sent it (twice in a row), though requests it made may still be out:
    /// for a venue that holds them.
    /// </summary>
    public Task IdleAsync()
    {
        var quietChecks = 0;
        return Until.TrueAsync(() => Exchange.Undelivered == 0 && Engine.Idle ? ++quietChecks >= 2 : (quietChecks = 0) > 0, "the engine has acted on every event");
    }

    /// <summary>
    /// The engine is idle with nothing of the venue's still on its way to it (an event still in a stream's channel is
    /// not in the engine's queue yet: on a busy machine the stream's reader may take longer than a poll to run).
    /// </summary>
    public bool CaughtUp => Exchange.Undelivered == 0 && Engine.Quiescent;

    /// <summary>Waits for a condition while fake time moves on (5 ms a check unless told), so rate windows and timers advance.</summary>
    public Task WaitAsync(Func<bool> condition, string what, TimeSpan? step = null) =>
        Until.TrueAsync(() =>
        {
            if (condition()) return true;
            Time.Advance(step ?? TimeSpan.FromMilliseconds(5));
            return false;
        }, what);

    /// <summary>Waits until the engine has journaled the order in <paramref name="status"/>: it has acted on what told it so.</summary>
    public Task JournaledAsync(string clientOrderId, Orders.OrderStatus status) =>
        Until.TrueAsync(() => Journal.Orders.TryGetValue(clientOrderId, out var order) && order.Status == status, $"{clientOrderId} journaled {status}");

    /// <summary>Waits until the statistics satisfy a condition, moving fake time so the housekeeping tick refreshes them.</summary>
    public Task StatsAsync(Func<Stats.StatsSnapshot, bool> condition, string what) =>
        Until.TrueAsync(() =>
        {
            if (Engine.LatestStats is { } s && condition(s)) return true;
            Time.Advance(TimeSpan.FromMilliseconds(100));
            return false;
        }, what);

    public Task QuotingAsync(int perSide = 3) =>
        Until.TrueAsync(() => OpenOrders().Count(o => o.Side == Primitives.Side.Buy) == perSide && OpenOrders().Count(o => o.Side == Primitives.Side.Sell) == perSide,
            $"{perSide} quotes per side rest on the venue");

    /// <summary>Our best bid's price.</summary>
    public decimal OurBestBid() => OpenOrders().Where(o => o.Side == Primitives.Side.Buy).Max(o => o.Price!.Value);

    /// <summary>Another account sells everything down to our best bid (the background ahead of us, then our bid) and returns that price and the taker's result.</summary>
    public (decimal BestBid, PlaceOrderResult Result) SweepDownToOurBestBid()
    {
        var bestBid = OurBestBid();
        var sweep = Exchange.Levels(Market, Primitives.Side.Buy, 50).Where(l => l.Price >= bestBid).Sum(l => l.Quantity);
        return (bestBid, Exchange.Place("taker", new PlaceOrderRequest(Market, "x1", Primitives.Side.Sell, OrderType.Limit, TimeInForce.Ioc, bestBid, sweep)));
    }

    public async Task<EngineResult> StopAsync()
    {
        await _stop.CancelAsync();
        return await _run!.DefaultTimeout();
    }

    public async ValueTask DisposeAsync()
    {
        if (_run is { IsCompleted: false }) await StopAsync();
        Engine.Dispose();
        _stop.Dispose();
    }
}
