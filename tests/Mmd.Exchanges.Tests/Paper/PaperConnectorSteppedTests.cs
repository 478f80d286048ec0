using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Mmd.Exchanges.Paper;
using Mmd.TestKit;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Tests.Paper;

/// <summary>A backtest's connector: its streams hand out one event at a time, when told, in a fixed order of streams.</summary>
public class PaperConnectorSteppedTests
{
    private const string Spot = "SOL_USDC";

    /// <summary>Reads a stream into a queue, as the engine's pumps do: each event written on before the next is asked for.</summary>
    private static Task Pump<T>(IAsyncEnumerable<T> stream, ChannelWriter<string> into, string name, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        try
        {
            await foreach (var e in stream.WithCancellation(cancellationToken)) await into.WriteAsync($"{name}:{e!.GetType().Name}", CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
        }
    }, CancellationToken.None);

    [Fact]
    public async Task EventsWait_UntilToldOneAtATime_AccountBeforeBook_AndAnEndToSteppingLetsThemAllOut()
    {
        var time = new FakeTimeProvider();
        using var exchange = new PaperExchange(new PaperSettings { VolatilityPct = 0m, FlowRate = 0m, Account = "acct" }, time);
        await using var connector = new PaperConnector(exchange, "acct") { Stepped = true };
        var heard = Channel.CreateUnbounded<string>();
        using var stop = new CancellationTokenSource();
        var book = Pump(connector.StreamOrderBookAsync(Spot, stop.Token), heard.Writer, "book", stop.Token);
        var account = Pump(connector.StreamAccountAsync(Spot, stop.Token), heard.Writer, "account", stop.Token);

        // The book's first snapshot waits for its turn; an order's acknowledgement then waits on the account stream.
        await Until.TrueAsync(() => connector.DeliverNext() || heard.Reader.Count > 0, "the book stream opened with its snapshot waiting");
        await Until.TrueAsync(() => connector.Idle, "the snapshot handed out and acted on");
        Assert.Equal("book:BookSnapshotEvent", await heard.Reader.ReadAsync());
        exchange.Place("acct", new PlaceOrderRequest(Spot, "t-1", Side.Buy, OrderType.Limit, TimeInForce.Gtc, 149m, 1m, PostOnly: true, ReduceOnly: false));
        await Task.Delay(50); // time for a stream that did not wait its turn to show it
        Assert.Equal(0, heard.Reader.Count);

        // Told once: one event, the account's (its streams come before books), though the book moved too.
        var told = 0;
        while (connector.DeliverNext())
        {
            told++;
            await Until.TrueAsync(() => connector.Idle, "the event handed out and acted on");
            Assert.Equal(told, heard.Reader.Count);
        }
        var events = new List<string>();
        while (heard.Reader.TryRead(out var e)) events.Add(e);
        Assert.True(events.Count >= 2, string.Join(", ", events));
        Assert.StartsWith("account:", events[0], StringComparison.Ordinal);
        Assert.Equal("book:BookDeltaEvent", events[^1]);
        Assert.Equal(events.OrderBy(e => e.StartsWith("book:", StringComparison.Ordinal)), events); // every account event first

        // Stepping ends (a run's stop): what comes is handed out as it comes.
        connector.EndStepping();
        exchange.Cancel("acct", new CancelOrderRequest(Spot, null, "t-1"));
        await Until.TrueAsync(() => heard.Reader.Count >= 2, "the cancel's account event and book delta, untold");
        await stop.CancelAsync();
        await Task.WhenAll(book, account);
    }
}
