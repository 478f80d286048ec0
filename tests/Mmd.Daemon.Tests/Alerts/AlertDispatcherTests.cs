using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Mmd.Alerts;
using Mmd.Configuration;
using Mmd.Emulators.Alerts;
using Mmd.TestKit;

namespace Mmd.Daemon.Tests.Alerts;

/// <summary>Delivery to a webhook and to Telegram's Bot API, on a loopback receiver that answers as they do.</summary>
public sealed class AlertDispatcherTests : IAsyncLifetime, IDisposable
{
    private const string Token = "123456:test-token", Chat = "-1001";
    private AlertReceiver _receiver = null!;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private static readonly Alert Sample = new(DateTimeOffset.Parse("2026-12-06T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
        AlertLevel.Critical, "bot", "crash_loop", "crash loop: 2 failures in a row; the last: killed by signal 9");

    public async Task InitializeAsync() => _receiver = await AlertReceiver.StartAsync(Token, Chat);

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    public void Dispose() => _http.Dispose();

    private IReadOnlyList<IAlertSink> Sinks(string format = "json", string token = Token, string chat = Chat) => AlertDestinations.From(
        new AlertSettings { WebhookFormat = format, TelegramChatId = chat, TelegramApiUrl = _receiver.Url },
        new Dictionary<string, string> { ["ALERT_WEBHOOK_URL"] = $"{_receiver.Url}/hooks/T000/secret-part", ["TELEGRAM_BOT_TOKEN"] = token }, _http);

    [Fact]
    public async Task AnAlert_ReachesTheWebhookAsJson_AndTelegramAsItsOneLine()
    {
        await using var dispatcher = new AlertDispatcher(Sinks(), TimeProvider.System, NullLogger.Instance);
        Assert.Equal(["webhook (json)", "telegram"], dispatcher.Destinations);
        var record = await dispatcher.SendNowAsync(Sample, CancellationToken.None);
        Assert.Equal([("webhook", "delivered", 1u), ("telegram", "delivered", 1u)], record.Deliveries.Select(d => (d.Destination, d.Status, d.Attempts)));

        var received = _receiver.Received.ToDictionary(r => r.Path);
        var hook = received["/hooks/T000/secret-part"].Body;
        Assert.Equal(("2026-12-06T08:00:00.000Z", "critical", "bot", "crash_loop"),
            ((string?)hook["time"], (string?)hook["level"], (string?)hook["instance"], (string?)hook["condition"]));
        Assert.Equal("[CRITICAL] bot: crash loop: 2 failures in a row; the last: killed by signal 9", (string?)hook["text"]);
        var telegram = received[$"/bot{Token}/sendMessage"].Body;
        Assert.Equal((Chat, "[CRITICAL] bot: crash loop: 2 failures in a row; the last: killed by signal 9"), ((string?)telegram["chat_id"], (string?)telegram["text"]));
        Assert.Equal(record.ToString(), Assert.Single(dispatcher.Recent(20)).ToString());
    }

    [Theory]
    [InlineData("slack", "text")]
    [InlineData("discord", "content")]
    public void SlackAndDiscord_GetTheOneLineTheirIncomingWebhooksPost(string format, string field)
    {
        var body = WebhookSink.Body(Sample, format);
        Assert.Equal([field], body.Select(p => p.Key));
        Assert.Equal(Sample.Text, (string?)body[field]);
    }

    [Fact]
    public async Task AFailedTry_IsTriedAgain_AfterASecondThenFive_AndAFailureIsSaidWithoutTheToken()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var dispatcher = new AlertDispatcher(Sinks(token: "999:wrong-token"), time, NullLogger.Instance);
        _receiver.Answer(500); // the webhook's first try
        var sending = dispatcher.SendNowAsync(Sample, CancellationToken.None);
        await Until.TrueAsync(() =>
        {
            if (sending.IsCompleted) return true;
            time.Advance(TimeSpan.FromMilliseconds(500));
            return false;
        }, "every try made");
        var record = await sending;
        var webhook = record.Deliveries.Single(d => d.Destination == "webhook");
        Assert.Equal(("delivered", 2u), (webhook.Status, webhook.Attempts));
        var telegram = record.Deliveries.Single(d => d.Destination == "telegram");
        Assert.Equal(("failed", 3u), (telegram.Status, telegram.Attempts));
        Assert.Equal("HTTP 401 Unauthorized: {\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}", telegram.Error);
        Assert.DoesNotContain("wrong-token", record.ToString(), StringComparison.Ordinal);
        var (sent, failed) = dispatcher.Totals(); // for /metrics
        Assert.Equal((1L, 1L, 1), (sent["critical"], failed["telegram"], failed.Count));
    }

    [Fact]
    public async Task WithNoDestination_AnAlertIsLoggedAndKept_WithNoDelivery()
    {
        var log = new Microsoft.Extensions.Logging.Testing.FakeLogger();
        await using var dispatcher = new AlertDispatcher(AlertDestinations.From(new AlertSettings(), new Dictionary<string, string>(), _http), TimeProvider.System, log);
        Assert.False(dispatcher.Enabled);
        dispatcher.Post(Sample);
        var kept = Assert.Single(dispatcher.Recent(100));
        Assert.Equal(("critical", "bot", "crash_loop", 0), (kept.Level, kept.Instance, kept.Condition, kept.Deliveries.Count));
        Assert.Equal("alert critical bot crash_loop: crash loop: 2 failures in a row; the last: killed by signal 9", log.LatestRecord.Message);
        Assert.Equal(1L, dispatcher.Totals().RaisedByLevel["critical"]);
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task AFollower_GetsEachAlertAsItIsRaised_OneThatReadsTooSlowlyLosesTheOldest_Counted()
    {
        await using var dispatcher = new AlertDispatcher([], TimeProvider.System, NullLogger.Instance);
        var follower = dispatcher.Follow();
        for (var i = 0; i < AlertFollower.Capacity + 3; i++) dispatcher.Post(Sample with { Message = $"m{i}" });
        Assert.Equal(3, follower.TakeDropped());
        Assert.Equal(0, follower.TakeDropped());
        dispatcher.Unfollow(follower);
        dispatcher.Post(Sample); // after it stopped following
        var kept = new List<string>();
        await foreach (var record in follower.Queue.Reader.ReadAllAsync()) kept.Add(record.Message);
        Assert.Equal([.. Enumerable.Range(3, AlertFollower.Capacity).Select(i => $"m{i}")], kept);
    }
}
