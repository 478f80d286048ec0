using Microsoft.Extensions.Time.Testing;
using Mmd.TestKit;
using Mmd.Trading.Execution;
using Mmd.Trading.Stats;

namespace Mmd.Trading.Tests;

public class LatencyFiguresTests
{
    private static FakeTimeProvider Clock() => new(DateTimeOffset.Parse("2026-11-23T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void AWindow_GivesTheNearestRankMedian_99thPercentile_AndSlowest()
    {
        var window = new LatencyWindow(Clock());
        Assert.Equal(default, window.Summarize());
        foreach (var ms in Enumerable.Range(1, 200).Reverse()) window.Add(Ms(ms)); // order does not matter
        Assert.Equal(new LatencySummary(200, Ms(100), Ms(198), Ms(200)), window.Summarize());
        var one = new LatencyWindow(Clock());
        one.Add(Ms(3));
        Assert.Equal(new LatencySummary(1, Ms(3), Ms(3), Ms(3)), one.Summarize());
    }

    [Fact]
    public void AWindow_ForgetsWhatIsOlderThanAMinute_AndAfterABurstKeepsTheNewest()
    {
        var time = Clock();
        var window = new LatencyWindow(time);
        window.Add(Ms(500));
        time.Advance(TimeSpan.FromSeconds(30));
        window.Add(Ms(2));
        Assert.Equal(new LatencySummary(2, Ms(2), Ms(500), Ms(500)), window.Summarize());
        time.Advance(TimeSpan.FromSeconds(31)); // the slow one is 61 s old
        Assert.Equal(new LatencySummary(1, Ms(2), Ms(2), Ms(2)), window.Summarize());
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(0, window.Summarize().Samples);

        for (var i = 0; i < LatencyWindow.Capacity; i++) window.Add(Ms(9));
        for (var i = 0; i < 10; i++) window.Add(Ms(1)); // the ring overwrites the oldest nines
        var burst = window.Summarize();
        Assert.Equal(LatencyWindow.Capacity, burst.Samples);
        Assert.Equal(Ms(9), burst.P50);
        Assert.Equal(Ms(9), burst.Max);
    }

    [Fact]
    public async Task TheEngine_TimesItsReactionToTheBook_AndTheVenuesAnswers()
    {
        // Fake time moves only where the test says: the journal write before the first quotes leave takes 3 ms, the venue
        // answers those quotes 7 ms after they were handed over, and the cancels of a requote 11 ms after.
        var holdPlaces = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holdCancels = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int placesHeld = 0, cancelsHeld = 0;
        var holdingPlaces = true;
        var holdingCancels = false;
        var journal = new InMemoryTradingJournal();
        await using var h = new EngineHarness(journal: journal, wrap: c => new ScriptedConnector(c)
        {
            OnPlace = async (request, inner) =>
            {
                if (Volatile.Read(ref holdingPlaces)) { Interlocked.Increment(ref placesHeld); await holdPlaces.Task; }
                return await inner(request);
            },
            OnCancel = async (request, inner) =>
            {
                if (Volatile.Read(ref holdingCancels)) { Interlocked.Increment(ref cancelsHeld); await holdCancels.Task; }
                return await inner(request);
            },
        });
        var slowWrites = true;
        journal.OnOrdersWrite = () => { if (Volatile.Read(ref slowWrites)) h.Time.Advance(Ms(3)); };
        _ = h.Start();

        // The first book is what the first quotes react to (before it, the engine does not quote).
        await Until.TrueAsync(() => Volatile.Read(ref placesHeld) == 6, "the six quotes are handed to the venue");
        Volatile.Write(ref slowWrites, false);
        h.Time.Advance(Ms(7));
        Volatile.Write(ref holdingPlaces, false);
        holdPlaces.SetResult();
        await h.QuotingAsync();
        await Until.TrueAsync(() => h.CaughtUp, "the engine has the six answers");
        await h.StatsAsync(s => s.Latency!.Place.Samples == 6, "the answers are in the figures");
        var first = h.Engine.LatestStats!.Latency!;
        Assert.Equal(new LatencySummary(1, Ms(3), Ms(3), Ms(3)), first.Reaction);
        Assert.Equal(new LatencySummary(6, Ms(7), Ms(7), Ms(7)), first.Place);
        Assert.Equal(0, first.Cancel.Samples);

        // The market moves: the requote's cancels go first, at once (no journal write before a cancel). 0.1 (0.067 %) is
        // past the 0.05 % tolerance for every quote, and short of the asks: a move of 0.5 set the venue's new bids through
        // them, and a fill (as many as the venue's random depth made it) left fewer than six to cancel.
        Volatile.Write(ref holdingCancels, true);
        h.Exchange.SetMid(EngineHarness.Symbol, h.Exchange.Mid(EngineHarness.Symbol)!.Value + 0.1m);
        await Until.TrueAsync(() => Volatile.Read(ref cancelsHeld) == 6, "the six stale quotes' cancels are handed to the venue");
        h.Time.Advance(Ms(11));
        Volatile.Write(ref holdingCancels, false);
        holdCancels.SetResult();
        await Until.TrueAsync(() => h.CaughtUp, "the engine has the cancels' answers (and the new quotes')");
        await h.StatsAsync(s => s.Latency!.Cancel.Samples == 6, "the cancels' answers are in the figures");
        var requote = h.Engine.LatestStats!.Latency!;
        Assert.Equal(new LatencySummary(6, Ms(11), Ms(11), Ms(11)), requote.Cancel);
        Assert.True(requote.Reaction.Samples >= 2, $"{requote.Reaction.Samples} reactions");
        Assert.Equal(TimeSpan.Zero, requote.Reaction.P50);
        Assert.Equal(Ms(3), requote.Reaction.Max);
    }
}
