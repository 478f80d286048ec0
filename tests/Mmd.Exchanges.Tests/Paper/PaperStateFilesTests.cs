using System.Text.Json;
using System.Threading.Channels;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Time.Testing;
using Mmd.Exchanges.Paper;
using Mmd.TestKit;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Tests.Paper;

/// <summary>
/// The paper venue's files: a small snapshot replaced at every change and an append-only history log. A crash is
/// simulated by copying the files of a venue that is still running (what kill -9 leaves on disk) and opening the copy.
/// </summary>
public class PaperStateFilesTests
{
    private const string Spot = "SOL_USDC";

    private static PaperExchange Venue(string dir, FakeTimeProvider time, int compactAfter = 14_000) =>
        new(new PaperSettings { VolatilityPct = 0m, FlowRate = 0m, StateDirectory = dir, Account = "acct", HistoryCompactAfterLines = compactAfter }, time);

    private static PlaceOrderRequest Bid(string id, decimal price, decimal quantity = 0.1m) =>
        new(Spot, id, Side.Buy, OrderType.Limit, TimeInForce.Gtc, price, quantity, PostOnly: true);

    private static PlaceOrderRequest Buy(string id, decimal quantity) => new(Spot, id, Side.Buy, OrderType.Market, TimeInForce.Ioc, null, quantity);

    /// <summary>What a kill -9 of the process leaves: the files as they are, without the lock.</summary>
    private static TempDirectory CrashCopy(string from)
    {
        var to = new TempDirectory();
        foreach (var file in Directory.EnumerateFiles(from).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(to.Path, Path.GetFileName(file)));
        return to;
    }

    private static string[] HistoryFiles(string dir) => Directory.EnumerateFiles(dir, "acct.history.*.jsonl").Select(Path.GetFileName).Order().ToArray()!;

    /// <summary>Places and cancels a passive bid <paramref name="count"/> times: one terminal order each.</summary>
    private static void Churn(PaperExchange x, string prefix, int count)
    {
        var price = x.Levels(Spot, Side.Buy, 50).Min(l => l.Price) - 1m;
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(CommandOutcome.Accepted, x.Place("acct", Bid($"{prefix}{i}", price)).Outcome);
            Assert.Equal(CommandOutcome.Accepted, x.Cancel("acct", new CancelOrderRequest(Spot, null, $"{prefix}{i}")).Outcome);
        }
    }

    [Fact]
    public void AfterACrash_TheVenueIsAsTheLastOperationLeftIt()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider();
        using var x = Venue(dir.Path, time);
        Churn(x, "mm_c", 5);
        var resting = x.Place("acct", Bid("mm_rest", x.Levels(Spot, Side.Buy, 50).Min(l => l.Price) - 2m));
        var bought = x.Place("acct", Buy("mm_buy", 0.3m));
        Assert.Equal(VenueOrderStatus.Filled, bought.Order!.Status);

        using var copy = CrashCopy(dir.Path);
        using var again = Venue(copy.Path, time);
        Assert.Equal("mm_rest", Assert.Single(again.OpenOrders("acct", Spot)).ClientOrderId);
        Assert.Equal(resting.Order!.VenueOrderId, again.GetOrder("acct", Spot, "mm_rest")!.VenueOrderId);
        Assert.Equal(VenueOrderStatus.Cancelled, again.GetOrder("acct", Spot, "mm_c0")!.Status);
        Assert.Equal(VenueOrderStatus.Filled, again.GetOrder("acct", Spot, "mm_buy")!.Status);
        Assert.Equal(x.Fills("acct", Spot, DateTimeOffset.MinValue), again.Fills("acct", Spot, DateTimeOffset.MinValue));
        Assert.Equal(x.Balances("acct").OrderBy(b => b.Asset), again.Balances("acct").OrderBy(b => b.Asset));
    }

    [Fact]
    public void AnAccountStartedAfresh_NumbersItsTradesOnFromItsStart_NeverAgainFromTheFirst()
    {
        // The account's files deleted to start it afresh: an instance's journal still holds the earlier trades' ids.
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider();
        string first, restored;
        using (var x = Venue(dir.Path, time))
        {
            x.Place("acct", Buy("mm_1", 0.1m));
            first = Assert.Single(x.Fills("acct", Spot, DateTimeOffset.MinValue)).TradeId;
        }
        using (var reopened = Venue(dir.Path, time)) // the saved account goes on with its own numbers
        {
            reopened.Place("acct", Buy("mm_2", 0.1m));
            restored = reopened.Fills("acct", Spot, DateTimeOffset.MinValue).Single(f => f.ClientOrderId == "mm_2").TradeId;
            Assert.Equal(TradeNumber(first) + 1, TradeNumber(restored));
        }
        foreach (var file in Directory.EnumerateFiles(dir.Path)) File.Delete(file);
        time.Advance(TimeSpan.FromSeconds(1));
        using var afresh = Venue(dir.Path, time);
        afresh.Place("acct", Buy("mm_3", 0.1m));
        var fresh = Assert.Single(afresh.Fills("acct", Spot, DateTimeOffset.MinValue)).TradeId;
        Assert.True(TradeNumber(fresh) > TradeNumber(restored), $"{fresh} after {first} and {restored}");

        static long TradeNumber(string id) => long.Parse(id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task AnAccountEvent_GoesOut_OnlyOnceTheChangeItReportsIsSaved()
    {
        // Else a crash between the two would leave the client holding a fill the restarted venue never made (and
        // whose trade id it gives again to another fill).
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider();
        ChannelReader<AccountEvent>? events = null;
        var outBeforeTheSave = new List<AccountEvent>();
        using var x = new PaperExchange(new PaperSettings
        {
            VolatilityPct = 0m, FlowRate = 0m, StateDirectory = dir.Path, Account = "acct",
            BeforeSave = () => { while (events?.TryRead(out var e) == true) outBeforeTheSave.Add(e); },
        }, time);
        events = x.SubscribeAccount("acct", Spot, out var unsubscribe);
        x.Place("acct", Buy("mm_buy", 0.3m));
        Assert.Empty(outBeforeTheSave);
        var fill = Assert.IsType<FillEvent>(await events.ReadAsync().AsTask().DefaultTimeout()); // after the save
        Assert.Contains(fill.Fill, x.Fills("acct", Spot, DateTimeOffset.MinValue));
        unsubscribe();
    }

    [Fact]
    public void ASave_WritesWhatChanged_NotTheWholeHistory()
    {
        using var dir = new TempDirectory();
        using var x = Venue(dir.Path, new FakeTimeProvider());
        var snapshot = Path.Combine(dir.Path, "acct.json");
        Churn(x, "mm_a", 10);
        var (snapshotBefore, historyBefore) = (new FileInfo(snapshot).Length, new FileInfo(Path.Combine(dir.Path, HistoryFiles(dir.Path)[0])).Length);
        Churn(x, "mm_b", 300);
        var (snapshotAfter, historyAfter) = (new FileInfo(snapshot).Length, new FileInfo(Path.Combine(dir.Path, HistoryFiles(dir.Path)[0])).Length);
        // 300 more terminal orders: the history log grew by them, the snapshot did not (only its counters did).
        Assert.True(historyAfter - historyBefore > 300 * 200, $"history {historyBefore} -> {historyAfter} bytes");
        Assert.True(snapshotAfter - snapshotBefore < 100, $"snapshot {snapshotBefore} -> {snapshotAfter} bytes");
    }

    [Fact]
    public void AHistoryTailNoSnapshotCovers_IsCutOff()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider();
        using var x = Venue(dir.Path, time);
        x.Place("acct", Buy("mm_buy", 0.3m));
        var fills = x.Fills("acct", Spot, DateTimeOffset.MinValue);

        using var copy = CrashCopy(dir.Path);
        // The process died after appending a save's history, before its snapshot was renamed into place.
        var history = Path.Combine(copy.Path, HistoryFiles(copy.Path).Single());
        var committed = new FileInfo(history).Length;
        var lastLine = File.ReadAllLines(history)[^1];
        File.AppendAllText(history, lastLine.Replace("\"T", "\"T9", StringComparison.Ordinal) + "\n");
        using var again = Venue(copy.Path, time);
        Assert.Equal(fills, again.Fills("acct", Spot, DateTimeOffset.MinValue));
        Assert.Equal(committed, new FileInfo(history).Length);
    }

    [Fact]
    public void DamagedFiles_AreNamedInTheError_AndLeftAsTheyAre()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider();
        using (var x = Venue(dir.Path, time)) x.Place("acct", Buy("mm_buy", 0.3m));

        // A damaged history line (within what the snapshot covers): the file and the line are named.
        var history = Path.Combine(dir.Path, HistoryFiles(dir.Path).Single());
        var lines = File.ReadAllLines(history);
        var damagedHistory = string.Join('\n', lines.Select((l, i) => i == 0 ? "{" + new string('x', l.Length - 1) : l)) + "\n";
        File.WriteAllText(history, damagedHistory);
        var ex = Assert.Throws<InvalidDataException>(() => Venue(dir.Path, time));
        Assert.StartsWith($"paper history file {history} line 1: ", ex.Message, StringComparison.Ordinal);
        Assert.Equal(damagedHistory, File.ReadAllText(history));

        // A damaged snapshot: the file is named.
        var snapshot = Path.Combine(dir.Path, "acct.json");
        File.WriteAllText(snapshot, "{\"Version\": 2, \"Orders\": [garbage");
        ex = Assert.Throws<InvalidDataException>(() => Venue(dir.Path, time));
        Assert.StartsWith($"paper state file {snapshot}: ", ex.Message, StringComparison.Ordinal);
        Assert.Equal("{\"Version\": 2, \"Orders\": [garbage", File.ReadAllText(snapshot));
    }

    [Fact]
    public void Compaction_WritesTheKeptHistoryIntoTheNextGeneration_AndRemovesTheOld()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider();
        using var x = Venue(dir.Path, time, compactAfter: 25);
        Churn(x, "mm_", 3);
        Assert.Equal(["acct.history.1.jsonl"], HistoryFiles(dir.Path));
        Churn(x, "mm_more", 30);
        x.Place("acct", Buy("mm_buy", 0.3m));
        var generations = HistoryFiles(dir.Path);
        Assert.Single(generations);
        Assert.NotEqual("acct.history.1.jsonl", generations[0]);

        using var copy = CrashCopy(dir.Path);
        using var again = Venue(copy.Path, time);
        Assert.Equal(VenueOrderStatus.Cancelled, again.GetOrder("acct", Spot, "mm_0")!.Status); // from before the compactions
        Assert.Equal(VenueOrderStatus.Cancelled, again.GetOrder("acct", Spot, "mm_more29")!.Status);
        Assert.Equal(x.Fills("acct", Spot, DateTimeOffset.MinValue), again.Fills("acct", Spot, DateTimeOffset.MinValue));
    }

    [Fact]
    public void AVersion1StateFile_IsRead_AndRewrittenAsVersion2()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider();
        var at = time.GetUtcNow();
        var fill = new VenueFill("T7", "3", "mm_old", Spot, Side.Buy, 150m, 0.2m, 0.01m, "USDC", false, at);
        var v1 = new PaperState
        {
            Version = 1, RngState = 5, NextOrderId = 4, NextTradeId = 8, NextSequence = 4,
            Mids = new() { [Spot] = 150m },
            Balances = new() { ["acct"] = new() { ["USDC"] = new BalanceState(1000m, 14m), ["SOL"] = new BalanceState(0.2m, 0m) } },
            Orders =
            [
                new OrderState(3, "acct", "mm_old", Spot, Side.Buy, OrderType.Market, TimeInForce.Ioc, null, 0.2m, 0.2m, VenueOrderStatus.Filled, false, false, at, at, 3, 0m, null),
                new OrderState(2, "acct", "mm_bid", Spot, Side.Buy, OrderType.Limit, TimeInForce.Gtc, 140m, 0.1m, 0m, VenueOrderStatus.Open, true, false, at, at, 2, 140m, "USDC"),
            ],
            Fills = new() { ["acct"] = [fill] },
        };
        var options = new JsonSerializerOptions { NumberHandling = JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString, Converters = { new JsonStringEnumConverter() } };
        File.WriteAllText(Path.Combine(dir.Path, "acct.json"), JsonSerializer.Serialize(v1, options));

        using (var x = Venue(dir.Path, time))
        {
            Assert.Equal("mm_bid", Assert.Single(x.OpenOrders("acct", Spot)).ClientOrderId);
            Assert.Equal(VenueOrderStatus.Filled, x.GetOrder("acct", Spot, "mm_old")!.Status);
            Assert.Equal([fill], x.Fills("acct", Spot, DateTimeOffset.MinValue));
        }
        var saved = JsonSerializer.Deserialize<PaperState>(File.ReadAllText(Path.Combine(dir.Path, "acct.json")), options)!;
        Assert.Equal((2, "acct.history.1.jsonl"), (saved.Version, saved.History?.File));
        Assert.Equal(["mm_bid"], saved.Orders.Select(o => o.ClientOrderId));
        using var reopened = Venue(dir.Path, time);
        Assert.Equal(VenueOrderStatus.Filled, reopened.GetOrder("acct", Spot, "mm_old")!.Status);
        Assert.Equal([fill], reopened.Fills("acct", Spot, DateTimeOffset.MinValue));
    }
}
