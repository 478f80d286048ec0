using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mmd.Configuration;

/// <summary>
/// How daemon.json is read: camelCase keys, unknown keys refused, comments and trailing commas allowed, numbers also as
/// strings (an environment override is a string). Source-generated, so no reflection runs on the daemon's start path.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(DaemonConfig))]
internal sealed partial class DaemonConfigJson : JsonSerializerContext;
