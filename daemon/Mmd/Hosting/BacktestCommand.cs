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
        var jobs = new Option<int?>("--jobs", "-j") { Description = $"Runs at once, of a sweep's settings and seeds (1-64; default: the processor count, {Environment.ProcessorCount} here); each run repeats alone, so this changes no figure" };
        var output = new Option<string>("--output", "-o") { Description = "text (default: the report and a line a run), or json: a JSON object a line for each run", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        var command = new Command("backtest",
            "Run a spec's strategy on the paper venue's synthetic, scripted or recorded market on a simulated clock, and print its report: hours of market in seconds or minutes.");
        foreach (var o in new Option[] { file, length, seed, seeds, start, vary, prices, hedgePrices, rankBy, saveBest, equityCurve, equityEvery, jobs, output }) command.Options.Add(o);

        command.SetAction(async (result, cancellationToken) =>
        {
            Plan plan;
            try
            {
                if (result.GetValue(file) is not { } f) return RunCommand.Fail("mmd backtest: --file is required (a spec on the paper venue)");
                if (!f.Exists) return RunCommand.Fail($"mmd backtest: no such spec file: {f.FullName}");
                if (result.GetValue(prices) is { Exists: false } missing) return RunCommand.Fail($"mmd backtest: no such prices file: {missing.FullName}");
                if (result.GetValue(hedgePrices) is { Exists: false } missingHedge) return RunCommand.Fail($"mmd backtest: no such prices file: {missingHedge.FullName}");
                var recorded = result.GetValue(prices) is { } p ? await RecordedPrices.ReadAsync(p.FullName, cancellationToken) : null;
                var hedgeRecorded = result.GetValue(hedgePrices) is { } hp ? await RecordedPrices.ReadAsync(hp.FullName, cancellationToken) : null;
                var proto = InstanceSpecJson.Parse(f.FullName, await File.ReadAllBytesAsync(f.FullName, cancellationToken), out var lines);
                plan = MakePlan(proto, f.FullName, lines, new Recordings(recorded, hedgeRecorded), result.GetValue(seed), result.GetValue(seeds) ?? 1, result.GetValue(length),
                    result.GetValue(start), result.GetValue(vary) ?? [], result.GetValue(rankBy), result.GetValue(saveBest), result.GetValue(jobs) ?? Environment.ProcessorCount,
                    result.GetValue(equityCurve), result.GetValue(equityEvery));
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
                // A line a run, in order: every variant (or the spec as it is) over every seed.
                var ordersLeft = false;
                var byVariant = ByVariant(variants);
                await RunAllAsync(plan, (variant, seeded, outcome) =>
                {
                    Console.Out.WriteLine(BacktestJsonLine.Write(variant.Settings, seeded.Paper.Seed, from, outcome));
                    ordersLeft |= outcome.OrdersLeft > 0;
                    byVariant[variant].Add(outcome);
                }, curve, interrupted.Token);
                var ranked = Ranked(plan, byVariant);
                if (plan.SaveBest is { } target && ranked.Count > 0) await SaveBestAsync(target, ranked.MaxBy(r => r.Score).Variant);
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

    /// <summary>What a backtest runs: the spec or its variants (with the recorded prices in place), over how many seeds, how long, from when.</summary>
    /// <param name="Market">What the market is, for the summary: the paper venue's own, or the file it replays.</param>
    /// <param name="SaveBest">Where to write the spec with the best settings (<c>--save-best</c>).</param>
    /// <param name="Jobs">How many runs go at once (<c>--jobs</c>).</param>
    /// <param name="Rank">What the best setting is (<c>--rank-by</c>).</param>
    /// <param name="EquityCurve">Where every run's equity curve goes (<c>--equity-curve</c>), its points <paramref name="EquityEvery"/> apart.</param>
    private sealed record Plan(IReadOnlyList<SpecVariant> Variants, int Seeds, TimeSpan Span, DateTimeOffset From, string Market, FileInfo? SaveBest, int Jobs,
        SweepRank Rank, FileInfo? EquityCurve, TimeSpan? EquityEvery)
    {
        /// <summary>Variants were asked for (<c>--vary</c>): a line a setting rather than the report.</summary>
        public bool Swept => Variants[0].Settings.Count > 0;
    }

    /// <summary>The recorded prices a backtest replays (<c>--prices</c>), and the hedge market's own (<c>--hedge-prices</c>).</summary>
    private sealed record Recordings(RecordedPrices? Quoted, RecordedPrices? Hedge);

    /// <summary>The command line's choices checked together: every problem a violation, thrown at once.</summary>
    private static Plan MakePlan(InstanceSpec proto, string source, IReadOnlyDictionary<string, long> lines, Recordings recordings, string? seed, int count,
        string? length, string? start, string[] varies, string? rankBy, FileInfo? saveBest, int jobs, FileInfo? equityCurve, string? equityEvery)
    {
        var errors = new List<FieldViolation>();
        var recorded = recordings.Quoted;
        if (jobs is < 1 or > 64) errors.Add(new("--jobs", $"{jobs}: must be 1-64"));
        if (saveBest is not null && varies.Length == 0) errors.Add(new("--save-best", "needs --vary: the best of the settings it tries"));
        else if (saveBest is { Directory.Exists: false }) errors.Add(new("--save-best", $"no such directory: {saveBest.DirectoryName}"));
        if (rankBy is not null && varies.Length == 0) errors.Add(new("--rank-by", "needs --vary: it ranks the settings it tries"));
        if (equityCurve is { Directory.Exists: false }) errors.Add(new("--equity-curve", $"no such directory: {equityCurve.DirectoryName}"));
        var every = equityEvery is null ? TimeSpan.FromMinutes(1) : RunCommand.ParseDuration(equityEvery, "--equity-every", errors);
        if (equityEvery is not null && equityCurve is null) errors.Add(new("--equity-every", "needs --equity-curve: the file its points go to"));
        else if (every is { } e && (e < TimeSpan.FromSeconds(1) || e > TimeSpan.FromDays(1))) errors.Add(new("--equity-every", $"{Span(e)}: must be 1s-1d"));
        if (seed is not null) RunCommand.ApplySeed(proto, seed, "--seed", errors);
        if (count is < 1 or > 100) errors.Add(new("--seeds", $"{count}: must be 1-100"));
        var given = length is not null ? RunCommand.ParseDuration(length, "--for", errors) : null;
        // Now, to the second: a start (and the equity curve's times) that reads cleanly.
        var now = DateTimeOffset.UtcNow;
        var from = recorded?.First ?? now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        if (start is not null && recorded is not null)
            errors.Add(new("--start", "the recorded prices start the clock at their first time"));
        else if (start is not null && !DateTimeOffset.TryParse(start, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out from))
            errors.Add(new("--start", $"'{start}' is not a date and time (e.g. 2026-11-23T00:00:00Z)"));

        IReadOnlyList<SpecVariant> variants;
        if (varies.Length > 0)
        {
            variants = BacktestVariations.Expand(proto, varies, source, lines, errors);
            if (variants.Count == 0) throw new InvalidSpecException(source, errors, lines);
        }
        else
        {
            variants = [new SpecVariant([], RunCommand.ValidateWithFlags(proto, source, lines, errors), proto)];
        }
        if (variants.Select(v => v.Spec).FirstOrDefault(v => v.Venue != "paper") is { } live)
            errors.Add(new("venue", $"a backtest runs on the paper venue, not '{live.Venue}': the live venues' markets are not simulated"));
        if (variants.Select(v => v.Spec.HedgeMarket).FirstOrDefault(h => h is { Venue: not "paper" }) is { } hm)
            errors.Add(new("maker_taker_hedge.hedge_venue", $"a backtest hedges on the paper venue, not '{hm.Venue}'"));
        if (recordings.Hedge is not null && recorded is null)
            errors.Add(new("--hedge-prices", "needs --prices: the quoted market's recording, which sets the clock"));
        if (recordings.Hedge is not null && variants.Any(v => v.Spec.HedgeMarket is null))
            errors.Add(new("--hedge-prices", "the spec has no hedge market of its own (maker_taker_hedge.hedge_symbol): its hedges trade the quoted market"));

        var span = given ?? recorded?.Span ?? variants[0].Spec.Duration ?? TimeSpan.Zero;
        if (span <= TimeSpan.Zero) errors.Add(new("--for", "required when the spec has no duration: how much market time to simulate"));
        else if (span > TimeSpan.FromDays(31)) errors.Add(new("--for", "at most 31 days"));
        else if (recorded is not null && span > recorded.Span) errors.Add(new("--for", $"{Span(span)} is longer than the recorded prices ({Span(recorded.Span)})"));
        else if (recorded is not null && recordings.Hedge is { } covering && (covering.First > from || covering.Last < from + span))
            errors.Add(new("--hedge-prices", $"{Path.GetFileName(covering.File)} covers {RecordedPrices.Iso(covering.First)} to {RecordedPrices.Iso(covering.Last)}; "
                + $"the run needs {RecordedPrices.Iso(from)} to {RecordedPrices.Iso(from + span)}"));
        if (errors.Count > 0) throw new InvalidSpecException(source, errors, lines);

        var rank = rankBy is null ? SweepRank.Mean : SweepRanking.ByName[rankBy];
        var curveEvery = equityCurve is null ? null : every;
        if (recorded is null) return new Plan(variants, count, span, from, "paper market", saveBest, jobs, rank, equityCurve, curveEvery);
        // The recording replaces the walk of every market the spec trades: a hedge market follows the same prices, or its own.
        // Recorded trades replace a market's random taker flow too (only its own: a hedge market without them keeps the crowd's).
        var hedgePath = recordings.Hedge?.PathFrom(from) ?? recorded.Path;
        var hedgeTape = recordings.Hedge?.TapeFrom(from);
        variants = [.. variants.Select(v => v with
        {
            Spec = v.Spec with
            {
                Paper = v.Spec.Paper with
                {
                    PricePaths = ByMarket(v.Spec, recorded.Path, hedgePath),
                    TradeTapes = ByMarket(v.Spec, recorded.Tape, hedgeTape),
                },
            },
        })];
        var market = $"recorded prices {Describe(recorded)}{(recordings.Hedge is { } h ? $", hedged on {Describe(h)}" : "")}";
        return new Plan(variants, count, span, from, market, saveBest, jobs, rank, equityCurve, curveEvery);
    }

    private static string Describe(RecordedPrices r) =>
        $"{Path.GetFileName(r.File)} ({r.Rows} {(r.Candles ? "candles" : r.Tape is null ? "prices" : "trades")} from {r.First.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC)";

    /// <summary>The quoted market's recording and a hedge market's, by symbol; a market without one is left out.</summary>
    private static Dictionary<string, T> ByMarket<T>(ValidatedSpec spec, T? quoted, T? hedged) where T : class
    {
        var recorded = new Dictionary<string, T>(StringComparer.Ordinal);
        if (quoted is not null) recorded[spec.Symbol] = quoted;
        if (spec.HedgeMarket is { } hedge && hedged is not null) recorded[hedge.Symbol] = hedged;
        return recorded;
    }

    /// <summary>
    /// Every variant over every seed (counting up from the spec's), up to <see cref="Plan.Jobs"/> runs at once: a run repeats
    /// alone, so running several together changes no figure. Each run is handed to <paramref name="ended"/> in order
    /// (variant by variant, seed by seed) as soon as it and those before it are over. An interruption ends the runs under
    /// way early, with their figures so far, and starts no other.
    /// </summary>
    private static async Task RunAllAsync(Plan plan, Action<SpecVariant, ValidatedSpec, BacktestResult> ended, BacktestEquityCurve? curve, CancellationToken cancellationToken)
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
    /// ends, then the best and the worst by the plan's rank (mean net PnL unless --rank-by says otherwise).
    /// </summary>
    private static async Task<int> SweepAsync(Plan plan, BacktestEquityCurve? curve, CancellationToken cancellationToken)
    {
        var (variants, count, span, from) = (plan.Variants, plan.Seeds, plan.Span, plan.From);
        var wall = System.Diagnostics.Stopwatch.StartNew();
        var seedText = count == 1 ? $"seed {variants[0].Spec.Paper.Seed}" : $"seeds {variants[0].Spec.Paper.Seed}-{variants[0].Spec.Paper.Seed + (ulong)count - 1}";
        Console.Out.WriteLine($"== backtest of {variants.Count} settings over {Span(span)} of {plan.Market}, {seedText} each");
        var ordersLeft = false;
        var byVariant = ByVariant(variants);
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
        foreach (var variant in variants.Where(v => byVariant[v].Count is > 0 && byVariant[v].Count < count)) Report(variant);
        var ranked = Ranked(plan, byVariant);
        if (ranked.Count > 0)
        {
            var best = ranked.MaxBy(r => r.Score);
            var worst = ranked.MinBy(r => r.Score);
            Console.Out.WriteLine(FormattableString.Invariant(
                $"== {ranked.Count} of {variants.Count} settings run in {wall.Elapsed.TotalSeconds:0.0} s; best {RankName(plan.Rank)} {RankFigure(plan.Rank, byVariant[best.Variant])} with {best.Variant.Label}; worst {RankFigure(plan.Rank, byVariant[worst.Variant])} with {worst.Variant.Label}"));
            if (plan.SaveBest is { } target)
            {
                await SaveBestAsync(target, best.Variant);
                Console.Out.WriteLine($"== the spec with {best.Variant.Label} is in {target.FullName}{(cancellationToken.IsCancellationRequested ? " (best of those run before the interruption)" : "")}");
            }
        }
        else
        {
            Console.Out.WriteLine($"== interrupted before any setting ran its {(count == 1 ? "span" : "seeds")}");
        }
        return ordersLeft ? ExitCodes.OrdersLeftOnVenue : ExitCodes.Ok;
    }

    /// <summary>Each variant's runs, keyed by the variant object itself (a record compares by value; each variant is one object).</summary>
    private static Dictionary<SpecVariant, List<BacktestResult>> ByVariant(IReadOnlyList<SpecVariant> variants) =>
        variants.ToDictionary<SpecVariant, SpecVariant, List<BacktestResult>>(v => v, _ => [], ReferenceEqualityComparer.Instance);

    /// <summary>
    /// The score (<see cref="Plan.Rank"/>) of each variant whose every seed ran its whole span, in the variants' order: what
    /// "best" is chosen from (the first of equals).
    /// </summary>
    private static List<(SpecVariant Variant, double Score)> Ranked(Plan plan, Dictionary<SpecVariant, List<BacktestResult>> byVariant) =>
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

    private static string Span(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:00}s" : $"{t.TotalSeconds:0.#}s";
}
