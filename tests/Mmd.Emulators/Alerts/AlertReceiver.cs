using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Mmd.Emulators.Hosting;

namespace Mmd.Emulators.Alerts;

/// <summary>One POST the receiver took: its path and its JSON body.</summary>
public sealed record ReceivedAlert(string Path, JsonObject Body);

/// <summary>
/// Where alerts go, on loopback: a webhook at any path (answers 200, or the statuses a test queues), and Telegram's Bot
/// API sendMessage as Telegram answers it (401 for another bot token, 400 "chat not found" for another chat).
/// </summary>
public sealed class AlertReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _statuses = new();

    public ConcurrentQueue<ReceivedAlert> Received { get; } = new();
    public int Port { get; private set; }
    public string Url => $"http://127.0.0.1:{Port}";

    private AlertReceiver(string telegramToken, string telegramChat)
    {
        _app = LoopbackHost.Create(0);
        _app.MapPost("/{**path}", async (HttpContext context) =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject ?? [];
            var path = context.Request.Path.Value ?? "";
            if (path.StartsWith("/bot", StringComparison.Ordinal) && path.EndsWith("/sendMessage", StringComparison.Ordinal))
            {
                if (path != $"/bot{telegramToken}/sendMessage")
                    return Results.Json(new JsonObject { ["ok"] = false, ["error_code"] = 401, ["description"] = "Unauthorized" }, statusCode: 401);
                if (body["chat_id"]?.ToString() != telegramChat)
                    return Results.Json(new JsonObject { ["ok"] = false, ["error_code"] = 400, ["description"] = "Bad Request: chat not found" }, statusCode: 400);
            }
            if (_statuses.TryDequeue(out var status) && status != 200)
                return Results.Json(new JsonObject { ["ok"] = false, ["description"] = "refused by the test" }, statusCode: status);
            Received.Enqueue(new ReceivedAlert(path, body));
            return Results.Json(new JsonObject { ["ok"] = true, ["result"] = new JsonObject { ["message_id"] = Received.Count } });
        });
    }

    /// <summary>Starts a receiver whose Telegram answers the given bot token and chat.</summary>
    public static async Task<AlertReceiver> StartAsync(string telegramToken = "123456:test-token", string telegramChat = "-1001")
    {
        var receiver = new AlertReceiver(telegramToken, telegramChat);
        receiver.Port = await LoopbackHost.StartAsync(receiver._app, CancellationToken.None);
        return receiver;
    }

    /// <summary>The next requests get these statuses, one each, before the receiver accepts again.</summary>
    public void Answer(params int[] statuses)
    {
        foreach (var status in statuses) _statuses.Enqueue(status);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
