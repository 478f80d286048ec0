namespace Mmd.Specs;

/// <summary>One bad field of an instance spec: its proto path (snake_case) and what is wrong.</summary>
public sealed record FieldViolation(string Field, string Description);

/// <summary>A spec that cannot be used; lists every bad field (never just the first).</summary>
public sealed class InvalidSpecException(string source, IReadOnlyList<FieldViolation> violations, IReadOnlyDictionary<string, long>? lines = null)
    : Exception($"{source}: invalid instance spec ({violations.Count} problem{(violations.Count == 1 ? "" : "s")})")
{
    public string SpecSource { get; } = source;
    public IReadOnlyList<FieldViolation> Violations { get; } = violations;

    /// <summary>The line of the spec file that holds the field, when the spec came from a file.</summary>
    public long? LineOf(string field) => lines is not null && lines.TryGetValue(field, out var line) ? line : null;

    /// <summary>One line per violation: <c>file:line: field: description</c> (the line when the file has the key).</summary>
    public IEnumerable<string> Describe() => Violations.Select(v =>
        LineOf(v.Field) is { } line ? $"{SpecSource}:{line}: {v.Field}: {v.Description}" : $"{SpecSource}: {v.Field}: {v.Description}");
}
