using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Mmd.Exchanges.Paper;
using Mmd.Persistence;
using Mmd.Specs;
using Mmd.Trading.Engine;
using Mmd.Trading.Execution;
using Mmd.Trading.Risk;
using Mmd.Trading.Stats;
using Mmd.Worker;

namespace Mmd.Backtest;

/// <summary>How a backtest went: the run's last figures and what the simulated clock and the wall clock saw.</summary>
/// <param name="Furthest">The largest position (base units, either side) the quoted market held at the end of a step.</param>
/// <param name="MaxDrawdown">The deepest fall of net PnL (both markets of a cross-market hedge, unrealized included) from its
/// high so far, at the ends of steps: what holding the setting through the span would have cost at its worst.</param>
/// <param name="Interrupted">Cancelled before the span was simulated (Ctrl-C): the figures are those of the span so far.</param>
/// <param name="StrategyStopped">The strategy ended the run itself (a grid's boundary, a stop loss that stops), before the span was over.</param>
/// <param name="EquityCurve">The run's course at the asked spacing, then its end (empty unless asked for).</param>
public sealed record BacktestResult(StatsSnapshot Final, string StopReason, int OrdersLeft, TimeSpan Simulated, long Steps, TimeSpan WallTime, decimal Furthest,
    decimal MaxDrawdown, bool Interrupted, bool StrategyStopped, IReadOnlyList<EquityPoint> EquityCurve)
{
    /// <summary>A cross-market hedge: its result is both markets together (the hedges' taker fees are half the story).</summary>
    public bool BothMarkets => Final.StrategyFigures?.Hedge?.Market is not null;

    /// <summary>Net PnL of the run, both markets of a cross-market hedge.</summary>
    public decimal NetPnl => NetPnlOf(Final);

    internal static decimal NetPnlOf(StatsSnapshot stats) => stats.Cumulative.NetPnl + (stats.StrategyFigures?.Hedge?.Market?.Cumulative.NetPnl ?? 0m);
}

/// <summary>One moment of a run's equity curve: where the market and the position were, and the net PnL and its fall from its high so far.</summary>
/// <param name="Position">The quoted market's position (base units, signed).</param>
/// <param name="HedgePosition">A cross-market hedge's position on its other market; null without one.</param>
/// <param name="NetPnl">Net PnL so far, both markets of a cross-market hedge, unrealized included.</param>
/// <param name="Drawdown">How far the net PnL stands below its high so far.</param>
/// <param name="Fills">The quoted market's fills so far.</param>
public sealed record EquityPoint(DateTimeOffset Time, decimal? Mid, decimal Position, decimal? HedgePosition, decimal NetPnl, decimal Drawdown, long Fills);

/// <summary>
/// Runs a spec on the paper venue on a simulated clock, as fast as the engine settles: hours of synthetic (or scripted)
/// market in seconds or minutes, to try parameters before they trade. Everything but the clock is the worker's: the
/// engine, risk limits, hedges, a SQLite journal (in a directory of its own, gone afterwards). Each step moves the paper
/// market one tick and waits until the engine has acted on all of it, so a slow machine runs the same market, slower.
/// Within a step the venue's events reach the engine one at a time, in the connector's fixed order of streams, each acted
/// on before the next (<see cref="PaperConnector.Stepped"/>): the same spec, seed and start give the same run every time.
/// </summary>
public static class Backtester
{
    /// <summary>How long one step may take the engine before the run is given up: a wedged engine, not a slow one.</summary>
    private static readonly TimeSpan StepLimit = TimeSpan.FromSeconds(30);

    /// <summary>The longest the simulated clock moves before the engine is let act: well inside a book's quiet spell (5 s).</summary>
    private static readonly TimeSpan MaxClockStep = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a stop may work on a standing clock before it is taken to wait on the clock and given a tick: far above
    /// the milliseconds a stop takes, even on a loaded machine, so the clock does not move under one that is only slow.
    /// </summary>
    private static readonly TimeSpan StopClockGrace = TimeSpan.FromSeconds(3);

    /// <param name="start">Where the simulated clock starts (UTC days matter: the daily loss limit, funding).</param>
    /// <param name="cancellationToken">Ends the run early, with the figures so far.</param>
    /// <param name="equityEvery">How far apart (simulated) the equity curve's points are; null keeps none.</param>
    public static async Task<BacktestResult> RunAsync(ValidatedSpec spec, TimeSpan length, DateTimeOffset start, CancellationToken cancellationToken,
        TimeSpan? equityEvery = null)
    {
        if (equityEvery is { } spacing && spacing <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(equityEvery), spacing, "must be positive");
        if (spec.Venue != "paper" || spec.HedgeMarket is { Venue: not "paper" })
            throw new ArgumentException("a backtest runs on the paper venue", nameof(spec));
        var wall = Stopwatch.StartNew();
        var time = new FakeTimeProvider(start);
        var directory = BacktestScratch.Create();
        try
        {
            // Opened whatever comes: an interruption ends the stepping, and the report still needs a run to report.
            var db = await MmdDatabase.OpenAsync(Path.Combine(directory.FullName, "journal.db"), CancellationToken.None);
            var runId = await new RunStore(db).StartAsync(spec.Name, Environment.ProcessId, start, CancellationToken.None);
            using var exchange = new PaperExchange(spec.Paper with { StateDirectory = null }, time);
            await using var connector = new PaperConnector(exchange, spec.Paper.Account) { Stepped = true };
            await using var journal = new SqliteTradingJournal(db, spec.Name, connector.Venue, spec.HedgeMarket is null ? null : spec.Symbol, runId);
            await using var hedgeJournal = spec.HedgeMarket is { } target ? new SqliteTradingJournal(db, spec.Name, target.Venue, target.Symbol, runId) : null;
            var hedge = spec.HedgeMarket is { } h ? new HedgeMarket(connector, h.Symbol, hedgeJournal!) : null;
            using var engine = new InstanceEngine(InstanceRunner.EngineOptionsFor(spec, journalRetention: length + TimeSpan.FromDays(1)), connector,
                spec.Strategy.CreateStrategy(), new RiskEngine(spec.Risk, time), journal, time, NullLogger.Instance, hedge);
            exchange.Start(); // ticks on the simulated clock

            using var stop = new CancellationTokenSource();
            var run = Task.Run(() => engine.RunAsync(stop.Token), CancellationToken.None);
            var steps = 0L;
            var furthest = 0m;
            var (high, drawdown) = (0m, 0m);
            var curve = new List<EquityPoint>();
            var nextPoint = start + (equityEvery ?? TimeSpan.Zero);
            // The sample's net PnL, for the curve's point at the same moment.
            decimal Sample(StatsSnapshot stats)
            {
                furthest = Math.Max(furthest, Math.Abs(stats.Cumulative.Position));
                var net = BacktestResult.NetPnlOf(stats);
                high = Math.Max(high, net);
                drawdown = Math.Max(drawdown, high - net);
                return net;
            }
            void Point(StatsSnapshot stats, decimal net)
            {
                var now = time.GetUtcNow();
                if (curve.Count > 0 && curve[^1].Time == now) curve.RemoveAt(curve.Count - 1); // the end, on a point's moment
                curve.Add(new EquityPoint(now, stats.Mid, stats.Cumulative.Position, stats.StrategyFigures?.Hedge?.Market?.Cumulative.Position, net, high - net,
                    stats.Cumulative.Fills));
                while (nextPoint <= now) nextPoint += equityEvery!.Value;
            }
            Exception? failed = null;
            try
            {
                await SettledAsync(engine, connector, run, cancellationToken); // reconciled, quoting
                if (equityEvery is not null && engine.LatestStats is { } atStart) Point(atStart, BacktestResult.NetPnlOf(atStart)); // a point, not a sample: keeping a curve changes no figure
                var end = start + length;
                // A strategy that stops itself (a grid's boundary) ends the run where it stopped: its stop and any close
                // happen at that moment's prices, not at whatever the clock reached while they ran.
                while (time.GetUtcNow() < end && !run.IsCompleted && engine.State == EngineState.Running && !cancellationToken.IsCancellationRequested)
                {
                    // A tick longer than a second is walked a second at a time: what the engine does between the
                    // venue's ticks (a quiet book's alive marks, its own timers) happens when it would live.
                    for (var moved = TimeSpan.Zero; moved < spec.Paper.Tick && engine.State == EngineState.Running && !cancellationToken.IsCancellationRequested;)
                    {
                        var step = spec.Paper.Tick - moved < MaxClockStep ? spec.Paper.Tick - moved : MaxClockStep;
                        time.Advance(step);
                        moved += step;
                        await SettledAsync(engine, connector, run, cancellationToken);
                    }
                    steps++;
                    // Figures of a settled, running engine only: in the step where the strategy stops, its stop and close
                    // are under way on their own time; the run's final figures count instead, below.
                    if (engine.State == EngineState.Running && engine.LatestStats is { } stats)
                    {
                        var net = Sample(stats);
                        if (equityEvery is not null && time.GetUtcNow() >= nextPoint) Point(stats, net);
                    }
                }
            }
            catch (TimeoutException ex)
            {
                failed = ex;
            }
            // The stop cancels every order of the run, as a worker's does, and hears the cancels as they come; the engine is
            // done with before it is disposed.
            connector.EndStepping();
            await stop.CancelAsync();
            var result = await StoppedAsync(run, time, spec.Paper.Tick);
            if (failed is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed);
            var finalNet = Sample(result.FinalStats);
            if (equityEvery is not null) Point(result.FinalStats, finalNet);
            return new BacktestResult(result.FinalStats, result.StopReason, result.OwnOrdersLeftOnVenue, time.GetUtcNow() - start, steps, wall.Elapsed, furthest,
                drawdown, cancellationToken.IsCancellationRequested, result.StoppedByStrategy, curve);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // the files can go
            directory.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The run's end, on a clock that stands still while the stop works (cancels and a close trade at the prices of the
    /// moment the run ended); only a stop that waits on the clock itself (an order that would not go, retried) is given
    /// a tick at a time, after <see cref="StopClockGrace"/> of waiting.
    /// </summary>
    private static async Task<EngineResult> StoppedAsync(Task<EngineResult> run, FakeTimeProvider time, TimeSpan tick)
    {
        var since = Stopwatch.GetTimestamp();
        while (!run.IsCompleted)
        {
            if (Stopwatch.GetElapsedTime(since) > StepLimit) throw new TimeoutException($"the engine did not stop within {StepLimit.TotalSeconds:0} s");
            if (await Task.WhenAny(run, Task.Delay(StopClockGrace, CancellationToken.None)) != run) time.Advance(tick);
        }
        return await run;
    }

    /// <summary>
    /// The engine has acted on everything the step brought: each event the venue published is handed to it in turn (in
    /// the connector's fixed order of streams, the next once the engine is quiet after the last), until none waits; or the
    /// run has ended. One event at a time, the engine meets a step's events in the same order every run.
    /// </summary>
    private static async Task SettledAsync(InstanceEngine engine, PaperConnector connector, Task run, CancellationToken cancellationToken)
    {
        var since = Stopwatch.GetTimestamp();
        do
        {
            if (!await QuietAsync(engine, connector, run, since, cancellationToken)) return;
        }
        while (connector.DeliverNext());
    }

    /// <summary>
    /// The engine quiet and the connector idle at three looks in a row (an event handed over as another is handled is not
    /// missed); false when the run has ended or is interrupted.
    /// </summary>
    private static async Task<bool> QuietAsync(InstanceEngine engine, PaperConnector connector, Task run, long since, CancellationToken cancellationToken)
    {
        var quiet = 0;
        while (!run.IsCompleted && engine.State is not (EngineState.Stopping or EngineState.Stopped))
        {
            quiet = connector.Idle && engine.Quiescent ? quiet + 1 : 0;
            if (quiet >= 3) return true;
            if (cancellationToken.IsCancellationRequested) return false;
            if (Stopwatch.GetElapsedTime(since) > StepLimit) throw new TimeoutException($"the engine did not settle within {StepLimit.TotalSeconds:0} s of a step");
            await Task.Yield();
        }
        return false;
    }
}
