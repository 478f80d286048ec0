using System.Text;
using System.Text.Json;

namespace Mmd.Specs;

/// <summary>
/// The line of every key of a JSON document, by its path in proto field names
/// (camelCase keys are folded to snake_case), so a spec error can point at its line.
/// </summary>
public static class JsonLineIndex
{
    public static IReadOnlyDictionary<string, long> Build(ReadOnlySpan<byte> json)
    {
        var lines = new Dictionary<string, long>(StringComparer.Ordinal);
        var newlineOffsets = new List<long>();
        for (var i = 0; i < json.Length; i++) if (json[i] == (byte)'\n') newlineOffsets.Add(i);

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var path = new List<string>();
        var pendingName = new Stack<string?>();
        string? lastName = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        lastName = ToSnake(reader.GetString()!);
                        var full = string.Join('.', path.Append(lastName));
                        var index = newlineOffsets.BinarySearch(reader.TokenStartIndex);
                        lines.TryAdd(full, (index < 0 ? ~index : index) + 1);
                        break;
                    case JsonTokenType.StartObject:
                        pendingName.Push(lastName);
                        if (lastName is not null) path.Add(lastName);
                        lastName = null;
                        break;
                    case JsonTokenType.EndObject:
                        if (pendingName.Pop() is not null) path.RemoveAt(path.Count - 1);
                        lastName = null;
                        break;
                    default:
                        if (reader.TokenType != JsonTokenType.StartArray) lastName = null;
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Syntax errors are reported by the parser; the index covers what came before.
        }
        return lines;
    }

    public static string ToSnake(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c)) { sb.Append('_').Append(char.ToLowerInvariant(c)); }
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
