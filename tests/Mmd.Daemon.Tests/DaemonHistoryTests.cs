using Microsoft.Extensions.Time.Testing;
using Mmd.Persistence.Daemon;
using Mmd.TestKit;

namespace Mmd.Daemon.Tests;

/// <summary>The daemon's runs and events in a real SQLite file: read back newest first, and pruned by age.</summary>
public sealed class DaemonHistoryTests : IDisposable
{
    private static readonly int[] NonTradingExits = [ExitCodes.InvalidInput, ExitCodes.ReconciliationFailed, ExitCodes.CouldNotBegin];
    private static readonly DateTimeOffset Start = new(2026, 10, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(Start);

    public void Dispose() => _dir.Dispose();

    private async Task<DaemonStore> OpenAsync()
    {
        var path = _dir.Combine("mmd.db");
        await DaemonDatabase.OpenAsync(path, CancellationToken.None).DefaultTimeout();
        return new DaemonStore(path, _time);
    }

    /// <summary>A worker of <paramref name="name"/> that ran for a minute from now and ended with <paramref name="exitCode"/> (null: killed).</summary>
    private async Task<long> RunAsync(DaemonStore store, string name, int? exitCode, bool? sentOrders = null)
    {
        var id = await store.WorkerStartedAsync(name, 1000, _time.GetUtcNow(), 0, CancellationToken.None);
        await store.AddEventAsync(name, "state", $"run {id} started", CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));
        await store.WorkerEndedAsync(name, id, exitCode, exitCode is null ? "killed" : $"exit {exitCode}", sentOrders, CancellationToken.None);
        await store.AddEventAsync(name, "exit", $"run {id} ended", CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(1));
        return id;
    }

    [Fact]
    public async Task History_IsTheNewestRunsAndEvents_NewestFirst_FromTheTimeAsked()
    {
        var store = await OpenAsync();
        var first = await RunAsync(store, "a", 0);
        var second = await RunAsync(store, "a", null);
        await RunAsync(store, "other", 0);
        var running = await store.WorkerStartedAsync("a", 1001, _time.GetUtcNow(), 1, CancellationToken.None);

        var (runs, events) = await store.ReadHistoryAsync("a", long.MinValue, 50, CancellationToken.None).DefaultTimeout();
        Assert.Equal([running, second, first], runs.Select(r => r.Id));
        Assert.Null(runs[0].EndedAtMs);
        Assert.Equal(["run 2 ended", "run 2 started", "run 1 ended", "run 1 started"], events.Select(e => e.Message));

        var (newest, newestEvents) = await store.ReadHistoryAsync("a", long.MinValue, 1, CancellationToken.None);
        Assert.Equal([running], newest.Select(r => r.Id));
        Assert.Equal(["run 2 ended"], newestEvents.Select(e => e.Message));

        // Since the second run's start: it and the running one (a run counts while it runs, or by its end).
        var since = (Start + TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1)).ToUnixTimeMilliseconds();
        var (recent, recentEvents) = await store.ReadHistoryAsync("a", since, 50, CancellationToken.None);
        Assert.Equal([running, second], recent.Select(r => r.Id));
        Assert.Equal(["run 2 ended", "run 2 started"], recentEvents.Select(e => e.Message));
    }

    [Fact]
    public async Task Pruning_DeletesWhatIsOlderThanTheRetention_ButNotTheRunsAStartReads()
    {
        var store = await OpenAsync();
        await RunAsync(store, "a", 0); // day 0: a clean stop
        var killed = await RunAsync(store, "a", null); // day 1: killed, may have left orders
        await RunAsync(store, "a", ExitCodes.InvalidInput); // day 2: sent nothing
        await RunAsync(store, "a", 1, sentOrders: false); // day 3: failed before any order
        var couldNotBegin = await RunAsync(store, "a", ExitCodes.CouldNotBegin); // day 4: the latest ended run
        var running = await store.WorkerStartedAsync("a", 1001, _time.GetUtcNow(), 5, CancellationToken.None);
        await RunAsync(store, "deleted-long-ago", 0);
        var goneLast = await RunAsync(store, "deleted-long-ago", 0);
        _time.Advance(TimeSpan.FromDays(40));
        var recent = await RunAsync(store, "b", 0);
        var recentToo = await RunAsync(store, "b", 0);
        var lastEnded = await store.LastEndedRunAsync("a", CancellationToken.None);
        var lastTrading = await store.LastRunEndExceptAsync("a", NonTradingExits, CancellationToken.None);

        var (runs, events) = await store.PruneHistoryAsync(_time.GetUtcNow() - TimeSpan.FromDays(30), NonTradingExits, CancellationToken.None).DefaultTimeout();

        // Of a: the killed run (the latest that could have left orders), the latest ended and the running one stay.
        Assert.Equal([running, couldNotBegin, killed], (await store.ReadHistoryAsync("a", long.MinValue, 50, CancellationToken.None)).Runs.Select(r => r.Id));
        Assert.Equal([goneLast], (await store.ReadHistoryAsync("deleted-long-ago", long.MinValue, 50, CancellationToken.None)).Runs.Select(r => r.Id));
        Assert.Equal([recentToo, recent], (await store.ReadHistoryAsync("b", long.MinValue, 50, CancellationToken.None)).Runs.Select(r => r.Id));
        Assert.Equal(4, runs); // clean, invalid, nothingSent, gone
        Assert.Equal(14, events); // a's ten, deleted-long-ago's four; b's four are recent
        Assert.Empty((await store.ReadHistoryAsync("a", long.MinValue, 50, CancellationToken.None)).Events);
        Assert.Equal(4, (await store.ReadHistoryAsync("b", long.MinValue, 50, CancellationToken.None)).Events.Count);
        // What a start reads is what it read before.
        Assert.Equal(lastEnded!.Id, (await store.LastEndedRunAsync("a", CancellationToken.None))!.Id);
        Assert.Equal(lastTrading, await store.LastRunEndExceptAsync("a", NonTradingExits, CancellationToken.None));
        Assert.Equal((0, 0), await store.PruneHistoryAsync(_time.GetUtcNow() - TimeSpan.FromDays(30), NonTradingExits, CancellationToken.None));
    }

    [Fact]
    public async Task Pruning_GoesInBatches_UntilNothingOldIsLeft()
    {
        var store = await OpenAsync();
        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_dir.Combine("mmd.db")}"))
        {
            await db.OpenAsync();
            await using var insert = db.CreateCommand();
            insert.CommandText = """
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 4499)
                INSERT INTO instance_events (Instance, TimeMs, Kind, Message) SELECT 'busy', $time, 'health', 'probe ' || i || ' failed' FROM n
                """;
            insert.Parameters.AddWithValue("$time", _time.GetUtcNow().ToUnixTimeMilliseconds());
            Assert.Equal(4500, await insert.ExecuteNonQueryAsync());
        }
        _time.Advance(TimeSpan.FromDays(31));
        await store.AddEventAsync("busy", "state", "recent", CancellationToken.None);
        var (_, events) = await store.PruneHistoryAsync(_time.GetUtcNow() - TimeSpan.FromDays(30), NonTradingExits, CancellationToken.None).DefaultTimeout();
        Assert.Equal(4500, events);
        Assert.Equal(["recent"], (await store.ReadHistoryAsync("busy", long.MinValue, 1000, CancellationToken.None)).Events.Select(e => e.Message));
    }
}
