namespace Mmd.Configuration;

/// <summary>
/// The venue credentials file daemon.json's <c>secretsFile</c> names: <c>NAME=value</c> lines (blank lines and
/// <c>#</c> comments allowed), readable by its owner only (mode 0600 or 0400) — any other mode is refused, so a key
/// never sits in a file others can read. Values are never echoed in errors.
/// </summary>
public static class SecretsFile
{
    private const UnixFileMode Allowed = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        if (!File.Exists(path)) throw new ConfigException(path, null, "secretsFile", "no such file");
        var mode = File.GetUnixFileMode(path);
        if ((mode & ~Allowed) != 0)
            throw new ConfigException(path, null, "secretsFile", $"must be readable by its owner only (chmod 600); it is {Octal(mode)}");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) throw new ConfigException(path, lineNumber, "(line)", "expected NAME=value");
            var name = line[..equals].Trim();
            if (values.ContainsKey(name)) throw new ConfigException(path, lineNumber, name, "set twice");
            values[name] = line[(equals + 1)..].Trim();
        }
        return values;
    }

    /// <summary>The secrets: the file's values (when there is a file) under the process environment's.</summary>
    public static IReadOnlyDictionary<string, string> WithEnvironment(string? path)
    {
        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);
        return Merge(path is null ? new Dictionary<string, string>() : Read(path), environment);
    }

    /// <summary>The file's values under the environment's: a variable set in the environment wins.</summary>
    public static IReadOnlyDictionary<string, string> Merge(IReadOnlyDictionary<string, string> file, IReadOnlyDictionary<string, string?> environment)
    {
        var merged = new Dictionary<string, string>(file, StringComparer.Ordinal);
        foreach (var (name, value) in environment)
            if (value is not null) merged[name] = value;
        return merged;
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8);
}
