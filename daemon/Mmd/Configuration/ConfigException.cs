namespace Mmd.Configuration;

/// <summary>A configuration error that names the file, the line and the key.</summary>
public sealed class ConfigException(string file, long? line, string key, string message)
    : Exception(line is { } l ? $"{file}:{l}: {key}: {message}" : $"{file}: {key}: {message}")
{
    public string File { get; } = file;
    public long? Line { get; } = line;
    public string Key { get; } = key;
}
