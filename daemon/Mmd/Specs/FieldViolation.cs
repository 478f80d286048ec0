namespace Mmd.Specs;

/// <summary>One bad field of an instance spec: its proto path (snake_case) and what is wrong.</summary>
public sealed record FieldViolation(string Field, string Description);

/// <summary>A spec that cannot be used; lists every bad field (never just the first).</summary>
public sealed class InvalidSpecException(string source, IReadOnlyList<FieldViolation> violations, IReadOnlyDictionary<string, long>? lines = null)
    : Exception($"{source}: invalid instance spec ({violations.Count} problem{(violations.Count == 1 ? "" : "s")})")
{
    public string SpecSource { get; } = source;
    public IReadOnlyList<FieldViolation> Violations { get; } = violations;

    /// <summary>
    /// The line of the spec file that holds the field, when the spec came from a file. A map's entry ("capital[SOL]") is
    /// on the line of its key, else of the map.
    /// </summary>
    public long? LineOf(string field)
    {
        if (lines is null) return null;
        if (lines.TryGetValue(field, out var line)) return line;
        if (field.IndexOf('[') is > 0 and var open && field.EndsWith(']'))
        {
            var map = field[..open];
            if (lines.TryGetValue($"{map}.{JsonLineIndex.ToSnake(field[(open + 1)..^1])}", out line) || lines.TryGetValue(map, out line)) return line;
        }
        return null;
    }

    /// <summary>One line per violation: <c>file:line: field: description</c> (the line when the file has the key).</summary>
    public IEnumerable<string> Describe() => Violations.Select(v =>
        LineOf(v.Field) is { } line ? $"{SpecSource}:{line}: {v.Field}: {v.Description}" : $"{SpecSource}: {v.Field}: {v.Description}");
}
