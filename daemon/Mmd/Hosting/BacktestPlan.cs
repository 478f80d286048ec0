using System.Globalization;
using GrpcMM.Protos.V1;
using Mmd.Backtest;
using Mmd.Specs;

namespace Mmd.Hosting;

/// <summary>The recorded prices a backtest replays (<c>--prices</c>), and the hedge market's own (<c>--hedge-prices</c>).</summary>
internal sealed record BacktestRecordings(RecordedPrices? Quoted, RecordedPrices? Hedge);

/// <summary><c>mmd backtest</c>'s choices as the command line gave them, before they are checked.</summary>
internal sealed record BacktestChoices(string? Seed, int Seeds, string? Length, string? Start, string[] Varies, string? RankBy, FileInfo? SaveBest, int Jobs,
    FileInfo? EquityCurve, string? EquityEvery, int? HoldoutPercent);

/// <summary>The later part of a recording, kept out of choosing the best setting and run after it (<c>--holdout</c>).</summary>
/// <param name="Variants">Every setting again, on the recording from <paramref name="From"/>.</param>
internal sealed record BacktestHoldout(IReadOnlyList<SpecVariant> Variants, TimeSpan Span, DateTimeOffset From, int Percent);

/// <summary>What a backtest runs: the spec or its variants (with the recorded prices in place), over how many seeds, how long, from when.</summary>
/// <param name="Market">What the market is, for the summary: the paper venue's own, or the file it replays.</param>
/// <param name="SaveBest">Where to write the spec with the best settings (<c>--save-best</c>).</param>
/// <param name="Jobs">How many runs go at once (<c>--jobs</c>).</param>
/// <param name="Rank">What the best setting is (<c>--rank-by</c>).</param>
/// <param name="EquityCurve">Where every run's equity curve goes (<c>--equity-curve</c>), its points <paramref name="EquityEvery"/> apart.</param>
/// <param name="Holdout">The part of the span the settings are tried on afterwards; <paramref name="Span"/> is then the part before it.</param>
internal sealed record BacktestPlan(IReadOnlyList<SpecVariant> Variants, int Seeds, TimeSpan Span, DateTimeOffset From, string Market, FileInfo? SaveBest, int Jobs,
    SweepRank Rank, FileInfo? EquityCurve, TimeSpan? EquityEvery, BacktestHoldout? Holdout)
{
    /// <summary>Variants were asked for (<c>--vary</c>): a line a setting rather than the report.</summary>
    public bool Swept => Variants[0].Settings.Count > 0;

    /// <summary>The holdout's runs, as a plan of their own: the same settings, seeds and choices, on the later span.</summary>
    public BacktestPlan OutOfSample() => Holdout is { } h
        ? this with { Variants = h.Variants, Span = h.Span, From = h.From, Holdout = null }
        : throw new InvalidOperationException("the plan keeps no holdout");

    /// <summary>The command line's choices checked together: every problem a violation, thrown at once.</summary>
    public static BacktestPlan Make(InstanceSpec proto, string source, IReadOnlyDictionary<string, long> lines, BacktestRecordings recordings, BacktestChoices choices)
    {
        var errors = new List<FieldViolation>();
        var recorded = recordings.Quoted;
        var (varies, saveBest, equityCurve, holdout) = (choices.Varies, choices.SaveBest, choices.EquityCurve, choices.HoldoutPercent);
        if (choices.Jobs is < 1 or > 64) errors.Add(new("--jobs", $"{choices.Jobs}: must be 1-64"));
        if (saveBest is not null && varies.Length == 0) errors.Add(new("--save-best", "needs --vary: the best of the settings it tries"));
        else if (saveBest is { Directory.Exists: false }) errors.Add(new("--save-best", $"no such directory: {saveBest.DirectoryName}"));
        if (choices.RankBy is not null && varies.Length == 0) errors.Add(new("--rank-by", "needs --vary: it ranks the settings it tries"));
        if (equityCurve is { Directory.Exists: false }) errors.Add(new("--equity-curve", $"no such directory: {equityCurve.DirectoryName}"));
        var every = choices.EquityEvery is null ? TimeSpan.FromMinutes(1) : RunCommand.ParseDuration(choices.EquityEvery, "--equity-every", errors);
        if (choices.EquityEvery is not null && equityCurve is null) errors.Add(new("--equity-every", "needs --equity-curve: the file its points go to"));
        else if (every is { } e && (e < TimeSpan.FromSeconds(1) || e > TimeSpan.FromDays(1))) errors.Add(new("--equity-every", $"{BacktestCommand.Span(e)}: must be 1s-1d"));
        if (holdout is not null)
        {
            if (holdout is < 1 or > 90) errors.Add(new("--holdout", $"{holdout}: must be 1-90 (% of the span)"));
            if (varies.Length == 0) errors.Add(new("--holdout", "needs --vary: it tries the settings on a span the best was not chosen on"));
            if (recorded is null)
                errors.Add(new("--holdout", "needs --prices: the recording's later part; on the paper venue's own market each of --seeds is a market the best was not chosen on"));
        }
        if (choices.Seed is not null) RunCommand.ApplySeed(proto, choices.Seed, "--seed", errors);
        if (choices.Seeds is < 1 or > 100) errors.Add(new("--seeds", $"{choices.Seeds}: must be 1-100"));
        var given = choices.Length is not null ? RunCommand.ParseDuration(choices.Length, "--for", errors) : null;
        // Now, to the second: a start (and the equity curve's times) that reads cleanly.
        var now = DateTimeOffset.UtcNow;
        var from = recorded?.First ?? now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        if (choices.Start is not null && recorded is not null)
            errors.Add(new("--start", "the recorded prices start the clock at their first time"));
        else if (choices.Start is { } text && !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out from))
            errors.Add(new("--start", $"'{text}' is not a date and time (e.g. 2026-11-23T00:00:00Z)"));

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
        var inSample = holdout is { } percent and >= 1 and <= 90 ? TimeSpan.FromSeconds(Math.Round(span.TotalSeconds * (100 - percent) / 100)) : span;
        if (span <= TimeSpan.Zero) errors.Add(new("--for", "required when the spec has no duration: how much market time to simulate"));
        else if (span > TimeSpan.FromDays(31)) errors.Add(new("--for", "at most 31 days"));
        else if (recorded is not null && span > recorded.Span) errors.Add(new("--for", $"{BacktestCommand.Span(span)} is longer than the recorded prices ({BacktestCommand.Span(recorded.Span)})"));
        else if (recorded is not null && recordings.Hedge is { } covering && (covering.First > from || covering.Last < from + span))
            errors.Add(new("--hedge-prices", $"{Path.GetFileName(covering.File)} covers {RecordedPrices.Iso(covering.First)} to {RecordedPrices.Iso(covering.Last)}; "
                + $"the run needs {RecordedPrices.Iso(from)} to {RecordedPrices.Iso(from + span)}"));
        else if (holdout is >= 1 and <= 90 && (inSample < TimeSpan.FromSeconds(1) || span - inSample < TimeSpan.FromSeconds(1)))
            errors.Add(new("--holdout", $"{holdout} % of {BacktestCommand.Span(span)} leaves a part shorter than a second"));
        if (errors.Count > 0) throw new InvalidSpecException(source, errors, lines);

        var rank = choices.RankBy is null ? SweepRank.Mean : SweepRanking.ByName[choices.RankBy];
        var curveEvery = equityCurve is null ? null : every;
        if (recorded is null)
            return new BacktestPlan(variants, choices.Seeds, span, from, "paper market", saveBest, choices.Jobs, rank, equityCurve, curveEvery, null);
        var market = $"recorded prices {Describe(recorded)}{(recordings.Hedge is { } hedged ? $", hedged on {Describe(hedged)}" : "")}";
        var kept = holdout is { } p ? new BacktestHoldout(Recorded(variants, recordings, from + inSample), span - inSample, from + inSample, p) : null;
        return new BacktestPlan(Recorded(variants, recordings, from), choices.Seeds, inSample, from, market, saveBest, choices.Jobs, rank, equityCurve, curveEvery, kept);
    }

    /// <summary>
    /// The variants on the recordings from <paramref name="at"/>: the recording replaces the walk of every market the spec
    /// trades (a hedge market follows the same prices, or its own), and recorded trades replace a market's random taker flow
    /// too (only its own: a hedge market without them keeps the crowd's).
    /// </summary>
    private static List<SpecVariant> Recorded(IReadOnlyList<SpecVariant> variants, BacktestRecordings recordings, DateTimeOffset at)
    {
        var quoted = recordings.Quoted!;
        var (path, tape) = (quoted.PathFrom(at), quoted.TapeFrom(at));
        var (hedgePath, hedgeTape) = recordings.Hedge is { } h ? (h.PathFrom(at), h.TapeFrom(at)) : (path, null);
        return [.. variants.Select(v => v with
        {
            Spec = v.Spec with
            {
                Paper = v.Spec.Paper with { PricePaths = ByMarket(v.Spec, path, hedgePath), TradeTapes = ByMarket(v.Spec, tape, hedgeTape) },
            },
        })];
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
}
