using Mmd.Emulators.Aster;
using Mmd.Exchanges.Aster;
using Mmd.Exchanges.Paper;
using Mmd.Exchanges.Shared;
using Mmd.Exchanges.Tests.Backpack;
using Mmd.TestKit;
using Mmd.Trading.Execution;

namespace Mmd.Exchanges.Tests;

/// <summary>
/// A venue connection that goes half-open (no close, no reset, nothing at all) is found out by the connector's own pings
/// and fails its stream, so the engine subscribes afresh; until then the quiet marks stop, so the book goes stale rather
/// than being vouched for. Both WebSocket venues, through a proxy that can swallow everything, against their emulators.
/// </summary>
[Collection(TimingSensitiveTests.Name)]
public sealed class StreamLivenessTests
{
    private static readonly StreamLiveness Fast = new()
    {
        PingInterval = TimeSpan.FromMilliseconds(200), PongTimeout = TimeSpan.FromMilliseconds(400), QuietInterval = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public async Task Backpack_AHalfOpenBookStream_FailsOnItsUnansweredPings_AndStopsVouchingForTheBook()
    {
        await using var f = await BackpackEmulatorFixture.StartAsync();
        await using var proxy = new BlackholeProxy(f.Emulator.WebSocketUrl);
        await using var venue = f.Connect(change: o => o with { WebSocketUrl = proxy.Through(f.Emulator.WebSocketUrl), Streams = Fast });
        await AssertHalfOpenIsFoundOutAsync(venue.StreamOrderBookAsync("SOL_USDC", CancellationToken.None), proxy);
    }

    [Fact]
    public async Task Aster_AHalfOpenBookStream_FailsOnItsUnansweredPings_AndStopsVouchingForTheBook()
    {
        using var market = new PaperExchange(new PaperSettings { VolatilityPct = 0m, FlowRate = 0m }, TimeProvider.System);
        await using var emulator = await AsterEmulator.StartAsync(market, TimeProvider.System).DefaultTimeout();
        emulator.Auth.ApproveAgent(AsterTestKeys.User, AsterTestKeys.Signer);
        await using var proxy = new BlackholeProxy(emulator.WebSocketUrl);
        await using var venue = new AsterConnector(new AsterOptions { RestBaseUrl = emulator.RestUrl, WebSocketUrl = proxy.Through(emulator.WebSocketUrl), Streams = Fast },
            AsterCredentials.From(AsterTestKeys.V3Variables, AsterSigning.V3), TimeProvider.System);
        await AssertHalfOpenIsFoundOutAsync(venue.StreamOrderBookAsync("SOLUSDC", CancellationToken.None), proxy);
    }

    private static async Task AssertHalfOpenIsFoundOutAsync(IAsyncEnumerable<MarketDataEvent> stream, BlackholeProxy proxy)
    {
        var marks = new List<DateTimeOffset>();
        DateTimeOffset? silentAt = null;
        var reading = Task.Run(async () =>
        {
            await foreach (var e in stream)
            {
                if (e is not BookAliveEvent) continue;
                lock (marks) marks.Add(DateTimeOffset.UtcNow);
                // Three marks on a live connection (its pings answered, ten and more of them by now), then the path goes silent.
                if (marks.Count == 3 && silentAt is null)
                {
                    silentAt = DateTimeOffset.UtcNow;
                    proxy.Blackhole();
                }
            }
        });
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => reading.DefaultTimeout());
        Assert.IsNotType<TimeoutException>(failure);
        Assert.Contains("aborted", failure.Message, StringComparison.Ordinal);
        var failedAfter = DateTimeOffset.UtcNow - silentAt!.Value;
        // Found out within a ping and a pong timeout (and a little scheduling), not left to look alive.
        Assert.True(failedAfter < TimeSpan.FromSeconds(3), $"the half-open stream failed only {failedAfter.TotalMilliseconds:0} ms after it went silent");
        // The last mark vouched for the book no later than the abort could come: a ping after the silence, its pong
        // timeout, the keep-alive's own beat, and a quiet interval (plus scheduling). After the failure, none.
        var lastMark = marks.Max() - silentAt.Value;
        var bound = Fast.PingInterval * 2 + Fast.PongTimeout + Fast.QuietInterval + TimeSpan.FromMilliseconds(600);
        Assert.True(lastMark < bound, $"a quiet mark came {lastMark.TotalMilliseconds:0} ms after the connection went silent");
    }
}
