using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using GrpcMM.Protos.V1;
using Mmd.Exchanges.Backpack;
using Mmd.TestKit;

namespace Mmd.EndToEnd.Tests;

/// <summary>
/// <c>mmd account</c>, <c>markets</c>, <c>book</c>, <c>candles</c>, <c>analyze</c> and <c>deposit-address</c> as real processes against the Backpack emulator process: read with no
/// daemon call, beside an instance trading the same account, and nothing on the venue changed by reading it.
/// </summary>
public sealed class VenueReadCommandsTests
{
    private const string Symbol = "SOL_USDC_PERP";

    [Fact]
    public async Task Account_ReadsBalancesAndTheOpenOrders_MarkingTheInstancesOwn_AndChangesNothing()
    {
        await using var venue = await EmulatorProcess.StartBackpackAsync();
        using var secretsDir = new TempDirectory();
        await using var d = await BackpackDaemon.StartAsync(venue, secretsDir);
        using var rest = BackpackDaemon.Rest(venue);
        var spec = d.Dir.Combine("bp.json");
        await File.WriteAllTextAsync(spec, JsonSerializer.Serialize(new
        {
            name = "bp",
            venue = "backpack",
            symbol = Symbol,
            perpMarketMaking = new { spreadPct = "0.05", orderQuantity = "0.2", levels = 2, maxPosition = "4", positionThreshold = "1", interval = "10s" },
            risk = new { maxPosition = "6", priceBandPct = "5" },
        }));
        Assert.Equal(0, (await d.MmctlAsync("start", "-f", spec)).ExitCode);
        var running = await d.WaitForAsync("bp", i => i.State == InstanceState.Running && i.Stats is { OpenBuyOrders: 2, OpenSellOrders: 2 }, "quoting");
        var low = (await rest.GetDepthAsync(Symbol, CancellationToken.None).DefaultTimeout()).Bids.Min(l => decimal.Parse(l[0], CultureInfo.InvariantCulture)) - 5m;
        var byHand = await PlaceAsync(rest, low, clientId: null);

        // Beside the running instance: its quotes are its own, the hand-placed order is not.
        // A read taken while the quotes are being replaced may find none of them: read again then (a few times at most).
        var read = await AccountAsync(d, "-f", spec);
        for (var again = 0; again < 4 && read.StandardOutput.Contains(": 0 of bp's own", StringComparison.Ordinal); again++) read = await AccountAsync(d, "-f", spec);
        Assert.True(read.ExitCode == 0, read.ToString());
        Assert.Contains($"backpack account of {Symbol}, read at ", read.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  ASSET +AVAILABLE +LOCKED +TOTAL$", read.StandardOutput);
        var counts = Regex.Match(read.StandardOutput, $@"open orders on {Symbol}: (\d+) of bp's own, 1 of others'");
        Assert.True(counts.Success, read.ToString());
        var own = int.Parse(counts.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(own, 1, 4); // one may be mid-replacement
        Assert.Equal(own, Regex.Count(read.StandardOutput, @"(?m)^  yes +bp_\d+ "));
        Assert.Contains(byHand.Id, read.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(running.Pid, (await d.GetAsync("bp")).Pid);

        // Stopped, with an order of the instance's numbering left on the book (as a worker killed mid-placement could):
        // shown as its own, and left there; the read cancels nothing.
        Assert.Equal(0, (await d.MmctlAsync("stop", "bp")).ExitCode);
        var tag = BackpackClientIds.DefaultTag("bp");
        var left = await PlaceAsync(rest, low - 1m, clientId: tag << BackpackClientIds.CounterBits | 5);
        var notRunning = await d.MmctlAsync("account", "bp");
        Assert.NotEqual(0, notRunning.ExitCode);
        Assert.Contains("without a worker: mmctl spec bp > bp.json && mmd account -f bp.json", notRunning.StandardError, StringComparison.Ordinal);
        var saved = await d.MmctlAsync("spec", "bp");
        Assert.True(saved.ExitCode == 0, saved.ToString());
        spec = d.Dir.Combine("bp-saved.json");
        await File.WriteAllTextAsync(spec, saved.StandardOutput); // the spec as the daemon keeps it, as the hint says
        var json = await AccountAsync(d, "-f", spec, "-o", "json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var line = Assert.Single(json.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var document = JsonDocument.Parse(line);
        var orders = document.RootElement.GetProperty("openOrders").EnumerateArray().ToList();
        Assert.Equal(2, orders.Count);
        var ours = Assert.Single(orders, o => o.GetProperty("own").GetBoolean());
        Assert.Equal(left.Id, ours.GetProperty("venueOrderId").GetString());
        Assert.Equal($"bp_{left.ClientId}", ours.GetProperty("clientOrderId").GetString());
        Assert.Equal("buy", ours.GetProperty("side").GetString());
        Assert.Equal(byHand.Id, Assert.Single(orders, o => !o.GetProperty("own").GetBoolean()).GetProperty("venueOrderId").GetString());
        var stillOpen = (await rest.GetOpenOrdersAsync(Symbol, CancellationToken.None).DefaultTimeout()).Select(o => o.Id);
        Assert.Equal(new[] { byHand.Id, left.Id }.Order(StringComparer.Ordinal), stillOpen.Order(StringComparer.Ordinal));

        // No spec: every venue whose credentials are set (here Backpack's, in the secrets file), balances and positions only.
        var all = await AccountAsync(d);
        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.StartsWith("backpack account, read at ", all.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("open orders", all.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(BackpackDaemon.Secret, all.StandardOutput + all.StandardError, StringComparison.Ordinal);

        // A symbol's open orders with no spec: every one, none marked as an instance's; a symbol needs its one venue.
        var symbolOrders = await AccountAsync(d, "--venue", "backpack", "--symbol", Symbol);
        Assert.True(symbolOrders.ExitCode == 0, symbolOrders.ToString());
        Assert.Contains($"backpack account of {Symbol}, read at ", symbolOrders.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"open orders on {Symbol}: 2\n", symbolOrders.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(byHand.Id, symbolOrders.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(left.Id, symbolOrders.StandardOutput, StringComparison.Ordinal);
        var noVenue = await AccountAsync(d, "--symbol", Symbol);
        Assert.Equal(2, noVenue.ExitCode);
        Assert.Contains("mmd account: --symbol goes with one --venue", noVenue.StandardError, StringComparison.Ordinal);

        // A venue whose credentials are not set: said, and exit 1 (the others are still read).
        var aster = await AccountAsync(d, "--venue", "backpack", "--venue", "aster");
        Assert.Equal(1, aster.ExitCode);
        Assert.Contains("backpack account, read at ", aster.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("aster account, read at ", aster.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("could not read it: ASTER_USER is not set", aster.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("mmd account: could not read the aster account", aster.StandardError, StringComparison.Ordinal);

        var bad = await AccountAsync(d, "--venue", "nope");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("unknown venue 'nope'", bad.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MarketsBookAndDepositAddress_AreReadFromTheVenueNow()
    {
        await using var venue = await EmulatorProcess.StartBackpackAsync();
        using var dir = new TempDirectory();
        var config = await ConfigAsync(dir, "backpack", venue, new Dictionary<string, string> { ["BACKPACK_KEY"] = BackpackDaemon.Key, ["BACKPACK_SECRET"] = BackpackDaemon.Secret });
        using var rest = BackpackDaemon.Rest(venue);
        var listed = (await rest.GetMarketsAsync(CancellationToken.None).DefaultTimeout()).Where(m => m.Symbol.Contains("SOL", StringComparison.Ordinal) && m.MarketType is "SPOT" or "PERP").ToList();

        var all = await MmdAsync(dir.Path, config, "markets", "--filter", "sol");
        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.Contains("paper: 2 markets matching 'sol'", all.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  SOL_USDC_PERP +perp +SOL +USDC +0\.01 +0\.01 +0\.01 +1$", all.StandardOutput);
        Assert.Contains($"backpack: {listed.Count} markets matching 'sol'", all.StandardOutput, StringComparison.Ordinal);
        Assert.All(listed, m => Assert.Matches($@"(?m)^  {m.Symbol} +(spot|perp) ", all.StandardOutput));

        var json = await MmdAsync(dir.Path, config, "markets", "--venue", "backpack", "-o", "json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var lines = json.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var perp = Assert.Single(lines, l => l.GetProperty("symbol").GetString() == Symbol);
        Assert.Equal("backpack", perp.GetProperty("venue").GetString());
        Assert.Equal("perp", perp.GetProperty("kind").GetString());
        Assert.Equal(listed.Single(m => m.Symbol == Symbol).Filters.Price.TickSize, decimal.Parse(perp.GetProperty("tickSize").GetString()!, CultureInfo.InvariantCulture));

        // Markets are public: read with no secrets file (and none in the test's environment), as the book is below.
        var publicConfig = await ConfigAsync(dir, "backpack", venue, credentials: null);
        var noKey = await MmdAsync(dir.Path, publicConfig, "markets", "--venue", "backpack", "--filter", "sol");
        Assert.True(noKey.ExitCode == 0, noKey.ToString());
        Assert.Contains($"backpack: {listed.Count} markets matching 'sol'", noKey.StandardOutput, StringComparison.Ordinal);
        var noVenue = await MmdAsync(dir.Path, publicConfig, "markets"); // no venue named: the paper venue and those with credentials
        Assert.True(noVenue.ExitCode == 0, noVenue.ToString());
        Assert.StartsWith("paper: ", noVenue.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("backpack", noVenue.StandardOutput, StringComparison.Ordinal);

        // The book of one of them, as the venue's stream gives it: three levels a side, best prices nearest the spread.
        var book = await MmdAsync(dir.Path, publicConfig, "book", "--venue", "backpack", "--symbol", Symbol, "--depth", "3");
        Assert.True(book.ExitCode == 0, book.ToString());
        Assert.StartsWith($"{Symbol} on backpack, as of ", book.StandardOutput, StringComparison.Ordinal);
        var asks = Regex.Matches(book.StandardOutput, @"(?m)^  ask +([\d.]+) +[\d.]+$").Select(m => decimal.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        var bids = Regex.Matches(book.StandardOutput, @"(?m)^  bid +([\d.]+) +[\d.]+$").Select(m => decimal.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(3, asks.Count);
        Assert.Equal(3, bids.Count);
        Assert.Equal(asks.OrderDescending(), asks);
        Assert.Equal(bids.OrderDescending(), bids);
        Assert.True(asks[^1] > bids[0], book.StandardOutput);
        var spread = Regex.Match(book.StandardOutput, @"spread ([\d.]+) \(");
        Assert.True(spread.Success, book.StandardOutput);
        Assert.Equal(asks[^1] - bids[0], decimal.Parse(spread.Groups[1].Value, CultureInfo.InvariantCulture)); // 0.1, not 0.10: compared as numbers
        Assert.Matches(@"within 1 % of it: bids [\d.]+, asks [\d.]+ \(imbalance [+-]?\d\.\d\d", book.StandardOutput);

        // Its candles and the analysis of them, read with no credentials; the candles as a CSV a backtest replays.
        await AssertCandlesAndAnalysisAsync(dir.Path, publicConfig, "backpack", "SOL_USDC", spot: true);
        var csv = dir.Combine("sol-1m.csv");
        var candles = await MmdAsync(dir.Path, publicConfig, "candles", "--venue", "backpack", "--symbol", "SOL_USDC", "--since", "30m", "-o", "csv");
        Assert.True(candles.ExitCode == 0, candles.ToString());
        await File.WriteAllTextAsync(csv, candles.StandardOutput);
        using (var backtest = MmdProcess.Start(dir.Path, "backtest", "-f", Repository.Combine("daemon", "templates", "paper-spot-mm.json"), "--prices", csv, "--for", "5m"))
        {
            Assert.True(await backtest.WaitForExitAsync() == 0, backtest.StandardError);
            Assert.Matches(@"== backtest: 5m00s of recorded prices sol-1m\.csv \((29|30|31) candles from ", backtest.StandardOutput);
        }
        var paper = await MmdAsync(dir.Path, publicConfig, "analyze", "--venue", "paper", "--symbol", "SOL_USDC");
        Assert.Equal(2, paper.ExitCode);
        Assert.Contains("mmd analyze: the paper venue's market is simulated inside each instance", paper.StandardError, StringComparison.Ordinal);
        var hours = await MmdAsync(dir.Path, publicConfig, "candles", "--venue", "backpack", "--symbol", "SOL_USDC", "--interval", "2h");
        Assert.Equal(2, hours.ExitCode);
        Assert.Contains("mmd candles: --interval '2h' is not one of 1m, 5m, 15m, 30m, 1h, 4h, 1d", hours.StandardError, StringComparison.Ordinal);

        var unknown = await MmdAsync(dir.Path, config, "book", "--venue", "backpack", "--symbol", "NOPE_USDC");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("mmd book: could not read the NOPE_USDC book on backpack: ", unknown.StandardError, StringComparison.Ordinal);

        // The account's deposit address on a chain (any case), and a chain Backpack has not: exit 2, the chains listed.
        var deposit = await MmdAsync(dir.Path, config, "deposit-address", "--blockchain", "solana");
        Assert.True(deposit.ExitCode == 0, deposit.ToString());
        Assert.Matches(@"^backpack deposit address on Solana: 0x[0-9a-f]{40}\n$", deposit.StandardOutput);
        var narnia = await MmdAsync(dir.Path, config, "deposit-address", "--blockchain", "Narnia");
        Assert.Equal(2, narnia.ExitCode);
        Assert.Contains("Backpack has no blockchain 'Narnia' (it has: 0G, Aptos, Arbitrum", narnia.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("aster", "SOLUSDC")]
    [InlineData("paradex", "SOL-USD-PERP")]
    [InlineData("lighter", "SOL")]
    public async Task AccountMarketsAndBook_ReadEveryVenue_ThroughItsConnector(string venueName, string symbol)
    {
        await using var venue = venueName switch
        {
            "aster" => await EmulatorProcess.StartAsterAsync(),
            "paradex" => await EmulatorProcess.StartParadexAsync(),
            _ => await EmulatorProcess.StartLighterAsync(),
        };
        var credentials = venueName switch { "aster" => AsterTestKeys.V3Variables, "paradex" => ParadexTestKeys.Variables, _ => LighterTestKeys.Variables };
        using var dir = new TempDirectory();
        var config = await ConfigAsync(dir, venueName, venue, credentials);

        var account = await MmdAsync(dir.Path, config, "account");
        Assert.True(account.ExitCode == 0, account.ToString());
        Assert.StartsWith($"{venueName} account, read at ", account.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  USDC +[\d.]+ +[\d.]+ +[\d.]+$", account.StandardOutput); // the emulator's account holds USDC
        foreach (var (_, secret) in credentials.Where(c => c.Key.Contains("PRIVATE_KEY", StringComparison.Ordinal))) // not the account index or key index: plain numbers
            Assert.DoesNotContain(secret, account.StandardOutput + account.StandardError, StringComparison.Ordinal);

        // Markets and books are the venue's public data: read the same with the credentials and without any.
        var publicConfig = await ConfigAsync(dir, venueName, venue, credentials: null);
        foreach (var read in new[] { config, publicConfig })
        {
            var markets = await MmdAsync(dir.Path, read, "markets", "--venue", venueName, "--filter", "sol");
            Assert.True(markets.ExitCode == 0, markets.ToString());
            Assert.Matches($@"(?m)^  {Regex.Escape(symbol)} +perp ", markets.StandardOutput);
        }

        var book = await MmdAsync(dir.Path, publicConfig, "book", "--venue", venueName, "--symbol", symbol, "--depth", "2");
        Assert.True(book.ExitCode == 0, book.ToString());
        Assert.Equal(2, Regex.Count(book.StandardOutput, @"(?m)^  ask "));
        Assert.Equal(2, Regex.Count(book.StandardOutput, @"(?m)^  bid "));
        Assert.Contains(" at mid ", book.StandardOutput, StringComparison.Ordinal);

        await AssertCandlesAndAnalysisAsync(dir.Path, publicConfig, venueName, symbol, spot: false);
    }

    /// <summary>
    /// <c>mmd analyze</c> reads the last 100 closed quarter-hours and the book; its figures are those of the same
    /// candles read with <c>mmd candles</c> (read again should a quarter end between the two).
    /// </summary>
    private static async Task AssertCandlesAndAnalysisAsync(string directory, string config, string venue, string symbol, bool spot)
    {
        var quarter = TimeSpan.FromMinutes(15);
        for (var attempt = 1; ; attempt++)
        {
            var until = Trading.Execution.CandleIntervals.Floor(DateTimeOffset.UtcNow, quarter);
            var analyze = await MmdAsync(directory, config, "analyze", "--venue", venue, "--symbol", symbol, "-o", "json");
            Assert.True(analyze.ExitCode == 0, analyze.ToString());
            var candles = await MmdAsync(directory, config, "candles", "--venue", venue, "--symbol", symbol, "--interval", "15m",
                "--since", (until - 100 * quarter).ToString("o"), "--until", until.ToString("o"), "-o", "csv");
            Assert.True(candles.ExitCode == 0, candles.ToString());
            if (Trading.Execution.CandleIntervals.Floor(DateTimeOffset.UtcNow, quarter) != until && attempt == 1) continue;

            var rows = candles.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("time,open,high,low,close,volume", rows[0]);
            var closes = rows.Skip(1).Select(r => decimal.Parse(r.Split(',')[4], CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(100, closes.Count);
            Assert.Equal((until - quarter).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), rows[^1].Split(',')[0]);
            var a = JsonDocument.Parse(analyze.StandardOutput).RootElement;
            Assert.Equal(venue, a.GetProperty("venue").GetString());
            Assert.Equal(100, a.GetProperty("candles").GetInt32());
            decimal Figure(JsonElement e) => decimal.Parse(e.GetString()!, CultureInfo.InvariantCulture);
            Assert.Equal(closes[^1], Figure(a.GetProperty("lastClose")));
            var averages = a.GetProperty("movingAverages").EnumerateArray().ToList(); // of 5, 20 and 50 closes, as mmctl analyze's
            foreach (var (n, average) in new[] { 5, 20, 50 }.Zip(averages))
                Assert.Equal(Math.Round(closes.TakeLast(n).Average(), 8), Figure(average));
            Assert.Equal(Math.Round(Hosting.MarketAnalysis.Volatility(closes), 6), Figure(a.GetProperty("volatilityPct")));
            Assert.Contains(a.GetProperty("trend").GetString(), new[] { "up", "down", "range" });
            Assert.Equal(spot, a.TryGetProperty("suggestedBaseTargetPct", out _));
            return;
        }
    }

    /// <summary>
    /// A daemon.json naming the emulator as the venue, with its credentials in a 0600 secrets file beside it; without
    /// credentials, public.json, with no secrets file.
    /// </summary>
    private static async Task<string> ConfigAsync(TempDirectory dir, string venueName, EmulatorProcess venue, IReadOnlyDictionary<string, string>? credentials)
    {
        var keys = new Dictionary<string, object>
        {
            ["stateDir"] = "state", ["logDir"] = "logs",
            ["venues"] = new Dictionary<string, object> { [venueName] = new { restUrl = venue.RestUrl, wsUrl = venue.WebSocketUrl } },
        };
        if (credentials is not null)
        {
            var secrets = dir.Combine("secrets.env");
            await File.WriteAllTextAsync(secrets, string.Concat(credentials.Select(c => $"{c.Key}={c.Value}\n")));
            File.SetUnixFileMode(secrets, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            keys["secretsFile"] = secrets;
        }
        var config = dir.Combine(credentials is null ? "public.json" : "daemon.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(keys));
        return config;
    }

    private static Task<CliResult> AccountAsync(DaemonUnderTest d, params string[] args) => MmdAsync(d.Dir.Path, d.ConfigPath, ["account", .. args]);

    private static async Task<CliResult> MmdAsync(string directory, string config, params string[] args)
    {
        using var mmd = MmdProcess.StartWithConfig(directory, config, args);
        var code = await mmd.WaitForExitAsync();
        return new CliResult(code, mmd.StandardOutput, mmd.StandardError);
    }

    private static Task<BackpackOrder> PlaceAsync(BackpackRestClient rest, decimal price, uint? clientId) =>
        rest.PlaceOrderAsync(
        [
            BackpackParameter.Text("symbol", Symbol), BackpackParameter.Text("side", "Bid"), BackpackParameter.Text("orderType", "Limit"),
            BackpackParameter.Amount("quantity", 0.1m), BackpackParameter.Amount("price", price),
            .. clientId is { } id ? [BackpackParameter.Number("clientId", id)] : Array.Empty<BackpackParameter>(),
        ], CancellationToken.None).DefaultTimeout();
}
