using System.CommandLine;
using System.Globalization;
using GrpcMM.Protos.V1;
using Mmd.Backtest;
using Mmd.Exchanges.Paper;
using Mmd.Specs;
using Mmd.Worker;

namespace Mmd.Hosting;

/// <summary><c>mmd backtest</c>: a spec on the paper venue for a simulated span of time, as fast as the engine settles.</summary>
public static class BacktestCommand
{
    public static Command Create()
    {
        var file = new Option<FileInfo?>("--file", "-f") { Description = "Instance spec (proto3 JSON) on the paper venue, e.g. daemon/templates/paper-xemm.json" };
        var length = new Option<string?>("--for") { Description = "Simulated time to run: seconds, or 90s / 15m / 2h / 1d (default: the recorded prices' span, else the spec's duration)" };
        var seed = new Option<string?>("--seed") { Description = "Paper market seed (default: the spec's)" };
        var start = new Option<string?>("--start") { Description = "Where the simulated clock starts, UTC (default: the recorded prices' first time, else now)" };
        var seeds = new Option<int?>("--seeds") { Description = "Run this many market seeds (from --seed or the spec's, counting up), a line each, then how they spread (1-100)" };
        var vary = new Option<string[]>("--vary")
        {
            Description = "Run the spec with a field set to each of these values, on the same market seeds (repeat for a grid of every combination, "
                + $"at most {BacktestVariations.MaxVariants}): PATH=V1,V2,... e.g. spot_market_making.spread_pct=0.1,0.2,0.3",
        };
        var prices = new Option<FileInfo?>("--prices")
        {
            Description = "Recorded prices (CSV: time,price, or time,open,high,low,close[,...], or trades time,price,quantity,side; Unix seconds, ms or µs, "
                + "or ISO 8601) that the quoted market (and a hedge market) follows instead of the random walk; recorded trades are its taker flow too, "
                + "else the seed draws it",
        };
        var hedgePrices = new Option<FileInfo?>("--hedge-prices")
        {
            Description = "With --prices, for a cross-market hedge: the hedge market's own recorded prices (same layouts), covering the run, so the "
                + "two markets drift apart as they did (the basis) instead of following one price",
        };
        var rankBy = new Option<string?>("--rank-by")
        {
            Description = "With --vary: what the best setting is: mean (the highest mean net PnL; the default), worst (the best worst seed), or "
                + "pnl-to-drawdown (mean net PnL over the deepest drawdown)",
        };
        rankBy.AcceptOnlyFromAmong([.. SweepRanking.ByName.Keys]);
        var saveBest = new Option<FileInfo?>("--save-best") { Description = "With --vary: write the spec with the best settings (by --rank-by) to this file (for mmctl start -f)" };
        var equityCurve = new Option<FileInfo?>("--equity-curve")
        {
            Description = "Write every run's equity curve to this CSV file: a row a point (the varied fields, seed, time, mid, position, hedge_position, "
                + "net_pnl, drawdown, fills), for a notebook or a spreadsheet to plot",
        };
        var equityEvery = new Option<string?>("--equity-every") { Description = "With --equity-curve: simulated time between its points (default 1m; 1s-1d)" };
        var holdout = new Option<int?>("--holdout")
        {
            Description = "With --vary and --prices: keep the last PCT % of the span out of choosing the best setting, then run every setting on it "
                + "and show how the one chosen did there (1-90)",
        };
        var jobs = new Option<int?>("--jobs", "-j") { Description = $"Runs at once, of a sweep's settings and seeds (1-64; default: the processor count, {Environment.ProcessorCount} here); each run repeats alone, so this changes no figure" };
        var output = new Option<string>("--output", "-o") { Description = "text (default: the report and a line a run), or json: a JSON object a line for each run", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        var command = new Command("backtest",
            "Run a spec's strategy on the paper venue's synthetic, scripted or recorded market on a simulated clock, and print its report: hours of market in seconds or minutes.");
        foreach (var o in new Option[] { file, length, seed, seeds, start, vary, prices, hedgePrices, rankBy, saveBest, holdout, equityCurve, equityEvery, jobs, output }) command.Options.Add(o);

        command.SetAction(async (result, cancellationToken) =>
        {
            BacktestPlan plan;
            try
            {
                if (result.GetValue(file) is not { } f) return RunCommand.Fail("mmd backtest: --file is required (a spec on the paper venue)");
                if (!f.Exists) return RunCommand.Fail($"mmd backtest: no such spec file: {f.FullName}");
                if (result.GetValue(prices) is { Exists: false } missing) return RunCommand.Fail($"mmd backtest: no such prices file: {missing.FullName}");
                if (result.GetValue(hedgePrices) is { Exists: false } missingHedge) return RunCommand.Fail($"mmd backtest: no such prices file: {missingHedge.FullName}");
                var recorded = result.GetValue(prices) is { } p ? await RecordedPrices.ReadAsync(p.FullName, cancellationToken) : null;
                var hedgeRecorded = result.GetValue(hedgePrices) is { } hp ? await RecordedPrices.ReadAsync(hp.FullName, cancellationToken) : null;
                var proto = InstanceSpecJson.Parse(f.FullName, await File.ReadAllBytesAsync(f.FullName, cancellationToken), out var lines);
                plan = BacktestPlan.Make(proto, f.FullName, lines, new BacktestRecordings(recorded, hedgeRecorded), new BacktestChoices(result.GetValue(seed),
                    result.GetValue(seeds) ?? 1, result.GetValue(length), result.GetValue(start), result.GetValue(vary) ?? [], result.GetValue(rankBy), result.GetValue(saveBest),
                    result.GetValue(jobs) ?? Environment.ProcessorCount, result.GetValue(equityCurve), result.GetValue(equityEvery), result.GetValue(holdout)));
            }
            catch (RecordedPricesException ex)
            {
                return RunCommand.Fail($"mmd backtest: recorded prices: {ex.Message}");
            }
            catch (InvalidSpecException ex)
            {
                await Console.Error.WriteLineAsync($"mmd backtest: {ex.Message}:");
                foreach (var line in ex.Describe()) await Console.Error.WriteLineAsync("  " + line);
                return ExitCodes.InvalidInput;
            }

            // Ctrl-C or SIGTERM ends the span early and still prints the figures so far.
            using var stop = new StopRequest();
            using var signals = stop.OnSignals();
            using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, cancellationToken);
            var (variants, count, span, from) = (plan.Variants, plan.Seeds, plan.Span, plan.From);
            using var curve = plan.EquityCurve is { } curveFile ? BacktestEquityCurve.Create(curveFile.FullName, variants[0].Settings) : null;
            if (result.GetValue(output) == "json")
            {
                // A line a run, in order: every variant (or the spec as it is) over every seed; with a holdout, then again on it.
                var ordersLeft = false;
                async Task<Dictionary<SpecVariant, List<BacktestResult>>> LinesAsync(BacktestPlan part, string? sample)
                {
                    var byVariant = ByVariant(part.Variants);
                    await RunAllAsync(part, (variant, seeded, outcome) =>
                    {
                        Console.Out.WriteLine(BacktestJsonLine.Write(variant.Settings, seeded.Paper.Seed, part.From, outcome, sample));
                        ordersLeft |= outcome.OrdersLeft > 0;
                        byVariant[variant].Add(outcome);
                    }, curve, interrupted.Token);
                    return byVariant;
                }
                var ranked = Ranked(plan, await LinesAsync(plan, plan.Holdout is null ? null : "in"));
                if (plan.SaveBest is { } target && ranked.Count > 0) await SaveBestAsync(target, ranked.MaxBy(r => r.Score).Variant);
                if (plan.Holdout is not null && !interrupted.IsCancellationRequested) await LinesAsync(plan.OutOfSample(), "out");
                return ordersLeft ? ExitCodes.OrdersLeftOnVenue : ExitCodes.Ok;
            }
            if (plan.Swept) return await SweepAsync(plan, curve, interrupted.Token);
            var spec = variants[0].Spec;
            if (count == 1)
            {
                var outcome = await Backtester.RunAsync(spec, span, from, interrupted.Token, plan.EquityEvery);
                curve?.Write([], spec.Paper.Seed, outcome);
                var ended = outcome.StrategyStopped ? outcome.StopReason : $"backtest {(outcome.Interrupted ? "interrupted" : "over")}";
                Console.Out.WriteLine(StatsFormatter.Report(outcome.Final, $"{ended} after {Span(outcome.Simulated)}", outcome.OrdersLeft));
                Console.Out.WriteLine(FormattableString.Invariant(
                    $"== backtest: {Span(outcome.Simulated)} of {plan.Market} (seed {spec.Paper.Seed}, tick {spec.Paper.Tick.TotalSeconds:0.###} s, {outcome.Steps} steps) in {outcome.WallTime.TotalSeconds:0.0} s, {outcome.Simulated / outcome.WallTime:0}x real time"));
                Console.Out.WriteLine("   " + Figures(outcome));
                return outcome.OrdersLeft == 0 ? ExitCodes.Ok : ExitCodes.OrdersLeftOnVenue;
            }

            // One market seed is one story: the same spec over several, a line each, then how they spread.
            var outcomes = new List<BacktestResult>();
            await RunAllAsync(plan, (_, seeded, outcome) =>
            {
                outcomes.Add(outcome);
                Console.Out.WriteLine(FormattableString.Invariant(
                    $"seed {seeded.Paper.Seed}: {Span(outcome.Simulated)}{(outcome.Interrupted ? " (interrupted)" : "")} in {outcome.WallTime.TotalSeconds:0.0} s; {Figures(outcome)}; own orders left {outcome.OrdersLeft}{Stopped(outcome)}"));
            }, curve, interrupted.Token);
            if (outcomes.Count == 0)
            {
                Console.Out.WriteLine("== interrupted before any seed ran");
                return ExitCodes.Ok;
            }
            var nets = outcomes.Select(o => o.NetPnl).ToList();
            Console.Out.WriteLine(FormattableString.Invariant(
                $"== backtest over {outcomes.Count} seeds from {spec.Paper.Seed}: net PnL mean {nets.Average():0.####}, worst {nets.Min():0.####}, best {nets.Max():0.####} {outcomes[0].Final.QuoteAsset}; {nets.Count(v => v < 0)} lost money; furthest position {outcomes.Max(o => o.Furthest)}"));
            return outcomes.All(o => o.OrdersLeft == 0) ? ExitCodes.Ok : ExitCodes.OrdersLeftOnVenue;
        });
        return command;
    }

    /// <summary>
    /// Every variant over every seed (counting up from the spec's), up to <see cref="BacktestPlan.Jobs"/> runs at once: a run repeats
    /// alone, so running several together changes no figure. Each run is handed to <paramref name="ended"/> in order
    /// (variant by variant, seed by seed) as soon as it and those before it are over. An interruption ends the runs under
    /// way early, with their figures so far, and starts no other.
    /// </summary>
    private static async Task RunAllAsync(BacktestPlan plan, Action<SpecVariant, ValidatedSpec, BacktestResult> ended, BacktestEquityCurve? curve, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(plan.Jobs);
        var runs = plan.Variants
            .SelectMany(v => Enumerable.Range(0, plan.Seeds).Select(n => (Variant: v, Seeded: v.Spec with { Paper = v.Spec.Paper with { Seed = v.Spec.Paper.Seed + (ulong)n } })))
            .Select(r => (r.Variant, r.Seeded, Outcome: RunOneAsync(r.Seeded)))
            .ToList();
        foreach (var (variant, seeded, outcome) in runs)
        {
            if (await outcome is not { } o) continue;
            curve?.Write(variant.Settings, seeded.Paper.Seed, o);
            ended(variant, seeded, o);
        }

        async Task<BacktestResult?> RunOneAsync(ValidatedSpec seeded)
        {
            try
            {
                await slots.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            try
            {
                return cancellationToken.IsCancellationRequested ? null : await Backtester.RunAsync(seeded, plan.Span, plan.From, cancellationToken, plan.EquityEvery);
            }
            finally
            {
                slots.Release();
            }
        }
    }

    /// <summary>
    /// Every variant over the same market seeds (so they differ by their settings, not their luck), a line each as it
    /// ends, then the best and the worst by the plan's rank (mean net PnL unless --rank-by says otherwise). With a holdout,
    /// every variant again on the span held out, then how the one chosen did there beside the best of it.
    /// </summary>
    private static async Task<int> SweepAsync(BacktestPlan plan, BacktestEquityCurve? curve, CancellationToken cancellationToken)
    {
        var (variants, count) = (plan.Variants, plan.Seeds);
        var wall = System.Diagnostics.Stopwatch.StartNew();
        var seedText = count == 1 ? $"seed {variants[0].Spec.Paper.Seed}" : $"seeds {variants[0].Spec.Paper.Seed}-{variants[0].Spec.Paper.Seed + (ulong)count - 1}";
        var part = plan.Holdout is { } kept ? $" (its first {100 - kept.Percent} %; the last {kept.Percent} % is held out)" : "";
        Console.Out.WriteLine($"== backtest of {variants.Count} settings over {Span(plan.Span)} of {plan.Market}{part}, {seedText} each");
        var (byVariant, ordersLeft) = await SweepPartAsync(plan, curve, cancellationToken);
        var ranked = Ranked(plan, byVariant);
        if (ranked.Count == 0)
        {
            Console.Out.WriteLine($"== interrupted before any setting ran its {(count == 1 ? "span" : "seeds")}");
            return ordersLeft ? ExitCodes.OrdersLeftOnVenue : ExitCodes.Ok;
        }
        var best = ranked.MaxBy(r => r.Score);
        var worst = ranked.MinBy(r => r.Score);
        Console.Out.WriteLine(FormattableString.Invariant(
            $"== {ranked.Count} of {variants.Count} settings run in {wall.Elapsed.TotalSeconds:0.0} s; best {RankName(plan.Rank)} {RankFigure(plan.Rank, byVariant[best.Variant])} with {best.Variant.Label}; worst {RankFigure(plan.Rank, byVariant[worst.Variant])} with {worst.Variant.Label}"));
        if (plan.SaveBest is { } target)
        {
            await SaveBestAsync(target, best.Variant);
            Console.Out.WriteLine($"== the spec with {best.Variant.Label} is in {target.FullName}{(cancellationToken.IsCancellationRequested ? " (best of those run before the interruption)" : "")}");
        }
        if (plan.Holdout is not { } holdout || cancellationToken.IsCancellationRequested) return ordersLeft ? ExitCodes.OrdersLeftOnVenue : ExitCodes.Ok;

        // The span held out: was the setting chosen still good on a market it was not chosen on?
        var outOfSample = plan.OutOfSample();
        Console.Out.WriteLine($"== held out: the last {holdout.Percent} %, {Span(outOfSample.Span)} from {outOfSample.From.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC, every setting from flat again");
        var (outBy, outLeft) = await SweepPartAsync(outOfSample, curve, cancellationToken);
        var outRanked = Ranked(outOfSample, outBy);
        var chosen = outOfSample.Variants[IndexOf(variants, best.Variant)];
        if (outRanked.Count > 0 && outRanked.FirstOrDefault(r => ReferenceEquals(r.Variant, chosen)) is { Variant: not null } mine)
        {
            var outBest = outRanked.MaxBy(r => r.Score);
            Console.Out.WriteLine(FormattableString.Invariant(
                $"== held out: best {RankName(plan.Rank)} {RankFigure(plan.Rank, outBy[outBest.Variant])} with {outBest.Variant.Label}; the setting chosen ({chosen.Label}) ranks {1 + outRanked.Count(r => r.Score > mine.Score)} of {outRanked.Count} there: {RankFigure(plan.Rank, outBy[chosen])}"));
        }
        return ordersLeft || outLeft ? ExitCodes.OrdersLeftOnVenue : ExitCodes.Ok;
    }

    private static int IndexOf(IReadOnlyList<SpecVariant> variants, SpecVariant variant)
    {
        for (var i = 0; i < variants.Count; i++)
            if (ReferenceEquals(variants[i], variant)) return i;
        throw new ArgumentException("not one of the plan's variants", nameof(variant));
    }

    /// <summary>One part of a sweep (the whole span, or a part before or after a holdout): a line a setting once its seeds are over.</summary>
    private static async Task<(Dictionary<SpecVariant, List<BacktestResult>> ByVariant, bool OrdersLeft)> SweepPartAsync(BacktestPlan plan, BacktestEquityCurve? curve,
        CancellationToken cancellationToken)
    {
        var count = plan.Seeds;
        var ordersLeft = false;
        var byVariant = ByVariant(plan.Variants);
        void Report(SpecVariant variant)
        {
            var outcomes = byVariant[variant];
            var nets = outcomes.Select(o => o.NetPnl).ToList();
            var hours = outcomes.Sum(o => o.Simulated.TotalHours);
            var cut = outcomes.Any(o => o.Interrupted) || outcomes.Count < count;
            ordersLeft |= outcomes.Any(o => o.OrdersLeft > 0);
            var quote = outcomes[0].Final.QuoteAsset;
            var pnl = count == 1
                ? FormattableString.Invariant($"net PnL {nets[0]:0.####} {quote}")
                : FormattableString.Invariant($"net PnL mean {nets.Average():0.####}, worst {nets.Min():0.####}, best {nets.Max():0.####} {quote}, {nets.Count(v => v < 0)} of {nets.Count} lost money");
            Console.Out.WriteLine(FormattableString.Invariant(
                $"{variant.Label}: {pnl}; furthest position {outcomes.Max(o => o.Furthest)} {outcomes[0].Final.BaseAsset}; max drawdown {outcomes.Max(o => o.MaxDrawdown):0.####} {quote}; {outcomes.Sum(o => o.Final.Cumulative.Fills) / Math.Max(hours, 1e-9):0.#} fills an hour; own orders left {outcomes.Sum(o => o.OrdersLeft)}{(cut ? " (interrupted)" : "")}{string.Concat(outcomes.Take(1).Select(Stopped))}"));
        }
        // A setting's line once its last seed is over; one an interruption cut short, at the end.
        await RunAllAsync(plan, (variant, _, outcome) =>
        {
            byVariant[variant].Add(outcome);
            if (byVariant[variant].Count == count) Report(variant);
        }, curve, cancellationToken);
        foreach (var variant in plan.Variants.Where(v => byVariant[v].Count is > 0 && byVariant[v].Count < count)) Report(variant);
        return (byVariant, ordersLeft);
    }

    /// <summary>Each variant's runs, keyed by the variant object itself (a record compares by value; each variant is one object).</summary>
    private static Dictionary<SpecVariant, List<BacktestResult>> ByVariant(IReadOnlyList<SpecVariant> variants) =>
        variants.ToDictionary<SpecVariant, SpecVariant, List<BacktestResult>>(v => v, _ => [], ReferenceEqualityComparer.Instance);

    /// <summary>
    /// The score (<see cref="BacktestPlan.Rank"/>) of each variant whose every seed ran its whole span, in the variants' order: what
    /// "best" is chosen from (the first of equals).
    /// </summary>
    private static List<(SpecVariant Variant, double Score)> Ranked(BacktestPlan plan, Dictionary<SpecVariant, List<BacktestResult>> byVariant) =>
        [.. plan.Variants.Where(v => byVariant[v].Count == plan.Seeds && byVariant[v].All(o => !o.Interrupted)).Select(v => (v, SweepRanking.Score(plan.Rank, byVariant[v])))];

    private static string RankName(SweepRank rank) => rank switch
    {
        SweepRank.Mean => "mean net PnL",
        SweepRank.Worst => "worst seed's net PnL",
        _ => "net PnL to drawdown",
    };

    /// <summary>A setting's figure under the rank, as the summary shows it (the ratio with the two figures it is made of).</summary>
    private static string RankFigure(SweepRank rank, List<BacktestResult> runs)
    {
        var mean = runs.Average(o => o.NetPnl);
        return rank switch
        {
            SweepRank.Mean => FormattableString.Invariant($"{mean:0.####}"),
            SweepRank.Worst => FormattableString.Invariant($"{runs.Min(o => o.NetPnl):0.####}"),
            _ => SweepRanking.Score(rank, runs) is var score && double.IsPositiveInfinity(score)
                ? FormattableString.Invariant($"without a drawdown (mean net PnL {mean:0.####})")
                : FormattableString.Invariant($"{score:0.##} (mean net PnL {mean:0.####}, max drawdown {runs.Max(o => o.MaxDrawdown):0.####})"),
        };
    }

    /// <summary>The best variant's spec, written whole (to a new file first, so a reader never sees half of it).</summary>
    private static async Task SaveBestAsync(FileInfo target, SpecVariant best)
    {
        var temporary = target.FullName + ".tmp";
        await File.WriteAllTextAsync(temporary, InstanceSpecJson.FormatIndented(best.Proto) + Environment.NewLine, CancellationToken.None);
        File.Move(temporary, target.FullName, overwrite: true);
    }

    /// <summary>When the strategy stopped the run itself: where and why (of a sweep's first seed; the others are in -o json).</summary>
    private static string Stopped(BacktestResult o) => o.StrategyStopped ? $"; the strategy stopped it at {Span(o.Simulated)}: {o.StopReason}" : "";

    /// <summary>Furthest position, net PnL (both markets of a cross-market hedge), its hourly rate and deepest fall, fills an hour.</summary>
    private static string Figures(BacktestResult o)
    {
        var hours = o.Simulated.TotalHours;
        return FormattableString.Invariant(
            $"furthest position {o.Furthest} {o.Final.BaseAsset}; net PnL {o.NetPnl:0.####} {o.Final.QuoteAsset}{(o.BothMarkets ? " (both markets)" : "")}, {(hours > 0 ? o.NetPnl / (decimal)hours : 0m):0.####} an hour, max drawdown {o.MaxDrawdown:0.####} {o.Final.QuoteAsset}; {o.Final.Cumulative.Fills / Math.Max(hours, 1e-9):0.#} fills an hour");
    }

    internal static string Span(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:00}s" : $"{t.TotalSeconds:0.#}s";
}
