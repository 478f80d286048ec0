using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using GrpcMM.Protos.V1;

namespace Mmd.Specs;

/// <summary>
/// Reads the proto3 JSON form of <see cref="InstanceSpec"/> as people write it: decimals may be JSON
/// numbers (their exact text is kept) or strings, durations may be seconds; every unknown key is
/// reported with its line, not only the first.
/// </summary>
public static class InstanceSpecJson
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));
    private static readonly JsonFormatter IndentedFormatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false).WithIndentation());

    public static InstanceSpec Parse(string source, byte[] json, out IReadOnlyDictionary<string, long> lines)
    {
        lines = JsonLineIndex.Build(json);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            var syntax = new Dictionary<string, long> { ["(syntax)"] = (ex.LineNumber ?? 0) + 1 };
            throw new InvalidSpecException(source, [new FieldViolation("(syntax)", FirstSentence(ex.Message))], syntax);
        }
        if (root is not JsonObject obj)
            throw new InvalidSpecException(source, [new FieldViolation("(root)", "an instance spec is a JSON object")], lines);

        var violations = new List<FieldViolation>();
        Normalize(obj, InstanceSpec.Descriptor, "", violations);
        if (violations.Count > 0) throw new InvalidSpecException(source, violations, lines);
        try
        {
            return Parser.Parse<InstanceSpec>(obj.ToJsonString());
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidSpecException(source, [new FieldViolation("(spec)", ex.Message)], lines);
        }
        catch (InvalidJsonException ex)
        {
            throw new InvalidSpecException(source, [new FieldViolation("(spec)", ex.Message)], lines);
        }
    }

    public static string Format(InstanceSpec spec) => Formatter.Format(spec);

    /// <summary>The spec as a person would keep it in a file: indented, fields at their defaults left out.</summary>
    public static string FormatIndented(InstanceSpec spec) => IndentedFormatter.Format(spec);

    private static void Normalize(JsonObject obj, MessageDescriptor descriptor, string prefix, List<FieldViolation> violations)
    {
        foreach (var (key, value) in obj.ToList())
        {
            var field = descriptor.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == key || f.Name == key);
            var path = prefix + JsonLineIndex.ToSnake(key);
            if (field is null)
            {
                violations.Add(new FieldViolation(path, $"unknown field (known: {string.Join(", ", descriptor.Fields.InDeclarationOrder().Select(f => f.Name))})"));
                continue;
            }
            if (value is null) continue;
            if (field.FieldType is FieldType.UInt32 or FieldType.UInt64 or FieldType.Fixed32 or FieldType.Fixed64 && !field.IsRepeated
                && value.GetValueKind() == JsonValueKind.Number && value.ToJsonString().StartsWith('-'))
            {
                violations.Add(new FieldViolation(path, $"must not be negative (got {value.ToJsonString()})"));
                continue;
            }
            if (field.FieldType == FieldType.String && value.GetValueKind() == JsonValueKind.Number)
            {
                obj[key] = JsonValue.Create(value.ToJsonString()); // the number's exact text: 0.1 stays "0.1"
            }
            else if (field.FieldType == FieldType.Message && field.MessageType.FullName == "google.protobuf.Duration" && value.GetValueKind() == JsonValueKind.Number)
            {
                obj[key] = JsonValue.Create(value.ToJsonString() + "s");
            }
            else if (field.IsMap && value is JsonObject map)
            {
                foreach (var (mapKey, mapValue) in map.ToList())
                    if (mapValue?.GetValueKind() == JsonValueKind.Number) map[mapKey] = JsonValue.Create(mapValue.ToJsonString());
            }
            else if (field.FieldType == FieldType.Message && !field.IsMap && value is JsonObject nested && !field.MessageType.FullName.StartsWith("google.protobuf.", StringComparison.Ordinal))
            {
                Normalize(nested, field.MessageType, path + ".", violations);
            }
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(" Path:", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }
}
