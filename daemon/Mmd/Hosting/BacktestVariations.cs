using GrpcMM.Protos.V1;
using Mmd.Specs;

namespace Mmd.Hosting;

/// <summary>One field's value in a variant of a spec: its proto path, the name it was given by, and the text of its value.</summary>
internal sealed record FieldSetting(string Path, string Name, string Value)
{
    public override string ToString() => $"{Name}={Value}";
}

/// <summary>A spec with some fields set otherwise: those settings, the spec validated, and as it would be written.</summary>
internal sealed record SpecVariant(IReadOnlyList<FieldSetting> Settings, ValidatedSpec Spec, InstanceSpec Proto)
{
    public string Label => string.Join(' ', Settings);
}

/// <summary>
/// <c>mmd backtest --vary PATH=V1,V2,...</c> (repeatable): the spec once for every combination of the values given, so
/// parameters are compared on the same market. A path is a field of the spec in proto or JSON names
/// (<c>spot_market_making.spread_pct</c>, <c>spotMarketMaking.spreadPct</c>), or a field of the spec's strategy by its name
/// alone (<c>spread_pct</c>); each value is read as that field's type.
/// </summary>
internal static class BacktestVariations
{
    /// <summary>Enough to compare a few parameters a few ways; a larger grid is more likely a typo than a plan.</summary>
    public const int MaxVariants = 100;

    /// <summary>
    /// Every combination of the <paramref name="varies"/> applied to a copy of <paramref name="spec"/> and validated. A
    /// malformed <c>--vary</c>, a value its field cannot hold, or a variant the validator refuses is added to
    /// <paramref name="errors"/> (a refusal every variant shares once, the others with the settings that cause them).
    /// </summary>
    public static IReadOnlyList<SpecVariant> Expand(InstanceSpec spec, IReadOnlyList<string> varies, string source, IReadOnlyDictionary<string, long>? lines,
        List<FieldViolation> errors)
    {
        var problems = new List<FieldViolation>();
        var variants = ExpandInto(spec, varies, source, lines, problems);
        errors.AddRange(problems.DistinctBy(e => (e.Field, e.Description)));
        return problems.Count > 0 ? [] : variants;
    }

    private static List<SpecVariant> ExpandInto(InstanceSpec spec, IReadOnlyList<string> varies, string source, IReadOnlyDictionary<string, long>? lines,
        List<FieldViolation> errors)
    {
        var axes = new List<(string Path, string Name, string[] Values)>();
        foreach (var vary in varies)
        {
            var equals = vary.IndexOf('=');
            if (equals <= 0 || equals == vary.Length - 1)
            {
                errors.Add(new("--vary", $"'{vary}' is not PATH=VALUE[,VALUE...] (e.g. spot_market_making.spread_pct=0.1,0.2,0.3)"));
                continue;
            }
            var path = SpecFieldText.Resolve(spec.Clone(), vary[..equals], out _, out _, out var why);
            // A bare name is the spec's strategy's field: levels = spot_market_making.levels in a spot market maker.
            if (path is null && StrategyField(spec) is { } strategy && SpecFieldText.Resolve(spec.Clone(), $"{strategy}.{vary[..equals]}", out _, out _, out _) is { } inStrategy)
                path = inStrategy;
            if (path is null) { errors.Add(new("--vary", $"{vary[..equals]}: {why}")); continue; }
            if (path is "duration" or "paper.seed") { errors.Add(new("--vary", $"{path} is not varied: {(path == "duration" ? "--for sets the span" : "--seeds runs several")}")); continue; }
            if (axes.Any(a => a.Path == path)) { errors.Add(new("--vary", $"{path} is varied twice: give its values in one --vary")); continue; }
            var values = vary[(equals + 1)..].Split(',', StringSplitOptions.TrimEntries);
            if (values.Any(v => v.Length == 0)) { errors.Add(new("--vary", $"'{vary}' has an empty value")); continue; }
            if (values.Distinct(StringComparer.Ordinal).Count() != values.Length) { errors.Add(new("--vary", $"'{vary}' gives a value twice")); continue; }
            axes.Add((path, vary[..equals], values));
        }
        var count = axes.Aggregate(1L, (n, a) => n * a.Values.Length);
        if (count > MaxVariants) errors.Add(new("--vary", $"{count} combinations: at most {MaxVariants}"));
        if (errors.Count > 0) return [];

        // Each value is read once, on its own, so a value its field cannot hold is said once; named as the --vary that
        // gave it, since the value is not the file's.
        foreach (var (path, name, values) in axes)
            foreach (var value in values)
            {
                var copy = spec.Clone();
                SpecFieldText.Resolve(copy, path, out var holder, out var field, out _);
                SpecFieldText.Set(holder, field, $"--vary {name}", value, errors);
            }
        if (errors.Count > 0) return [];

        var variants = new List<SpecVariant>();
        var refusals = new List<(FieldSetting[] Settings, IReadOnlyList<FieldViolation> Violations)>();
        foreach (var settings in Combinations(axes))
        {
            var copy = spec.Clone();
            foreach (var setting in settings)
            {
                SpecFieldText.Resolve(copy, setting.Path, out var holder, out var field, out _);
                SpecFieldText.Set(holder, field, setting.Path, setting.Value, errors);
            }
            try
            {
                variants.Add(new SpecVariant(settings, SpecValidator.Validate(copy, source, lines), copy));
            }
            catch (InvalidSpecException ex)
            {
                refusals.Add((settings, ex.Violations));
            }
        }
        if (refusals.Count == 0) return variants;

        // A refusal every variant shares is the spec's own: said once, plainly. One of a varied field is said with its
        // value; any other with the settings of the variant refused.
        var shared = refusals.Count == count
            ? refusals.Select(r => r.Violations.Select(v => (v.Field, v.Description))).Aggregate((a, b) => a.Intersect(b)).ToHashSet()
            : [];
        errors.AddRange(shared.Select(v => new FieldViolation(v.Field, v.Description)));
        foreach (var (settings, violations) in refusals)
            foreach (var v in violations.Where(v => !shared.Contains((v.Field, v.Description))))
                errors.Add(settings.FirstOrDefault(s => s.Path == v.Field) is { } varied
                    ? new FieldViolation($"--vary {varied.Name}", v.Description.Contains($"'{varied.Value}'", StringComparison.Ordinal) ? v.Description : $"{v.Description} (with {varied})")
                    : new FieldViolation(v.Field, $"{v.Description} (with {string.Join(' ', settings)})"));
        return [];
    }

    private static string? StrategyField(InstanceSpec spec) =>
        spec.StrategyCase == InstanceSpec.StrategyOneofCase.None ? null
            : InstanceSpec.Descriptor.Oneofs.Single(o => o.Name == "strategy").Accessor.GetCaseFieldDescriptor(spec)?.Name;

    private static IEnumerable<FieldSetting[]> Combinations(List<(string Path, string Name, string[] Values)> axes)
    {
        IEnumerable<FieldSetting[]> combinations = [[]];
        foreach (var (path, name, values) in axes)
            combinations = combinations.SelectMany(c => values.Select(v => (FieldSetting[])[.. c, new FieldSetting(path, name, v)])).ToList();
        return combinations;
    }
}
