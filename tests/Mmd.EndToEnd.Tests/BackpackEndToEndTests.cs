using System.Net.Http.Json;
using System.Text.Json;
using GrpcMM.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Mmd.Exchanges.Backpack;
using Mmd.Persistence;
using Mmd.TestKit;
using Xunit.Abstractions;

namespace Mmd.EndToEnd.Tests;

/// <summary>
/// mmd with a Backpack perp market maker whose venue is the Backpack emulator running as its own process: the real
/// connector, signatures, REST and WebSocket on loopback. Credentials come from a 0600 secrets file.
/// </summary>
public sealed class BackpackEndToEndTests(ITestOutputHelper output)
{
    private const string Key = BackpackDaemon.Key;
    private const string Secret = BackpackDaemon.Secret;
    private const string Symbol = "SOL_USDC_PERP";

    [Fact]
    public async Task PerpMarketMaker_OnTheEmulator_Quotes_AndSurvives20Kill9s_WithNoOrphanOrDuplicate_AndThePositionIsTheSumOfItsFills()
    {
        await using var venue = await EmulatorProcess.StartBackpackAsync();
        using var secretsDir = new TempDirectory();
        await using var d = await StartDaemonAsync(venue, secretsDir, quickRestarts: true);
        var running = await StartQuotingAsync(d);
        Assert.Equal("backpack", running.Stats.Venue);
        var journal = Path.Combine(d.StateDir, "instances", "bp", "journal.db");
        await Until.TrueAsync(async () => await JournalQuery.CountAsync(journal, "SELECT COUNT(*) AS Value FROM Fills") > 0, "the market fills a quote", TimeSpan.FromSeconds(90));

        var random = new Random(20261124);
        var pid = running.Pid;
        for (var kill = 1; kill <= 20; kill++)
        {
            await Task.Delay(random.Next(0, 1500)); // a random moment: mid-start, mid-reconcile or mid-quote
            Signals.Kill(pid, 9);
            var again = await d.WaitForAsync("bp", i => i.State == InstanceState.Running && i.Pid != pid, $"running again after kill {kill}", TimeSpan.FromSeconds(60));
            pid = again.Pid;
        }
        using var rest = Rest(venue);
        try
        {
            await d.WaitForAsync("bp", i => i.State == InstanceState.Running && i.Stats?.OpenBuyOrders == 2 && i.Stats.OpenSellOrders == 2, "quoting after the last restart");
        }
        catch (TimeoutException)
        {
            foreach (var o in await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None)) output.WriteLine($"venue: {o.Id} {o.ClientId} {o.Side} {o.Price} {o.Quantity} {o.Status} reduceOnly={o.ReduceOnly}");
            await using var db = new MmdDbContext(MmdDatabase.Options(journal));
            foreach (var o in await db.Orders.Where(o => o.Status != "Cancelled" && o.Status != "Filled" && o.Status != "Rejected").ToListAsync())
                output.WriteLine($"journal: {o.ClientOrderId} {o.Side} {o.Price} {o.Quantity} {o.Status} {o.Purpose}");
            throw;
        }

        // A listing taken mid-replacement may hold nothing: take one that holds the quotes, so the check has orders to check.
        var open = Array.Empty<BackpackOrder>();
        await Until.TrueAsync(async () => (open = await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None)).Length > 0, "the venue lists our quotes");
        var tag = SpecValidatorTag("bp");
        Assert.All(open, o => Assert.True(o.ClientId is { } c && c >> BackpackClientIds.CounterBits == tag, $"order {o.Id} (clientId {o.ClientId}) is not the instance's"));
        // Read after the venue's list: an order of that list has been journaled since before it was sent (it may have been
        // cancelled or filled between the two reads, so any journaled status counts; the stop below leaves none open).
        var known = await JournalQuery.ClientOrderIdsAsync(journal);
        Assert.All(open, o => Assert.Contains("bp_" + o.ClientId, known));

        // Never on a command line, which any user of the machine can read in /proc: not the worker's, not the daemon's.
        foreach (var process in new[] { (await d.GetAsync("bp")).Pid, d.Process!.Pid })
            Assert.DoesNotContain(Secret, (await File.ReadAllTextAsync($"/proc/{process}/cmdline")).Replace('\0', ' '), StringComparison.Ordinal);

        var stop = await d.MmctlAsync("stop", "bp");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        await d.WaitForAsync("bp", i => i.State == InstanceState.Stopped, "stopped");
        Assert.Empty(await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout());

        Assert.Equal(0, await JournalQuery.CountAsync(journal, "SELECT COUNT(*) AS Value FROM (SELECT TradeId FROM Fills GROUP BY TradeId HAVING COUNT(*) > 1)"));
        var (fromFills, _) = await JournalQuery.PositionAsync(journal);
        var onVenue = (await rest.GetPositionsAsync(CancellationToken.None).DefaultTimeout()).Where(p => p.Symbol == Symbol).Sum(p => p.NetQuantity);
        var venueFills = await rest.GetFillsAsync(Symbol, 0, 1000, 0, CancellationToken.None).DefaultTimeout();
        var journaled = await JournalQuery.FillsAsync(journal);
        if (onVenue != fromFills || venueFills.Length != journaled.Count)
            await FillMismatchReport.WriteAsync(output,
                venueFills.Select(f => (f.TradeId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? $"{f.OrderId}@{f.Timestamp}",
                    $"order {f.OrderId} client {f.ClientId} {f.Side} {f.Quantity} @ {f.Price} at {f.Timestamp}")).ToList(), journaled, d.Dir.Path, "bp");
        Assert.Equal(onVenue, fromFills);
        Assert.Equal(venueFills.Length, journaled.Count);
        await SecretChecks.AssertNowhereAsync(d, "bp", Secret, StringComparison.Ordinal);
        output.WriteLine($"20 kill -9s: {venueFills.Length} fills on the venue = {venueFills.Length} journaled, 0 duplicates; position {onVenue} = sum of fills {fromFills}; " +
            $"{open.Length} open orders before the stop, all the instance's and journaled; 0 after it");
    }

    [Fact]
    public async Task EmulatorProcess_TakesFaultsOverHttp_AndTheConnectorRidesOutA429Storm()
    {
        await using var venue = await EmulatorProcess.StartBackpackAsync();
        using var http = new HttpClient();
        var fault = new StringContent("""{"kind":"RateLimit","method":"GET","path":"/api/v1/orders","count":2,"retryAfter":"00:00:01"}""", System.Text.Encoding.UTF8, "application/json");
        (await http.PostAsync(new Uri(venue.RestUrl + "/_emulator/faults"), fault)).EnsureSuccessStatusCode();
        using var rest = Rest(venue);
        var started = DateTimeOffset.UtcNow;
        Assert.Empty(await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout());
        Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromSeconds(1.9), "two Retry-After pauses of 1 s were waited out");
        (await http.PostAsync(new Uri(venue.RestUrl + "/_emulator/clock-skew?ms=-30000"), null)).EnsureSuccessStatusCode();
        var expired = await Assert.ThrowsAsync<BackpackApiException>(() => rest.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout());
        Assert.Equal("INVALID_CLIENT_REQUEST", expired.Code);
    }

    [Fact]
    public async Task OperatorsWholeSymbolCancel_NeedsConfirmation_ThenTakesHandPlacedOrdersToo_AndPauses()
    {
        await using var venue = await EmulatorProcess.StartBackpackAsync();
        using var secretsDir = new TempDirectory();
        await using var d = await StartDaemonAsync(venue, secretsDir);
        using var rest = Rest(venue);
        var depth = await rest.GetDepthAsync(Symbol, CancellationToken.None).DefaultTimeout();
        var low = depth.Bids.Min(l => decimal.Parse(l[0], System.Globalization.CultureInfo.InvariantCulture)) - 5m;
        await rest.PlaceOrderAsync(
        [
            BackpackParameter.Text("symbol", Symbol), BackpackParameter.Text("side", "Bid"), BackpackParameter.Text("orderType", "Limit"),
            BackpackParameter.Amount("quantity", 0.1m), BackpackParameter.Amount("price", low),
        ], CancellationToken.None).DefaultTimeout(); // placed by hand: no client id
        var spec = d.Dir.Combine("bp.json");
        await File.WriteAllTextAsync(spec, SpecJson("bp"));
        Assert.Equal(0, (await d.MmctlAsync("start", "-f", spec)).ExitCode);
        await d.WaitForAsync("bp", i => i.Stats is { OpenBuyOrders: 2, OpenSellOrders: 2 }, "quoting");
        Assert.Single(await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None), o => o.ClientId is null);

        var unconfirmed = await d.MmctlAsync("cancel-all", "bp");
        Assert.Equal(2, unconfirmed.ExitCode);
        Assert.Contains("cancel_all_on_symbol.confirm", unconfirmed.StandardError, StringComparison.Ordinal);
        Assert.Single(await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None), o => o.ClientId is null); // nothing was cancelled

        var confirmed = await d.MmctlAsync("cancel-all", "bp", "--yes");
        Assert.True(confirmed.ExitCode == 0, confirmed.ToString());
        Assert.Empty(await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout());
        await d.WaitForAsync("bp", i => i.Stats is { QuotingPaused: true, OpenBuyOrders: 0, OpenSellOrders: 0 }, "paused, no quote");
        Assert.Empty(await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task AStopWhileARestartedWorkerReconciles_CancelsTheKilledRunsQuotes_AndConfirmsTheBookFlat()
    {
        await using var quoting = await QuotingAsync();
        var (venue, d, running, rest) = quoting;

        // The killed worker's quotes stay on the venue; its successor's open-orders request, in its start-up
        // reconciliation, is answered 3 s late. (Frozen first, so the fault is left for the successor.)
        Signals.Kill(running.Pid, 19);
        using var http = new HttpClient();
        var slow = new StringContent("""{"kind":"Slow","method":"GET","path":"/api/v1/orders","delay":"00:00:03"}""", System.Text.Encoding.UTF8, "application/json");
        (await http.PostAsync(new Uri(venue.RestUrl + "/_emulator/faults"), slow)).EnsureSuccessStatusCode();
        Signals.Kill(running.Pid, 9);
        await Until.TrueAsync(async () => (await http.GetFromJsonAsync<JsonElement>(new Uri(venue.RestUrl + "/_emulator/faults"))).GetProperty("pending").GetInt32() == 0,
            "the restarted worker asks for its open orders", TimeSpan.FromSeconds(30));
        Assert.NotEqual(InstanceState.Running, (await d.GetAsync("bp")).State); // still starting: the stop lands mid-reconciliation
        Assert.NotEmpty(await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout()); // the killed run's quotes (one may have filled)

        var stop = await d.MmctlAsync("stop", "bp");
        Assert.True(stop.ExitCode == 0, stop.ToString()); // 0 only when the worker confirmed that none of its orders is left
        Assert.Empty(await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout());
        Assert.Contains("the stop came while it started; reconciled, quoting nothing", (await d.MmctlAsync("logs", "bp")).StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStopWhoseVenueIsSlowToConfirm_HasTheStopsTimeoutToConfirmTheBookFlat_AndNeedsNoSweep()
    {
        await using var quoting = await QuotingAsync();
        var (venue, d, _, rest) = quoting;
        // Longer than the 8 s the worker once gave itself whatever the stop's timeout, well within the 20 s the operator
        // gives it (after which the daemon kills the worker).
        await TheStopsOpenOrdersReadIsAnswered9sLateAsync(venue);

        var stop = await d.MmctlAsync("stop", "bp", "--timeout", "20");

        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Empty(await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout());
        Assert.Contains("bp: stopped; 0 own orders left on the venue", (await d.MmctlAsync("logs", "bp")).StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("reconciles and cancels what is left", d.Process!.Output, StringComparison.Ordinal); // no sweep: the worker confirmed it
    }

    [Fact]
    public async Task AStopWithAShortTimeout_TheWorkerGivesUpConfirmingBeforeTheDaemonWouldKillIt_EndsItsRunItself_AndASweepConfirms()
    {
        await using var quoting = await QuotingAsync();
        var (venue, d, running, rest) = quoting;
        // The operator gives the stop 4 s. The worker stops confirming after 3.2 s of them and ends its run itself (its
        // final figures saved, its exit told): not killed by the daemon at 4 s.
        await TheStopsOpenOrdersReadIsAnswered9sLateAsync(venue);

        var stop = await d.MmctlAsync("stop", "bp", "--timeout", "4");

        Assert.True(stop.ExitCode == 0, stop.ToString()); // the sweep confirmed the book flat
        Assert.Empty(await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout());
        Assert.Contains($"bp: stopped; -1 own orders left on the venue", (await d.MmctlAsync("logs", "bp")).StandardOutput, StringComparison.Ordinal);
        Assert.Contains("reconciles and cancels what is left", d.Process!.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("killed after 4s", d.Process!.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists($"/proc/{running.Pid}"));
    }

    [Fact]
    public async Task AtOneRequestASecond_QuotesTheMarketLeftBehindBeforeTheyWent_AreWithdrawnUnsent_AndCounted_AndTheStopLeavesNothing()
    {
        // The host's limit at one request a second and a lively market: the quotes' places queue behind each other, and
        // the quote moves on before many of them would leave. Those are taken back, never sent (nor cancelled).
        await using var limited = await LimitedAsync(requestsPerSecond: 1);
        var (venue, d) = (limited.Venue, limited.Daemon);

        await d.WaitForAsync("bp", i => i.State == InstanceState.Running && i.Stats is { OrdersWithdrawn: >= 3 }, "quotes withdrawn", TimeSpan.FromSeconds(90));
        Assert.Matches(@"withdrawn unsent [1-9]", (await d.MmctlAsync("status", "bp")).StandardOutput);
        var stop = await d.MmctlAsync("stop", "bp");
        Assert.True(stop.ExitCode == 0, stop.ToString());

        using var rest = Rest(venue);
        Assert.Empty(await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout());
        Assert.Contains("bp: stopped; 0 own orders left on the venue", (await d.MmctlAsync("logs", "bp")).StandardOutput, StringComparison.Ordinal);
        // The venue had a place for every order the run placed or had refused, and none for those it withdrew.
        var final = (await d.WaitForAsync("bp", i => i.State == InstanceState.Stopped, "stopped")).Stats;
        using var http = new HttpClient();
        var places = (await http.GetFromJsonAsync<JsonElement>(new Uri(venue.RestUrl + "/_emulator/requests"))).EnumerateArray()
            .Count(r => r.GetProperty("method").GetString() == "POST" && r.GetProperty("path").GetString() == "/api/v1/order");
        Assert.True(final.OrdersWithdrawn >= 3, $"{final.OrdersWithdrawn} withdrawn");
        Assert.Equal((long)(final.OrdersPlaced + final.OrdersRejected), places);
    }

    [Fact]
    public async Task AStartWhileASweepCancelsAKilledWorkersQuotes_AbortsThatStop_AndAFreshWorkerQuotesOnceTheSweepHasEnded()
    {
        await using var quoting = await QuotingAsync();
        var (venue, d, running, rest) = quoting;

        // A frozen worker is killed at the stop timeout, and a sweep follows; its open-orders request is answered 3 s late,
        // which holds the sweep long enough to aim a start at it (a paper sweep lasts about a second).
        Signals.Kill(running.Pid, 19);
        using var http = new HttpClient();
        var slow = new StringContent("""{"kind":"Slow","method":"GET","path":"/api/v1/orders","delay":"00:00:03"}""", System.Text.Encoding.UTF8, "application/json");
        (await http.PostAsync(new Uri(venue.RestUrl + "/_emulator/faults"), slow)).EnsureSuccessStatusCode();
        var stop = d.MmctlAsync("stop", "bp", "--timeout", "6");
        var sweep = await d.WaitForAsync("bp", i => i.State == InstanceState.Stopping && i.Pid != 0 && i.Pid != running.Pid, "a sweep worker runs", TimeSpan.FromSeconds(30));
        await Until.TrueAsync(async () => (await http.GetFromJsonAsync<JsonElement>(new Uri(venue.RestUrl + "/_emulator/faults"))).GetProperty("pending").GetInt32() == 0,
            "the sweep asks for the open orders", TimeSpan.FromSeconds(30));
        Assert.False(stop.IsCompleted, "the stop waits for the sweep");
        Assert.Contains("reconciles and cancels what is left (stop timeout: killed after 6s)", d.Process!.Output, StringComparison.Ordinal);

        var start = await d.MmctlAsync("start", "bp"); // answers once a fresh worker runs
        Assert.True(start.ExitCode == 0, start.ToString());
        var stopped = await stop;
        Assert.Equal(1, stopped.ExitCode);
        Assert.Contains("was started again while it stopped", stopped.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists($"/proc/{sweep.Pid}"), "the sweep ended before the fresh worker started");
        var fresh = await d.WaitForAsync("bp", i => i.State == InstanceState.Running && i.Pid != sweep.Pid && i.Stats is { OpenBuyOrders: 2, OpenSellOrders: 2 },
            "quoting from a fresh worker");
        Assert.Equal(DesiredState.Running, fresh.DesiredState);
        Assert.Contains("starting again, as asked meanwhile", d.Process!.Output, StringComparison.Ordinal);
        // The killed run's quotes are gone (the sweep cancelled them, or the fresh worker's reconcile did): the venue holds its four.
        await Until.TrueAsync(async () => (await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None)) is { Length: 4 } open && open.All(o => o.ClientId is not null),
            "the venue holds the fresh worker's four quotes", TimeSpan.FromSeconds(30));

        var final = await d.MmctlAsync("stop", "bp");
        Assert.True(final.ExitCode == 0, final.ToString());
        Assert.Empty(await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task TheVenueDropsEveryStream_ThenLosesABookUpdate_TheSameWorkerReconnects_Resyncs_AndQuotesAgain_WithNoOrphanOrDuplicate()
    {
        await using var quoting = await QuotingAsync(fourQuotes: false);
        var (venue, d, running, rest) = quoting;
        using var http = new HttpClient();
        async Task<string> LogsAsync() => (await d.MmctlAsync("logs", "bp")).StandardOutput;
        async Task QuotingAgainAsync(string what)
        {
            // The same worker (no restart), healthy again, and the venue holds exactly the four quotes it tracks.
            await d.WaitForAsync("bp", i => i.Pid == running.Pid && i.Health.Healthy && i.Stats is { OpenBuyOrders: 2, OpenSellOrders: 2 }, what, TimeSpan.FromSeconds(60));
            await Until.TrueAsync(async () => (await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None)) is { Length: 4 } open && open.All(o => o.ClientId is not null),
                $"{what}: the venue holds the four quotes", TimeSpan.FromSeconds(30));
            var again = await d.GetAsync("bp");
            Assert.Equal(0u, again.Restarts);
        }

        (await http.PostAsync(new Uri(venue.RestUrl + "/_emulator/drop-streams"), null)).EnsureSuccessStatusCode();
        await Until.TrueAsync(async () => await LogsAsync() is var logs && logs.Contains("account stream failed, reconnecting", StringComparison.Ordinal)
                                                                     && logs.Contains("book stream failed, reconnecting", StringComparison.Ordinal),
            "both streams seen to fail", TimeSpan.FromSeconds(30));
        await QuotingAgainAsync("after the drop");
        Assert.Contains("account stream asked for a resync (account stream subscribed)", await LogsAsync(), StringComparison.Ordinal); // what the cut may have hidden is read back

        static int Gaps(string logs) => logs.AsSpan().Count("gap at sequence");
        var gapsBefore = Gaps(await LogsAsync());
        (await http.PostAsync(new Uri(venue.RestUrl + "/_emulator/book-gap?symbol=" + Symbol), null)).EnsureSuccessStatusCode();
        await Until.TrueAsync(async () => Gaps(await LogsAsync()) > gapsBefore, "the lost update is seen as a gap", TimeSpan.FromSeconds(60));
        await QuotingAgainAsync("after the gap");

        var stop = await d.MmctlAsync("stop", "bp");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Empty(await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task AWorkerKilledBeforeItSentAnyOrder_LeftTheBookAsItWas_SoItsStopNeedsNoSweep_AndTheNextDaemonKnowsIt()
    {
        await using var venue = await EmulatorProcess.StartBackpackAsync();
        using var secretsDir = new TempDirectory();
        await using var d = await StartDaemonAsync(venue, secretsDir);
        // Open-orders requests are answered a minute late: a worker hangs in its start-up reconciliation, before any order.
        using var http = new HttpClient();
        var slow = new StringContent("""{"kind":"Slow","method":"GET","path":"/api/v1/orders","delay":"00:01:00","count":50}""", System.Text.Encoding.UTF8, "application/json");
        (await http.PostAsync(new Uri(venue.RestUrl + "/_emulator/faults"), slow)).EnsureSuccessStatusCode();
        var spec = d.Dir.Combine("bp.json");
        await File.WriteAllTextAsync(spec, SpecJson("bp"));
        // A start returns once its worker quotes or is gone: this one waits until the stop below has killed it.
        var start = d.MmctlAsync("start", "-f", spec);
        await Until.TrueAsync(async () => (await d.MmctlAsync("ls", "-q")).StandardOutput.Contains("bp", StringComparison.Ordinal), "the instance created");
        var hung = await d.WaitForAsync("bp", i => i.State == InstanceState.Starting && i.Pid != 0, "a worker starts");
        await Until.TrueAsync(async () => (await http.GetFromJsonAsync<JsonElement>(new Uri(venue.RestUrl + "/_emulator/faults"))).GetProperty("pending").GetInt32() < 50,
            "the worker asks for its open orders", TimeSpan.FromSeconds(30));
        Signals.Kill(hung.Pid, 19); // frozen: it can neither finish its start nor stop

        // Killed at the stop timeout, it confirmed nothing; but its journal holds no order of its run, so it sent none:
        // the book is as the run before it left it (there was none), and no sweep is needed (one would hang as it did).
        var stop = await d.MmctlAsync("stop", "bp", "--timeout", "2");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.False(Directory.Exists($"/proc/{hung.Pid}"), "the worker was killed");
        Assert.Equal("stop timeout: killed after 2s (before it sent any order)", (await d.GetAsync("bp")).LastExitReason);
        Assert.DoesNotContain("reconciles and cancels what is left", d.Process!.Output, StringComparison.Ordinal);
        var started = await start.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(started.ExitCode == 0, started.ToString());

        // The next daemon reads the same from its database: deleting the instance sweeps nothing.
        d.Process.Terminate();
        await d.Process.WaitForExitAsync();
        await d.StartProcessAsync();
        var delete = await d.MmctlAsync("delete", "bp");
        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.DoesNotContain("reconciles and cancels what is left", d.Process.Output, StringComparison.Ordinal);
        Assert.Empty((await d.MmctlAsync("ls", "-q")).StandardOutput.Trim());
    }

    [Fact]
    public async Task TwoInstancesOnTheVenue_ShareItsRequestLimits_AndAWaitItAsksOfEither_EachWorkerIsToldAsTheOtherStartsAndStops()
    {
        await using var venue = await EmulatorProcess.StartBackpackAsync();
        using var secretsDir = new TempDirectory();
        await using var d = await StartDaemonAsync(venue, secretsDir);
        async Task StartAsync(string name, uint tag)
        {
            var file = d.Dir.Combine(name + ".json");
            await File.WriteAllTextAsync(file, SpecJson(name, tag));
            Assert.Equal(0, (await d.MmctlAsync("start", "-f", file)).ExitCode);
            await d.WaitForAsync(name, i => i.State == InstanceState.Running && i.Stats is { OpenBuyOrders: > 0 }, "quoting");
        }
        async Task<string> LogAsync(string name) => (await d.MmctlAsync("logs", name)).StandardOutput;

        await StartAsync("bp-a", 1);
        var alone = (await d.MmctlAsync("status", "bp-a")).StandardOutput;
        Assert.Matches(@"request limits +backpack: its own", alone);
        Assert.Contains("request limits on backpack: its own", await LogAsync("bp-a"), StringComparison.Ordinal);

        // The second starts with half, and the first is told within a tick.
        await StartAsync("bp-b", 2);
        Assert.Contains("request limits on backpack: shared by 2 running instances, 1/2 each", await LogAsync("bp-b"), StringComparison.Ordinal);
        await d.WaitForAsync("bp-a", i => i.RequestSharers.GetValueOrDefault("backpack") == 2, "bp-a told it shares backpack");
        // Evenly, or split by demand once the daemon has heard what each asked (a busy machine may take a report to tell).
        Assert.Matches(@"backpack: shared by 2 running instances, (1/2 each|this one's part \d+(\.\d)?% \(split by demand\))",
            (await d.MmctlAsync("status", "bp-a")).StandardOutput);
        await Until.TrueAsync(async () => (await LogAsync("bp-a")).Contains("shared by 2 running instances", StringComparison.Ordinal), "bp-a's worker took half");

        // The venue tells one of them to wait (a 429 with Retry-After 3 s): its limit is the host's, so the other waits too.
        using (var http = new HttpClient())
        {
            var fault = new StringContent("""{"kind":"RateLimit","count":1,"retryAfter":"00:00:03"}""", System.Text.Encoding.UTF8, "application/json");
            (await http.PostAsync(new Uri(venue.RestUrl + "/_emulator/faults"), fault)).EnsureSuccessStatusCode();
        }
        await Until.TrueAsync(() => d.Process!.Output.Contains("backpack asked it to wait 3 s; the 1 other instance(s) there wait as long", StringComparison.Ordinal),
            "the daemon passed the 429 on", TimeSpan.FromSeconds(30));
        var told = d.Process!.Output.Contains("bp-a: backpack asked it to wait", StringComparison.Ordinal) ? "bp-b" : "bp-a";
        await Until.TrueAsync(async () => (await LogAsync(told)).Contains("no request to backpack for 3 s: the venue asked another instance on it to wait", StringComparison.Ordinal),
            $"{told} held its requests");

        // The second stops: the first has the whole budget again.
        Assert.Equal(0, (await d.MmctlAsync("stop", "bp-b")).ExitCode);
        await d.WaitForAsync("bp-a", i => i.RequestSharers.GetValueOrDefault("backpack") == 1, "bp-a alone again");
        await Until.TrueAsync(async () => (await LogAsync("bp-a")).Split('\n').Last(l => l.Contains("request limits on backpack", StringComparison.Ordinal))
            .Contains("its own", StringComparison.Ordinal), "bp-a's worker took the whole budget again");
        Assert.Equal(0, (await d.MmctlAsync("stop", "bp-a")).ExitCode);
    }

    [Fact]
    public async Task AQuietGridBesideABusyMarketMaker_LeavesItMostOfTheVenuesLimit_AndTheSplitFollowsThemAsTheyStop()
    {
        // Four requests a second for the host and a lively market: the market maker's quotes queue for their turn, the grid
        // rests. Split evenly each had two; split by demand the grid keeps a quarter of its half and the rest goes to the
        // market maker.
        await using var limited = await LimitedAsync(requestsPerSecond: 4);
        var d = limited.Daemon;
        var grid = await d.MmctlAsync("start", "--venue", "backpack", "--symbol", "SOL_USDC", "--strategy", "spot_grid", "grid");
        Assert.True(grid.ExitCode == 0, grid.ToString());

        static uint Part(Instance i) => i.RequestPartPpm.GetValueOrDefault("backpack");
        await d.WaitForAsync("grid", i => i.Stats is { OpenBuyOrders: > 0 } && Part(i) is > 0 and < 500_000, "the resting grid's part below half", TimeSpan.FromSeconds(60));
        var busy = await d.WaitForAsync("bp", i => Part(i) > 500_000, "the market maker's part above half", TimeSpan.FromSeconds(30));
        Assert.Equal(2u, busy.RequestSharers["backpack"]);
        Assert.Matches(@"backpack: shared by 2 running instances, this one's part \d+(\.\d)?% \(split by demand\)", (await d.MmctlAsync("status", "bp")).StandardOutput);

        // The grid stopping asks all it can get (a cancel per order): the split is even while it stops, and then the
        // market maker has the venue to itself.
        var stop = await d.MmctlAsync("stop", "grid");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Contains("grid: stopped; 0 own orders left on the venue", (await d.MmctlAsync("logs", "grid")).StandardOutput, StringComparison.Ordinal);
        await d.WaitForAsync("bp", i => i.RequestSharers.GetValueOrDefault("backpack") == 1 && Part(i) == 0, "the market maker alone on the venue");
        Assert.Matches(@"request limits +backpack: its own", (await d.MmctlAsync("status", "bp")).StandardOutput);
        Assert.Equal(0, (await d.MmctlAsync("stop", "bp")).ExitCode);
    }

    [Fact]
    public async Task MmdRunOfAnInstanceItsDaemonRuns_OrOfOneInItsClientIdTag_IsRefused_BeforeItTouchesTheVenue_AndTheRunningWorkerQuotesOn()
    {
        await using var quoting = await QuotingAsync();
        var (_, d, running, rest) = quoting;

        // The same spec run by hand with the daemon's configuration: the same journal, client id prefix and account. A
        // second worker would take the first one's quotes for its own (and cancel them at its stop) and quote beside them.
        using var second = MmdProcess.StartWithConfig(d.Dir.Path, d.ConfigPath, "run", "-f", d.Dir.Combine("bp.json"));
        Assert.True(await second.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 5, second.Output);
        Assert.Contains($"mmd run: exit code 5: another worker of instance 'bp' (pid {running.Pid}) runs on this state dir: ", second.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(", journal ", second.StandardOutput, StringComparison.Ordinal); // it stopped before it opened the journal or the venue

        // Another instance numbering its orders in bp's client-id tag (derived from its name) is refused the same way.
        var sameTag = d.Dir.Combine("other.json");
        await File.WriteAllTextAsync(sameTag, SpecJson("other", tag: BackpackClientIds.DefaultTag("bp")));
        using var third = MmdProcess.StartWithConfig(d.Dir.Path, d.ConfigPath, "run", "-f", sameTag);
        Assert.True(await third.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 5, third.Output);
        Assert.Contains($"another worker on this state dir (instance 'bp', pid {running.Pid}) numbers its orders in Backpack's client-id tag {BackpackClientIds.DefaultTag("bp")}: ",
            third.StandardError, StringComparison.Ordinal);

        var after = await d.WaitForAsync("bp", i => i.State == InstanceState.Running && i.Stats is { OpenBuyOrders: 2, OpenSellOrders: 2 }, "still quoting");
        Assert.Equal((running.Pid, running.Restarts), (after.Pid, after.Restarts));
        await quoting.FourQuotesAsync(); // the worker's own, still resting (or replaced by it)

        // Once the daemon's worker has stopped, the same run goes ahead (for two seconds: its duration) and ends flat.
        Assert.Equal(0, (await d.MmctlAsync("stop", "bp")).ExitCode);
        using var alone = MmdProcess.StartWithConfig(d.Dir.Path, d.ConfigPath, "run", "-f", d.Dir.Combine("bp.json"), "--duration", "2s");
        Assert.True(await alone.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, alone.Output);
        Assert.Empty(await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task TheSameInstanceUnderADaemonOnAnotherStateDir_IsSeenByItsOrders_AndHalts_LeavingTheFirstWorkersOrdersAlone()
    {
        await using var quoting = await QuotingAsync();
        var (venue, d, running, rest) = quoting;

        // The same spec under a second daemon with a state dir of its own, on the same account: no lock of one state dir
        // sees the other. Its start-up takes the first worker's quotes for strays of an earlier run (they are not in its
        // journal) and cancels them; the first quotes again. Before, each then cancelled the other's quotes on sight,
        // on and on, and counted the other's fills as its own.
        using var twinSecrets = new TempDirectory();
        await using var twin = await StartDaemonAsync(venue, twinSecrets);
        var spec = twin.Dir.Combine("bp.json");
        await File.WriteAllTextAsync(spec, SpecJson("bp"));
        var start = await twin.MmctlAsync("start", "-f", spec);
        Assert.True(start.ExitCode == 0, start.ToString());

        // The second sees the first's new quotes, which carry its prefix and are in no journal of its: it halts.
        const string Reason = "carries this instance's client-id prefix, but no run of it placed it (it is not in its journal): another process trades as 'bp' on this account";
        var halted = await twin.WaitForAsync("bp", i => i.State == InstanceState.Running && i.Stats is { KillSwitchTripped: true, OpenBuyOrders: 0, OpenSellOrders: 0 } s
            && s.KillSwitchReason.Contains(Reason, StringComparison.Ordinal), "the second worker halts", TimeSpan.FromSeconds(60));
        Assert.Equal(0u, halted.Restarts); // a halt, not a crash
        var status = await twin.MmctlAsync("status", "bp");
        Assert.Contains(Reason, status.StandardOutput.ReplaceLineEndings(" "), StringComparison.Ordinal);

        // From then on the first worker's orders are left alone: it quotes on, requoting as the market moves (or, had it
        // seen one of the second's quotes first, it halted the same way); it is never restarted.
        const string Stray = "rests on the venue but is not one this run is working";
        async Task<int> StraysCancelledAsync() => (await twin.MmctlAsync("logs", "bp")).StandardOutput.AsSpan().Count(Stray);
        var straysCancelled = await StraysCancelledAsync();
        var first = await d.GetAsync("bp");
        if (!first.Stats.KillSwitchTripped)
            await d.WaitForAsync("bp", i => i.Stats.OrdersPlaced > first.Stats.OrdersPlaced + 2 || i.Stats.KillSwitchTripped, "the first worker requotes", TimeSpan.FromSeconds(60));
        Assert.Equal(straysCancelled, await StraysCancelledAsync());
        first = await d.GetAsync("bp");
        Assert.Equal((InstanceState.Running, running.Pid, 0u), (first.State, first.Pid, first.Restarts));
        var second = await twin.GetAsync("bp");
        Assert.Equal((halted.Pid, 0u, true), (second.Pid, second.Restarts, second.Stats.KillSwitchTripped));

        Assert.Equal(0, (await d.MmctlAsync("stop", "bp")).ExitCode);
        Assert.Equal(0, (await twin.MmctlAsync("stop", "bp")).ExitCode);
        Assert.Empty(await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task AStartedInstance_NumbersItsOrdersOnFromItsJournalsLastOrder_NotFromTheClock()
    {
        await using var quoting = await QuotingAsync();
        var (_, d, _, rest) = quoting;
        Assert.Equal(0, (await d.MmctlAsync("stop", "bp")).ExitCode);
        await d.WaitForAsync("bp", i => i.State == InstanceState.Stopped, "stopped");

        // The last order in the journal is numbered far ahead of where the clock would start the next run: an earlier run
        // that ordered faster than 16 a second. Numbered from the clock, the next run would hand out its numbers again.
        const uint Mask = (1u << BackpackClientIds.CounterBits) - 1;
        var tag = SpecValidatorTag("bp");
        var ahead = (uint)((DateTimeOffset.UtcNow.ToUnixTimeSeconds() * 16 + 100_000) & Mask);
        var last = new Mmd.Trading.Orders.TrackedOrder
        {
            ClientOrderId = $"bp_{(tag << BackpackClientIds.CounterBits) | ahead}", Symbol = Symbol, Side = Mmd.Trading.Primitives.Side.Buy,
            Type = Mmd.Trading.Execution.OrderType.Limit, TimeInForce = Mmd.Trading.Execution.TimeInForce.Gtc, Price = 100m, Quantity = 0.2m,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        var journalPath = Path.Combine(d.StateDir, "instances", "bp", "journal.db");
        await using (var journal = new SqliteTradingJournal(await MmdDatabase.OpenAsync(journalPath, CancellationToken.None), "bp", "backpack"))
        {
            await journal.SaveOrdersAsync([last], CancellationToken.None);
            last.Restore(Mmd.Trading.Orders.OrderStatus.Cancelled, "1", 0m, last.CreatedAt, null);
            await journal.SaveOrdersAsync([last], CancellationToken.None);
        }

        Assert.Equal(0, (await d.MmctlAsync("start", "bp")).ExitCode);
        await d.WaitForAsync("bp", i => i.State == InstanceState.Running && i.Stats is { OpenBuyOrders: 2, OpenSellOrders: 2 }, "quoting again");
        var open = Array.Empty<BackpackOrder>();
        await Until.TrueAsync(async () => (open = await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None)).Length == 4, "the venue lists the four quotes");
        Assert.All(open, o => Assert.InRange((o.ClientId!.Value - ahead) & Mask, 1u, 1000u)); // right after it, round the counter if need be
        Assert.Equal(0, (await d.MmctlAsync("stop", "bp")).ExitCode);
    }

    [Fact]
    public async Task SecondInstanceWithTheSameClientIdTag_IsRefused_NamingTheField()
    {
        await using var venue = await EmulatorProcess.StartBackpackAsync();
        using var secretsDir = new TempDirectory();
        await using var d = await StartDaemonAsync(venue, secretsDir);
        var first = d.Dir.Combine("a.json");
        await File.WriteAllTextAsync(first, SpecJson("bp-a", tag: 7));
        Assert.Equal(0, (await d.MmctlAsync("start", "-f", first)).ExitCode);
        var second = d.Dir.Combine("b.json");
        await File.WriteAllTextAsync(second, SpecJson("bp-b", tag: 7));
        var refused = await d.MmctlAsync("start", "-f", second);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("backpack.client_id_tag", refused.StandardError, StringComparison.Ordinal);
        Assert.Contains("bp-a", refused.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretsFileReadableByOthers_IsRefused_AndTheDaemonDoesNotStart()
    {
        using var dir = new TempDirectory();
        var secrets = dir.Combine("secrets.env");
        await File.WriteAllTextAsync(secrets, $"BACKPACK_KEY={Key}\nBACKPACK_SECRET={Secret}\n");
        File.SetUnixFileMode(secrets, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var config = dir.Combine("daemon.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new { socketPath = "state/mmd.sock", stateDir = "state", logDir = "logs", secretsFile = "secrets.env" }));
        using var mmd = MmdProcess.StartWithConfig(dir.Path, config);
        Assert.Equal(2, await mmd.WaitForExitAsync(Mmd.TestKit.TaskExtensions.Timeout));
        Assert.Contains("chmod 600", mmd.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, mmd.Output, StringComparison.Ordinal);
    }

    /// <summary>The emulator with a lively market (quotes move often), a daemon held to a few requests a second on it, and "bp" started.</summary>
    private sealed record Limited(EmulatorProcess Venue, TempDirectory SecretsDir, DaemonUnderTest Daemon) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Daemon.DisposeAsync();
            SecretsDir.Dispose();
            await Venue.DisposeAsync();
        }
    }

    private static async Task<Limited> LimitedAsync(int requestsPerSecond)
    {
        var venue = await EmulatorProcess.StartBackpackAsync("--volatility-pct", "0.2");
        var secretsDir = new TempDirectory();
        DaemonUnderTest? d = null;
        try
        {
            d = await BackpackDaemon.StartAsync(venue, secretsDir, requestsPerSecond: requestsPerSecond);
            var spec = d.Dir.Combine("bp.json");
            await File.WriteAllTextAsync(spec, SpecJson("bp", 1));
            var start = await d.MmctlAsync("start", "-f", spec);
            Assert.True(start.ExitCode == 0, start.ToString());
            return new Limited(venue, secretsDir, d);
        }
        catch
        {
            // No process may outlive a failed set-up.
            if (d is not null) await d.DisposeAsync();
            secretsDir.Dispose();
            await venue.DisposeAsync();
            throw;
        }
    }

    private static Task<DaemonUnderTest> StartDaemonAsync(EmulatorProcess venue, TempDirectory secretsDir, bool quickRestarts = false) =>
        BackpackDaemon.StartAsync(venue, secretsDir, quickRestarts);

    /// <summary>The emulator, a daemon on it, the "bp" instance quoting, and a client of the venue; disposed in reverse.</summary>
    private sealed record Quoting(EmulatorProcess Venue, DaemonUnderTest Daemon, Instance Running, BackpackRestClient Rest, TempDirectory SecretsDir) : IAsyncDisposable
    {
        public void Deconstruct(out EmulatorProcess venue, out DaemonUnderTest daemon, out Instance running, out BackpackRestClient rest) =>
            (venue, daemon, running, rest) = (Venue, Daemon, Running, Rest);

        /// <summary>Until the venue lists the four quotes (the instance's stats count them sooner).</summary>
        public Task FourQuotesAsync() =>
            Until.TrueAsync(async () => (await Rest.GetOpenOrdersAsync(Symbol, CancellationToken.None)).Length == 4, "the venue holds the four quotes", TimeSpan.FromSeconds(30));

        public async ValueTask DisposeAsync()
        {
            Rest.Dispose();
            await Daemon.DisposeAsync();
            SecretsDir.Dispose();
            await Venue.DisposeAsync();
        }
    }

    /// <summary>
    /// The stop's request for the open orders is answered 9 s late. Scripted once the worker has read them for its start-up
    /// and for the catch-up after its account stream connected (none for a second): it reads them again only when it
    /// stops, or its stream drops, so the fault meets the stop's read.
    /// </summary>
    private static async Task TheStopsOpenOrdersReadIsAnswered9sLateAsync(EmulatorProcess venue)
    {
        using var http = new HttpClient();
        await Until.TrueAsync(async () =>
        {
            var reads = (await http.GetFromJsonAsync<JsonElement>(new Uri(venue.RestUrl + "/_emulator/requests"))).EnumerateArray()
                .Where(r => r.GetProperty("method").GetString() == "GET" && r.GetProperty("path").GetString() == "/api/v1/orders").ToList();
            return reads.Count > 0 && reads[^1].GetProperty("agoMs").GetInt64() > 1000;
        }, "the start-up's reads of the open orders are done", TimeSpan.FromSeconds(30));
        var slow = new StringContent("""{"kind":"Slow","method":"GET","path":"/api/v1/orders","delay":"00:00:09"}""", System.Text.Encoding.UTF8, "application/json");
        (await http.PostAsync(new Uri(venue.RestUrl + "/_emulator/faults"), slow)).EnsureSuccessStatusCode();
    }

    /// <param name="fourQuotes">Also wait until the venue lists the four quotes (<see cref="Quoting.FourQuotesAsync"/>).</param>
    private static async Task<Quoting> QuotingAsync(bool fourQuotes = true)
    {
        var venue = await EmulatorProcess.StartBackpackAsync();
        var secretsDir = new TempDirectory();
        DaemonUnderTest? d = null;
        try
        {
            d = await StartDaemonAsync(venue, secretsDir);
            var quoting = new Quoting(venue, d, await StartQuotingAsync(d), Rest(venue), secretsDir);
            if (fourQuotes) await quoting.FourQuotesAsync();
            return quoting;
        }
        catch
        {
            // No process may outlive a failed set-up.
            if (d is not null) await d.DisposeAsync();
            secretsDir.Dispose();
            await venue.DisposeAsync();
            throw;
        }
    }

    /// <summary>`mmctl start -f` of the "bp" spec; returns once it runs with its two quotes a side.</summary>
    private static async Task<Instance> StartQuotingAsync(DaemonUnderTest d)
    {
        var spec = d.Dir.Combine("bp.json");
        await File.WriteAllTextAsync(spec, SpecJson("bp"));
        var start = await d.MmctlAsync("start", "-f", spec);
        Assert.True(start.ExitCode == 0, start.ToString());
        return await d.WaitForAsync("bp", i => i.State == InstanceState.Running && i.Stats is { OpenBuyOrders: 2, OpenSellOrders: 2 }, "quoting on the emulator");
    }

    private static string SpecJson(string name, uint tag = 0) => JsonSerializer.Serialize(new
    {
        name,
        venue = "backpack",
        symbol = Symbol,
        perpMarketMaking = new { spreadPct = "0.05", orderQuantity = "0.2", levels = 2, maxPosition = "4", positionThreshold = "1", interval = "10s" },
        risk = new { maxPosition = "6", priceBandPct = "5" },
        backpack = new { clientIdTag = tag },
    });

    private static uint SpecValidatorTag(string name) => BackpackClientIds.DefaultTag(name);

    private static BackpackRestClient Rest(EmulatorProcess venue) => BackpackDaemon.Rest(venue);
}
