using System.Globalization;
using System.Text.Json;
using Mmd.Exchanges.Backpack;

namespace Mmd.Emulators.Backpack;

/// <summary>
/// Checks a request as Backpack does (exchanges.md §1.4): the four headers, the window (at most 60 s, default 5 s),
/// the timestamp inside it, and the Ed25519 signature over the canonical string rebuilt from what arrived.
/// The API key is the account: any well-formed key pair trades on its own paper account.
/// </summary>
internal static class BackpackAuthenticator
{
    public const long MaxWindowMs = 60_000;
    public const long DefaultWindowMs = 5_000;

    public static BackpackError? Check(IHeaderDictionary headers, string instruction, IReadOnlyList<IReadOnlyList<BackpackParameter>> blocks, long nowMs, out string account)
    {
        account = headers["X-API-Key"].ToString();
        var signature = headers["X-Signature"].ToString();
        var timestampText = headers["X-Timestamp"].ToString();
        if (account.Length == 0 || signature.Length == 0 || timestampText.Length == 0)
            return new BackpackError("UNAUTHORIZED", "Missing X-API-Key, X-Signature or X-Timestamp header");
        if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
            return new BackpackError("INVALID_CLIENT_REQUEST", "Invalid X-Timestamp");
        var windowText = headers["X-Window"].ToString();
        var window = DefaultWindowMs;
        if (windowText.Length > 0 && !long.TryParse(windowText, NumberStyles.None, CultureInfo.InvariantCulture, out window))
            return new BackpackError("INVALID_CLIENT_REQUEST", "Invalid X-Window");
        return CheckSigned(account, signature, timestamp, window, nowMs, blocks.Count == 1
            ? BackpackSigner.SigningString(instruction, blocks[0], timestamp, window)
            : BackpackSigner.BatchSigningString(instruction, blocks, timestamp, window));
    }

    /// <summary>The private WebSocket subscription: <c>signature: [key, sig, timestamp, window]</c> over <c>instruction=subscribe</c>.</summary>
    public static BackpackError? CheckSubscription(string[]? signature, long nowMs, out string account)
    {
        account = signature is { Length: >= 3 } ? signature[0] : "";
        if (signature is not { Length: 3 or 4 }) return new BackpackError("UNAUTHORIZED", "Private streams need a signature");
        if (!long.TryParse(signature[2], NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
            return new BackpackError("INVALID_CLIENT_REQUEST", "Invalid timestamp");
        var window = DefaultWindowMs;
        if (signature.Length == 4 && !long.TryParse(signature[3], NumberStyles.None, CultureInfo.InvariantCulture, out window))
            return new BackpackError("INVALID_CLIENT_REQUEST", "Invalid window");
        return CheckSigned(account, signature[1], timestamp, window, nowMs, BackpackSigner.SigningString("subscribe", [], timestamp, window));
    }

    private static BackpackError? CheckSigned(string account, string signature, long timestamp, long window, long nowMs, string message)
    {
        if (window is <= 0 or > MaxWindowMs) return new BackpackError("INVALID_CLIENT_REQUEST", $"Window must be between 1 and {MaxWindowMs}");
        if (nowMs - timestamp > window) return new BackpackError("INVALID_CLIENT_REQUEST", "Request has expired");
        if (timestamp - nowMs > window) return new BackpackError("INVALID_CLIENT_REQUEST", "Request timestamp is in the future");
        return BackpackSigner.Verify(account, message, signature) ? null : new BackpackError("INVALID_SIGNATURE", "Invalid signature");
    }

    /// <summary>A JSON body's fields as signed: strings raw, numbers in their JSON text, booleans true/false.</summary>
    public static IReadOnlyList<BackpackParameter> Fields(JsonElement body)
    {
        var fields = new List<BackpackParameter>();
        foreach (var property in body.EnumerateObject())
        {
            fields.Add(property.Value.ValueKind switch
            {
                JsonValueKind.String => BackpackParameter.Text(property.Name, property.Value.GetString()!),
                JsonValueKind.True or JsonValueKind.False => BackpackParameter.Flag(property.Name, property.Value.GetBoolean()),
                _ => new BackpackParameter(property.Name, property.Value.GetRawText(), BackpackValueKind.Number),
            });
        }
        return fields;
    }

    public static IReadOnlyList<BackpackParameter> Fields(IQueryCollection query) =>
        query.Select(q => BackpackParameter.Text(q.Key, q.Value.ToString())).ToList();
}
