using System.Text.Json.Serialization;

namespace Mmd.Exchanges.Paper;

/// <summary>
/// The state files' JSON, generated at build time: a cold worker reads its venue's state without building serializers
/// by reflection first (that took several hundred milliseconds of a restart). Numbers are strings, so decimals keep every digit.
/// </summary>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(PaperState))]
[JsonSerializable(typeof(HistoryRecord))]
internal sealed partial class PaperStateJson : JsonSerializerContext;
