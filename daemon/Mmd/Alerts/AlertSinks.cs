using System.Text.Json.Nodes;

namespace Mmd.Alerts;

/// <summary>Where alerts go. A failed delivery throws <see cref="AlertDeliveryException"/>, whose message holds no secret.</summary>
public interface IAlertSink
{
    /// <summary>"webhook" or "telegram": in the records and in mmctl alerts.</summary>
    string Name { get; }

    /// <summary>What it is, for the operator ("webhook (slack)"); never the address.</summary>
    string Description { get; }

    Task SendAsync(Alert alert, CancellationToken cancellationToken);
}

public sealed class AlertDeliveryException(string message) : Exception(message);

/// <summary>The destinations daemon.json and the secrets configure (checked when daemon.json is read).</summary>
public static class AlertDestinations
{
    public const string WebhookSecret = "ALERT_WEBHOOK_URL", TelegramSecret = "TELEGRAM_BOT_TOKEN";

    public static IReadOnlyList<IAlertSink> From(Configuration.AlertSettings settings, IReadOnlyDictionary<string, string> secrets, HttpClient http)
    {
        var sinks = new List<IAlertSink>();
        if (secrets.GetValueOrDefault(WebhookSecret) is { Length: > 0 } webhook) sinks.Add(new WebhookSink(http, new Uri(webhook), settings.WebhookFormat));
        if (secrets.GetValueOrDefault(TelegramSecret) is { Length: > 0 } token && settings.TelegramChatId is { Length: > 0 } chat)
            sinks.Add(new TelegramSink(http, new Uri(settings.TelegramApiUrl.TrimEnd('/') + "/"), token, chat));
        return sinks;
    }
}

/// <summary>Shared by the sinks: a POST of a JSON body, a failure said without the address (which may be the secret).</summary>
internal static class AlertPost
{
    public static async Task SendAsync(HttpClient http, Uri url, JsonObject body, Func<string, string> scrub, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            // A sized body, not a chunked one: some webhook receivers read only what Content-Length says.
            using var content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
            response = await http.PostAsync(url, content, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new AlertDeliveryException(scrub(ex.Message));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AlertDeliveryException($"no answer within {http.Timeout.TotalSeconds:0} s");
        }
        using (response)
        {
            if (response.IsSuccessStatusCode) return;
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var detail = text.Length > 200 ? text[..200] : text;
            throw new AlertDeliveryException(scrub($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}: {detail}".TrimEnd(' ', ':')));
        }
    }
}

/// <summary>
/// A webhook: the alert's fields as JSON ("json"), or the one line a Slack ({"text"}) or Discord ({"content"}) incoming
/// webhook posts in its channel.
/// </summary>
public sealed class WebhookSink(HttpClient http, Uri url, string format) : IAlertSink
{
    public string Name => "webhook";
    public string Description => $"webhook ({format})";

    public Task SendAsync(Alert alert, CancellationToken cancellationToken) =>
        AlertPost.SendAsync(http, url, Body(alert, format), text => text.Replace(url.ToString(), "(the webhook)", StringComparison.Ordinal), cancellationToken);

    public static JsonObject Body(Alert alert, string format) => format switch
    {
        "slack" => new JsonObject { ["text"] = alert.Text },
        "discord" => new JsonObject { ["content"] = alert.Text },
        _ => new JsonObject
        {
            ["time"] = alert.Time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["level"] = alert.LevelName,
            ["instance"] = alert.Instance,
            ["condition"] = alert.Condition,
            ["message"] = alert.Message,
            ["text"] = alert.Text,
        },
    };
}

/// <summary>Telegram's Bot API: sendMessage to one chat. ("./": a token holds a ':', which would read as a scheme.)</summary>
public sealed class TelegramSink(HttpClient http, Uri api, string token, string chatId) : IAlertSink
{
    public string Name => "telegram";
    public string Description => "telegram";

    public Task SendAsync(Alert alert, CancellationToken cancellationToken) =>
        AlertPost.SendAsync(http, new Uri(api, $"./bot{token}/sendMessage"), new JsonObject { ["chat_id"] = chatId, ["text"] = alert.Text },
            text => text.Replace(token, "(token)", StringComparison.Ordinal), cancellationToken);
}
