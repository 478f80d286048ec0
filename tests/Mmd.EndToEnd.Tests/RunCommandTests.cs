using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Mmd.Exchanges.Paper;
using Mmd.Persistence;
using Mmd.TestKit;
using Mmd.Trading.Orders;

namespace Mmd.EndToEnd.Tests;

/// <summary><c>mmd run</c> as a real process on the paper venue: real SQLite file, real signals.</summary>
public class RunCommandTests
{
    private const string Symbol = "SOL_USDC";

    // A fast, busy paper market so a few seconds hold many fills.
    private static string Spec(string name, string duration = "120s") => $$"""
        {
          "name": "{{name}}",
          "venue": "paper",
          "symbol": "{{Symbol}}",
          "duration": "{{duration}}",
          "spotMarketMaking": { "spreadPct": "0.1", "orderQuantity": "0.5", "levels": 2, "rebalanceEnabled": false, "interval": "30s" },
          "paper": { "seed": "7", "tick": "0.05s", "flowRate": "30", "volatilityPct": "0.05" }
        }
        """;

    private static string WriteSpec(TempDirectory dir, string name, string duration = "120s")
    {
        var path = dir.Combine(name + ".json");
        File.WriteAllText(path, Spec(name, duration));
        return path;
    }

    private static string JournalPath(TempDirectory dir, string name) => dir.Combine("state", "instances", name, "journal.db");

    private static Task<int> CountAsync(TempDirectory dir, string name, string sql) => JournalQuery.CountAsync(JournalPath(dir, name), sql);

    // The venue's state as the run left it (a paper account's state file is named after the account).
    private static PaperExchange OpenVenue(TempDirectory dir, string account) =>
        new(new PaperSettings { StateDirectory = dir.Combine("state", "paper"), Account = account }, new FakeTimeProvider());

    [Fact]
    public async Task BadSpec_Exits2_ListingEveryInvalidField()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("bad.json");
        File.WriteAllText(path, """
            {
              "name": "bad",
              "venue": "paper",
              "symbol": "NOPE_USDC",
              "spotMarketMaking": { "spreadPct": "-0.2", "levels": 99, "baseTargetPct": "120", "orderQuantity": "1,5" }
            }
            """);
        using var mmd = MmdProcess.Start(dir.Path, "run", "-f", path);
        Assert.Equal(2, await mmd.WaitForExitAsync());
        var stderr = mmd.StandardError;
        foreach (var field in new[] { "symbol", "spot_market_making.spread_pct", "spot_market_making.levels", "spot_market_making.base_target_pct", "spot_market_making.order_quantity" })
            Assert.Contains($": {field}: ", stderr, StringComparison.Ordinal);
        Assert.Contains($"{path}:5: spot_market_making.spread_pct", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.Combine("state", "instances")), "a bad spec must change nothing");
    }

    [Fact]
    public async Task Check_ValidatesManySpecsAtOnce_EachFilesProblemsWithTheirLines_Exit2IfAnyIsInvalid()
    {
        var templates = Repository.Combine("daemon", "templates");
        var count = Directory.GetFiles(templates, "*.json").Length;
        using (var all = MmdProcess.Start(Repository.Root, "check", templates))
        {
            Assert.True(await all.WaitForExitAsync() == 0, all.StandardOutput + all.StandardError);
            Assert.EndsWith($"{count} specs: {count} valid, 0 invalid\n", all.StandardOutput, StringComparison.Ordinal);
            Assert.Contains($"ok       {Path.Combine(templates, "paper-xemm.json")} (paper-sol-xemm: maker_taker_hedge on paper SOL_USDC, hedging on paper SOL_USDC_PERP)",
                all.StandardOutput, StringComparison.Ordinal);
        }

        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("a-good.json"), Spec("good"));
        File.WriteAllText(dir.Combine("b-bad.json"), "{\n  \"name\": \"bad\",\n  \"venue\": \"paper\",\n  \"symbol\": \"SOL_USDC\",\n  \"spotMarketMaking\": { \"spreadPct\": \"0\" }\n}\n");
        File.WriteAllText(dir.Combine("c-broken.json"), "{ \"name\": ");
        File.WriteAllText(dir.Combine("notes.txt"), "not a spec");
        // Taken as one daemon's instances: a name twice, and two Backpack instances numbering their orders in one tag.
        File.WriteAllText(dir.Combine("d-again.json"), Spec("good"));
        static string OnBackpack(string name) =>
            $$"""{"name": "{{name}}", "venue": "backpack", "symbol": "SOL_USDC_PERP", "perpMarketMaking": { "spreadPct": "0.05", "orderQuantity": "0.2" },""" + "\n"
            + """ "backpack": { "clientIdTag": 7 }}""" + "\n";
        File.WriteAllText(dir.Combine("e-bp1.json"), OnBackpack("bp1"));
        File.WriteAllText(dir.Combine("f-bp2.json"), OnBackpack("bp2"));
        // And two Lighter instances signing with the daemon's key; a third with its own.
        static string OnLighter(string name, string own = "") =>
            $$"""{"name": "{{name}}", "venue": "lighter", "symbol": "SOL", "perpMarketMaking": { "spreadPct": "0.05", "orderQuantity": "0.2" }{{own}}}""" + "\n";
        File.WriteAllText(dir.Combine("g-lt1.json"), OnLighter("lt1"));
        File.WriteAllText(dir.Combine("h-lt2.json"), OnLighter("lt2"));
        File.WriteAllText(dir.Combine("i-lt3.json"), OnLighter("lt3", """, "lighter": { "apiKeyIndex": 6 }"""));
        using var some = MmdProcess.Start(dir.Path, "check", dir.Path);
        Assert.True(await some.WaitForExitAsync() == 2, some.Output);
        Assert.Contains($"ok       {dir.Combine("a-good.json")} (good: spot_market_making on paper SOL_USDC)", some.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"invalid  {dir.Combine("b-bad.json")} (1 problem)\n  {dir.Combine("b-bad.json")}:5: spot_market_making.spread_pct: must be greater than 0\n",
            some.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"invalid  {dir.Combine("c-broken.json")} (1 problem)\n  {dir.Combine("c-broken.json")}:1: (syntax): ", some.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"invalid  {dir.Combine("d-again.json")} (1 problem)\n  {dir.Combine("d-again.json")}:2: name: 'good' is also the name in {dir.Combine("a-good.json")}; "
            + "two instances cannot share a name\n", some.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"ok       {dir.Combine("e-bp1.json")} (bp1: perp_market_making on backpack SOL_USDC_PERP)", some.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"invalid  {dir.Combine("f-bp2.json")} (1 problem)\n  {dir.Combine("f-bp2.json")}:2: backpack.client_id_tag: Backpack's client-id tag 7 is already used by instance 'bp1'; ",
            some.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"invalid  {dir.Combine("h-lt2.json")} (1 problem)\n  {dir.Combine("h-lt2.json")}: lighter.api_key_index: instance 'lt2' would sign its Lighter orders "
            + "with the daemon's API key (LIGHTER_API_KEY_INDEX), as instance 'lt1' does: ", some.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"ok       {dir.Combine("i-lt3.json")} (lt3: perp_market_making on lighter SOL)", some.StandardOutput, StringComparison.Ordinal);
        Assert.EndsWith("9 specs: 4 valid, 5 invalid\n", some.StandardOutput, StringComparison.Ordinal);

        using var json = MmdProcess.Start(dir.Path, "check", dir.Combine("b-bad.json"), "-o", "json");
        Assert.Equal(2, await json.WaitForExitAsync());
        var line = JsonDocument.Parse(json.StandardOutput).RootElement;
        Assert.False(line.GetProperty("valid").GetBoolean());
        Assert.Single(line.GetProperty("problems").EnumerateArray());
        using var missing = MmdProcess.Start(dir.Path, "check", dir.Combine("nope.json"));
        Assert.Equal(2, await missing.WaitForExitAsync());
        Assert.Contains("mmd check: no such file or folder: ", missing.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backtest_TenSimulatedMinutesOfATemplate_PrintTheReport_AndBadInputExits2()
    {
        using var dir = new TempDirectory();
        using var mmd = MmdProcess.Start(dir.Path, "backtest", "-f", Repository.Combine("daemon", "templates", "paper-spot-mm.json"), "--for", "10m", "--seed", "5");
        Assert.True(await mmd.WaitForExitAsync(TimeSpan.FromMinutes(3)) == 0, mmd.Output);
        var report = mmd.StandardOutput;
        Assert.Contains("stopped (backtest over after 10m00s)", report, StringComparison.Ordinal);
        Assert.Contains("own orders left on venue: 0", report, StringComparison.Ordinal);
        Assert.Matches(@"== backtest: 10m00s of paper market \(seed 5, tick 0\.2 s, 3000 steps\) in [\d.]+ s, \d+x real time", report);
        Assert.Matches(@"cumulative: fills [1-9]\d*", report);
        Assert.False(Directory.Exists(dir.Combine("state", "instances")), "a backtest leaves no journal behind");

        // A week, cut short by Ctrl-C once it is under way: the figures so far, and exit 0.
        var earlier = Directory.EnumerateDirectories(Path.GetTempPath(), "mmd-backtest-*").ToHashSet(); // a dead one may have had its pid
        using var week = MmdProcess.Start(dir.Path, "backtest", "-f", Repository.Combine("daemon", "templates", "paper-spot-mm.json"), "--for", "7d");
        // Its journal directory is made once its signal handlers are in place.
        await Until.TrueAsync(() => Directory.EnumerateDirectories(Path.GetTempPath(), $"mmd-backtest-{week.Pid}-*").Any(d => !earlier.Contains(d)) || week.HasExited,
            "the backtest under way");
        Signals.Kill(week.Pid, 2);
        Assert.True(await week.WaitForExitAsync(TimeSpan.FromMinutes(1)) == 0, week.Output);
        Assert.Matches(@"stopped \(backtest interrupted after [\dhms.]+\)", week.StandardOutput);
        Assert.Contains("own orders left on venue: 0", week.StandardOutput, StringComparison.Ordinal);

        // Three seeds, a line each and how they spread.
        using var three = MmdProcess.Start(dir.Path, "backtest", "-f", Repository.Combine("daemon", "templates", "paper-spot-mm.json"), "--for", "2m", "--seed", "5", "--seeds", "3");
        Assert.True(await three.WaitForExitAsync(TimeSpan.FromMinutes(3)) == 0, three.Output);
        foreach (var s in new[] { 5, 6, 7 }) Assert.Matches($@"(?m)^seed {s}: 2m00s in [\d.]+ s; furthest position [\d.]+ SOL; net PnL -?[\d.]+ USDC", three.StandardOutput);
        Assert.Matches(@"== backtest over 3 seeds from 5: net PnL mean -?[\d.]+, worst -?[\d.]+, best -?[\d.]+ USDC; [0-3] lost money", three.StandardOutput);

        using var live = MmdProcess.Start(dir.Path, "backtest", "-f", Repository.Combine("daemon", "templates", "backpack-perp-mm.json"), "--for", "1h");
        Assert.Equal(2, await live.WaitForExitAsync());
        Assert.Contains("venue: a backtest runs on the paper venue, not 'backpack'", live.StandardError, StringComparison.Ordinal);
        using var bad = MmdProcess.Start(dir.Path, "backtest", "-f", Repository.Combine("daemon", "templates", "paper-spot-mm.json"), "--for", "soon", "--seed", "x", "--seeds", "101");
        Assert.Equal(2, await bad.WaitForExitAsync());
        Assert.Contains("--for: 'soon' is not a duration", bad.StandardError, StringComparison.Ordinal);
        Assert.Contains("--seed: 'x' is not a whole number", bad.StandardError, StringComparison.Ordinal);
        Assert.Contains("--seeds: 101: must be 1-100", bad.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backtest_VariesFieldsOverTheSameSeeds_ALineASetting_AndTheBestNamed_OrAJsonLineARun_AndABadVaryExits2()
    {
        using var dir = new TempDirectory();
        var template = Repository.Combine("daemon", "templates", "paper-spot-mm.json");
        var best = dir.Combine("best.json");
        using var sweep = MmdProcess.Start(dir.Path, "backtest", "-f", template, "--for", "1m", "--seeds", "2", "--vary", "spread_pct=0.1,0.3", "--vary", "risk.maxPosition=20",
            "--save-best", best);
        Assert.True(await sweep.WaitForExitAsync(TimeSpan.FromMinutes(3)) == 0, sweep.Output);
        var text = sweep.StandardOutput;
        Assert.Contains("== backtest of 2 settings over 1m00s of paper market, seeds 42-43 each", text, StringComparison.Ordinal);
        foreach (var spread in new[] { "0.1", "0.3" })
            Assert.Matches($@"(?m)^spread_pct={Regex.Escape(spread)} risk\.maxPosition=20: net PnL mean -?[\d.]+, worst -?[\d.]+, best -?[\d.]+ USDC, [0-2] of 2 lost money; furthest position [\d.]+ SOL; max drawdown [\d.]+ USDC; [\d.]+ fills an hour; own orders left 0$", text);
        Assert.Matches(@"== 2 of 2 settings run in [\d.]+ s; best mean net PnL -?[\d.]+ with spread_pct=0\.[13] risk\.maxPosition=20; worst -?[\d.]+ with spread_pct=0\.[13] risk\.maxPosition=20", text);
        Assert.False(Directory.Exists(dir.Combine("state", "instances")), "a backtest leaves no journal behind");
        // The best setting's spec, whole, for mmctl start -f: the template with the winning values.
        var winner = Regex.Match(text, @"best mean net PnL -?[\d.]+ with spread_pct=(0\.[13]) ").Groups[1].Value;
        Assert.Contains($"== the spec with spread_pct={winner} risk.maxPosition=20 is in {best}", text, StringComparison.Ordinal);
        using (var saved = JsonDocument.Parse(await File.ReadAllTextAsync(best)))
        {
            Assert.Equal(winner, saved.RootElement.GetProperty("spotMarketMaking").GetProperty("spreadPct").GetString());
            Assert.Equal("20", saved.RootElement.GetProperty("risk").GetProperty("maxPosition").GetString());
            Assert.Equal("0.5", saved.RootElement.GetProperty("spotMarketMaking").GetProperty("orderQuantity").GetString()); // the rest is the template's
        }

        // For a script: a JSON object a line for each run, the settings by their proto path, money as decimal strings; the
        // best by net PnL to drawdown saved.
        var bestForRisk = dir.Combine("best-for-risk.json");
        string[] jsonArgs = ["backtest", "-f", Repository.Combine("daemon", "templates", "paper-xemm.json"), "--for", "1m", "--vary", "inventory_range=1,2", "-o", "json",
            "--start", "2026-01-01T00:00:00Z", "--rank-by", "pnl-to-drawdown"];
        var curve = dir.Combine("equity.csv");
        using var json = MmdProcess.Start(dir.Path, [.. jsonArgs, "--jobs", "1", "--save-best", bestForRisk, "--equity-curve", curve, "--equity-every", "20s"]);
        Assert.True(await json.WaitForExitAsync(TimeSpan.FromMinutes(3)) == 0, json.Output);
        // The same again, two runs at once (a cross-market hedge: four streams into the engine, random taker flow): the
        // same runs, in the same order, to the last figure.
        using var again = MmdProcess.Start(dir.Path, [.. jsonArgs, "--jobs", "2"]);
        Assert.True(await again.WaitForExitAsync(TimeSpan.FromMinutes(3)) == 0, again.Output);
        static string WithoutWallTime(string lines) => Regex.Replace(lines, @"""wallSeconds"":[\d.]+,", "");
        Assert.Equal(WithoutWallTime(json.StandardOutput), WithoutWallTime(again.StandardOutput));
        var runs = json.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["1", "2"], runs.Select(r => r.GetProperty("settings").GetProperty("maker_taker_hedge.inventory_range").GetString()));
        Assert.All(runs, r =>
        {
            Assert.Equal("23", r.GetProperty("seed").GetString());
            Assert.True(r.GetProperty("hedges").GetInt32() > 0 && r.GetProperty("bothMarkets").GetBoolean(), r.ToString());
            Assert.Equal(60, r.GetProperty("simulatedSeconds").GetDouble());
            Assert.Equal(300, r.GetProperty("steps").GetInt64());
            Assert.Equal(0, r.GetProperty("ordersLeft").GetInt32());
            Assert.Equal("USDC", r.GetProperty("quoteAsset").GetString());
            decimal.Parse(r.GetProperty("netPnl").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        });
        static decimal Money(JsonElement run, string name) => decimal.Parse(run.GetProperty(name).GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        static double ForRisk(JsonElement run) => Money(run, "maxDrawdown") is > 0 and var drawdown
            ? (double)(Money(run, "netPnl") / drawdown)
            : Money(run, "netPnl") > 0 ? double.PositiveInfinity : 0;
        var bestRun = runs.MaxBy(ForRisk);
        // Each run's equity curve: the start, a point every 20 simulated seconds, the last its final net PnL.
        var rows = (await File.ReadAllLinesAsync(curve)).Select(l => l.Split(',')).ToList();
        Assert.Equal("maker_taker_hedge.inventory_range,seed,time,mid,position,hedge_position,net_pnl,drawdown,fills", string.Join(',', rows[0]));
        Assert.Equal(["1", "1", "1", "1", "2", "2", "2", "2"], rows.Skip(1).Select(r => r[0]));
        Assert.Equal(Enumerable.Repeat(new[] { "00:00:00", "00:00:20", "00:00:40", "00:01:00" }, 2).SelectMany(t => t).Select(t => $"2026-01-01T{t}Z"),
            rows.Skip(1).Select(r => r[2]));
        Assert.Equal(runs.Select(r => Money(r, "netPnl")), new[] { rows[4], rows[8] }.Select(r => decimal.Parse(r[6], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(rows.Skip(1), r => Assert.NotEqual("", r[5])); // a cross-market hedge: its other market's position too
        using (var saved = JsonDocument.Parse(await File.ReadAllTextAsync(bestForRisk)))
            Assert.Equal(bestRun.GetProperty("settings").GetProperty("maker_taker_hedge.inventory_range").GetString(),
                saved.RootElement.GetProperty("makerTakerHedge").GetProperty("inventoryRange").GetString());

        using var bad = MmdProcess.Start(dir.Path, "backtest", "-f", template, "--for", "1m", "--vary", "spread_pct=-1,0.2", "--vary", "nope=1", "--jobs", "0",
            "--equity-curve", dir.Combine("no-such-dir", "equity.csv"), "--equity-every", "0.5s");
        Assert.Equal(2, await bad.WaitForExitAsync());
        Assert.Contains($"--equity-curve: no such directory: {dir.Combine("no-such-dir")}", bad.StandardError, StringComparison.Ordinal);
        Assert.Contains("--equity-every: 0.5s: must be 1s-1d", bad.StandardError, StringComparison.Ordinal);
        Assert.Contains("--vary: nope: the spec has no field 'nope'", bad.StandardError, StringComparison.Ordinal);
        Assert.Contains("--jobs: 0: must be 1-64", bad.StandardError, StringComparison.Ordinal);
        using var unranked = MmdProcess.Start(dir.Path, "backtest", "-f", template, "--for", "1m", "--rank-by", "worst");
        Assert.Equal(2, await unranked.WaitForExitAsync());
        Assert.Contains("--rank-by: needs --vary: it ranks the settings it tries", unranked.StandardError, StringComparison.Ordinal);
        using var refused = MmdProcess.Start(dir.Path, "backtest", "-f", template, "--for", "1m", "--vary", "spread_pct=-1,0.2");
        Assert.Equal(2, await refused.WaitForExitAsync());
        Assert.Contains($"{template}: --vary spread_pct: must be greater than 0 (with spread_pct=-1)", refused.StandardError, StringComparison.Ordinal);
        Assert.Empty(refused.StandardOutput); // nothing ran
    }

    [Fact]
    public async Task Backtest_OnRecordedCandles_TheMarketFollowsThem_FromTheirFirstTime_AndABadFileNamesItsLine()
    {
        using var dir = new TempDirectory();
        // Twenty 30-second candles from 150 down to 140.50 and back up to 145 (Binance's kline layout, times in ms).
        var candles = new System.Text.StringBuilder("open_time,open,high,low,close,volume,close_time\n");
        // The perpetual's own prices (time,price in ISO 8601), from half a minute before the candles: 0.30 above each open.
        var perp = new System.Text.StringBuilder("time,price\n2025-11-30T23:59:30Z,150.30\n");
        var open = 150m;
        for (var i = 0; i < 20; i++)
        {
            var close = i < 10 ? open - 0.95m : open + 0.45m;
            var time = 1764547200000L + i * 30_000L;
            candles.Append(System.Globalization.CultureInfo.InvariantCulture, $"{time},{open},{Math.Max(open, close) + 0.2m},{Math.Min(open, close) - 0.2m},{close},10,{time + 29_999}\n");
            perp.Append(System.Globalization.CultureInfo.InvariantCulture, $"{DateTimeOffset.FromUnixTimeMilliseconds(time):yyyy-MM-ddTHH:mm:ssZ},{open + 0.30m}\n");
            open = close;
        }
        perp.Append("2025-12-01T00:10:00Z,145.30\n");
        Assert.Equal(145m, open);
        var prices = dir.Combine("sol-30s.csv");
        await File.WriteAllTextAsync(prices, candles.ToString());
        var template = Repository.Combine("daemon", "templates", "paper-spot-mm.json");

        using var run = MmdProcess.Start(dir.Path, "backtest", "-f", template, "--prices", prices);
        Assert.True(await run.WaitForExitAsync(TimeSpan.FromMinutes(3)) == 0, run.Output);
        var report = run.StandardOutput;
        Assert.Contains("stopped (backtest over after 10m00s)", report, StringComparison.Ordinal);
        Assert.Contains("== backtest: 10m00s of recorded prices sol-30s.csv (20 candles from 2025-12-01 00:00:00 UTC) (seed 42, tick 0.2 s, 3000 steps)", report, StringComparison.Ordinal);
        Assert.Matches(@"at mid 145\.00\b", report); // the last candle's close: the market went where the file went
        Assert.Contains("own orders left on venue: 0", report, StringComparison.Ordinal);

        // Choosing on the first half of four minutes of the recording, then every setting again on the second: how the one chosen did there.
        using var heldOut = MmdProcess.Start(dir.Path, "backtest", "-f", template, "--prices", prices, "--for", "4m", "--vary", "spread_pct=0.1,0.3", "--holdout", "50");
        Assert.True(await heldOut.WaitForExitAsync(TimeSpan.FromMinutes(3)) == 0, heldOut.Output);
        var sweep = heldOut.StandardOutput;
        Assert.Contains("== backtest of 2 settings over 2m00s of recorded prices sol-30s.csv (20 candles from 2025-12-01 00:00:00 UTC) (its first 50 %; the last 50 % is held out), seed 42 each",
            sweep, StringComparison.Ordinal);
        Assert.Contains("== held out: the last 50 %, 2m00s from 2025-12-01 00:02:00 UTC, every setting from flat again", sweep, StringComparison.Ordinal);
        Assert.Equal(4, Regex.Count(sweep, @"(?m)^spread_pct=0\.[13]: net PnL -?[\d.]+ USDC;"));
        Assert.Matches(@"== held out: best mean net PnL -?[\d.]+ with spread_pct=0\.[13]; the setting chosen \(spread_pct=0\.[13]\) ranks [12] of 2 there: -?[\d.]+", sweep);

        // Recorded trades are the market's taker flow: every 10 s a buyer of 100 SOL up to 150.20, then a seller of 0.5 down to
        // 150.00 (the price the moment ends at), which no bid of ours reaches: only the asks are filled as a maker.
        var tape = dir.Combine("sol-trades.csv");
        await File.WriteAllLinesAsync(tape, ["time,price,quantity,side", .. Enumerable.Range(0, 13).SelectMany(i =>
            new[] { $"{1764547200 + i * 10},150.20,100,buy", $"{1764547200 + i * 10},150.00,0.5,sell" })]);
        using var taped = MmdProcess.Start(dir.Path, "backtest", "-f", template, "--prices", tape);
        Assert.True(await taped.WaitForExitAsync(TimeSpan.FromMinutes(3)) == 0, taped.Output);
        Assert.Contains("== backtest: 2m00s of recorded prices sol-trades.csv (26 trades from 2025-12-01 00:00:00 UTC)", taped.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"maker buy/sell 0/[1-9][\d.]*,", taped.StandardOutput);

        // A cross-market hedge whose perpetual follows its own recording: the two markets end 0.30 apart, as recorded.
        var perpPrices = dir.Combine("sol-perp.csv");
        await File.WriteAllTextAsync(perpPrices, perp.ToString());
        var xemm = Repository.Combine("daemon", "templates", "paper-xemm.json");
        using var hedged = MmdProcess.Start(dir.Path, "backtest", "-f", xemm, "--prices", prices, "--hedge-prices", perpPrices, "-o", "json");
        Assert.True(await hedged.WaitForExitAsync(TimeSpan.FromMinutes(3)) == 0, hedged.Output);
        var line = JsonDocument.Parse(hedged.StandardOutput).RootElement;
        Assert.Equal((145m, 145.30m), (decimal.Parse(line.GetProperty("mid").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            decimal.Parse(line.GetProperty("hedgeMid").GetString()!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(line.GetProperty("hedges").GetInt32() > 0, line.ToString());
        // A perpetual's recording that starts after the candles cannot hedge their first minute.
        await File.WriteAllTextAsync(perpPrices, perp.ToString().Replace("time,price\n2025-11-30T23:59:30Z,150.30\n2025-12-01T00:00:00Z,150.30\n", "time,price\n", StringComparison.Ordinal));
        using var late = MmdProcess.Start(dir.Path, "backtest", "-f", xemm, "--prices", prices, "--hedge-prices", perpPrices);
        Assert.Equal(2, await late.WaitForExitAsync());
        Assert.Contains("--hedge-prices: sol-perp.csv covers 2025-12-01T00:00:30Z to 2025-12-01T00:10:00Z; the run needs 2025-12-01T00:00:00Z to 2025-12-01T00:10:00Z",
            late.StandardError, StringComparison.Ordinal);

        // A row out of order: the file and its line, exit 2, nothing run.
        await File.AppendAllTextAsync(prices, "1764547200000,145,145.2,144.8,145,10,1764547229999\n");
        using var bad = MmdProcess.Start(dir.Path, "backtest", "-f", template, "--prices", prices, "--for", "30m", "--start", "2026-01-01T00:00:00Z");
        Assert.Equal(2, await bad.WaitForExitAsync());
        Assert.Contains($"{prices}:22: 2025-12-01T00:00:00Z is not after the row before (2025-12-01T00:09:30Z)", bad.StandardError, StringComparison.Ordinal);
        Assert.Empty(bad.StandardOutput);
        // A good file and flags it cannot go with: longer than the recording, and a start of its own.
        await File.WriteAllTextAsync(prices, candles.ToString());
        using var tooLong = MmdProcess.Start(dir.Path, "backtest", "-f", template, "--prices", prices, "--for", "30m", "--start", "2026-01-01T00:00:00Z");
        Assert.Equal(2, await tooLong.WaitForExitAsync());
        Assert.Contains("--for: 30m00s is longer than the recorded prices (10m00s)", tooLong.StandardError, StringComparison.Ordinal);
        Assert.Contains("--start: the recorded prices start the clock at their first time", tooLong.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadFlags_Exit2()
    {
        using var dir = new TempDirectory();
        using var mmd = MmdProcess.Start(dir.Path, "run", "--name", "x", "--symbol", Symbol, "--spread", "abc", "--enable-rebalance", "--disable-rebalance");
        Assert.Equal(2, await mmd.WaitForExitAsync());
        Assert.Contains("spot_market_making.spread_pct: 'abc' is not a decimal number", mmd.StandardError, StringComparison.Ordinal);
        Assert.Contains("cannot both be given", mmd.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PaperRun_FillsRecordedOnce_StatsMatchFills_SigtermLeavesNoOrders()
    {
        using var dir = new TempDirectory();
        using var mmd = MmdProcess.Start(dir.Path, "run", "-f", WriteSpec(dir, "e2e"), "--summary-every", "1s");
        await Until.TrueAsync(async () => mmd.HasExited || await CountAsync(dir, "e2e", "SELECT COUNT(*) AS Value FROM fills") >= 5, "five fills are journaled");
        Assert.False(mmd.HasExited, mmd.Output);

        mmd.Terminate();
        Assert.Equal(0, await mmd.WaitForExitAsync(TimeSpan.FromSeconds(10))); // the issue's bound for a clean stop
        Assert.Contains("own orders left on venue: 0", mmd.StandardOutput, StringComparison.Ordinal);

        await using var db = new MmdDbContext(MmdDatabase.Options(JournalPath(dir, "e2e")));
        var fills = await db.Fills.AsNoTracking().ToListAsync();
        // Every fill the venue made for us is recorded, exactly once.
        using (var venue = OpenVenue(dir, "e2e"))
        {
            var venueTrades = venue.Fills("e2e", Symbol, DateTimeOffset.MinValue).Select(f => f.TradeId).Order().ToList();
            Assert.Equal(venueTrades, fills.Select(f => f.TradeId).Order().ToList());
            Assert.Empty(venue.OpenOrders("e2e", Symbol)); // stop means a flat book
        }
        Assert.All(await db.Orders.AsNoTracking().ToListAsync(), o => Assert.True(OrderStateMachine.IsTerminal(Enum.Parse<OrderStatus>(o.Status)), $"{o.ClientOrderId} left {o.Status}"));

        // The final statistics agree with the journaled fills.
        var final = await db.StatsSnapshots.AsNoTracking().OrderByDescending(s => s.Id).FirstAsync();
        Assert.Equal(fills.Count, final.SessionFills);
        Assert.Equal(fills.Sum(f => f.Price * f.Quantity), final.SessionQuoteVolume);
        using var json = JsonDocument.Parse(final.Json);
        var session = json.RootElement.GetProperty("Session");
        Assert.Equal(fills.Where(f => f.IsMaker && f.Side == "Buy").Sum(f => f.Quantity), decimal.Parse(session.GetProperty("MakerBuyVolume").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(fills.Sum(f => f.Fee), decimal.Parse(session.GetProperty("FeesInQuote").GetString()!, System.Globalization.CultureInfo.InvariantCulture));

        var run = await db.Runs.AsNoTracking().SingleAsync();
        Assert.Equal((0, "received SIGTERM"), (run.ExitCode!.Value, run.Reason!));
        Assert.Contains("fills ", mmd.StandardOutput, StringComparison.Ordinal); // the one-line summary was printed
    }

    [Fact]
    public async Task KilledWithRestingOrders_RestartReconcilesThem()
    {
        // This busy market fills and replaces quotes many times a second: the kill may land just after every quote the
        // journal had open was filled or cancelled and before the next went out. Such a run left nothing to reconcile;
        // it is run again, on a fresh state dir, up to five times.
        var dir = new TempDirectory();
        string spec;
        int resting;
        for (var run = 1; ; run++)
        {
            spec = WriteSpec(dir, "crash");
            using (var first = MmdProcess.Start(dir.Path, "run", "-f", spec))
            {
                await Until.TrueAsync(async () => first.HasExited || await CountAsync(dir, "crash", "SELECT COUNT(*) AS Value FROM orders WHERE Status = 'Open'") >= 4, "quotes rest on the venue");
                Assert.False(first.HasExited, first.Output);
                first.KillHard(); // no chance to cancel anything
                await first.WaitForExitAsync();
            }
            using (var venue = OpenVenue(dir, "crash")) resting = venue.OpenOrders("crash", Symbol).Count;
            if (resting > 0 || run == 5) break;
            dir.Dispose();
            dir = new TempDirectory();
        }
        using var kept = dir;
        Assert.True(resting > 0, "none of five killed runs left an order on the venue");

        using var second = MmdProcess.Start(dir.Path, "run", "-f", spec, "--duration", "4s");
        Assert.Equal(0, await second.WaitForExitAsync());
        // Every order the killed run left open is accounted for: adopted, settled from the venue, or cancelled as a stray.
        var line = System.Text.RegularExpressions.Regex.Match(second.StandardOutput, @"reconciled at start: (\d+) journal orders open, (\d+) adopted, (\d+) settled, (\d+) stray");
        Assert.True(line.Success, second.Output);
        int Group(int i) => int.Parse(line.Groups[i].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Group(1) > 0, second.Output);
        // Each order the journal had open was either adopted (still resting) or settled from the venue (filled
        // meanwhile: the paper market keeps trading while the worker is down, as a real venue does).
        Assert.True(Group(2) + Group(3) == Group(1), second.Output);
        using (var venue = OpenVenue(dir, "crash"))
        {
            Assert.Empty(venue.OpenOrders("crash", Symbol));
            var venueTrades = venue.Fills("crash", Symbol, DateTimeOffset.MinValue).Select(f => f.TradeId).Order().ToList();
            await using var db = new MmdDbContext(MmdDatabase.Options(JournalPath(dir, "crash")));
            Assert.Equal(venueTrades, await db.Fills.AsNoTracking().Select(f => f.TradeId).OrderBy(t => t).ToListAsync());
        }
    }

    [Fact]
    public async Task Duration_EndsTheRunByItself()
    {
        using var dir = new TempDirectory();
        using var mmd = MmdProcess.Start(dir.Path, "run", "--name", "flags", "--symbol", Symbol, "--spread", "0.2", "--quantity", "0.1", "--duration", "3s");
        Assert.Equal(0, await mmd.WaitForExitAsync());
        Assert.Contains("stopped (duration elapsed)", mmd.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CapitalFlags_SizeTheRunFromItsPartOfTheAccount_AndABadOneExits2()
    {
        using var dir = new TempDirectory();
        using (var run = MmdProcess.Start(dir.Path, "run", "--name", "cap", "--symbol", Symbol, "--spread", "0.2", "--capital", "USDC=300", "--capital", "SOL=2",
            "--duration", "3s"))
        {
            Assert.Equal(0, await run.WaitForExitAsync());
            Assert.Matches(@"capital \S+ SOL \(allotted 2, traded [^,]+, the account [^)]+\), \S+ USDC \(allotted 300, traded [^,]+, the account [^)]+\)", run.StandardOutput);
        }
        using var bad = MmdProcess.Start(dir.Path, "run", "--name", "cap2", "--symbol", Symbol, "--capital", "USDC", "--capital", "SOL=1", "--capital", "SOL=2",
            "--capital", "ETH=1");
        Assert.Equal(2, await bad.WaitForExitAsync());
        Assert.Contains("--capital: takes ASSET=AMOUNT, e.g. --capital USDC=1500 (got 'USDC')", bad.StandardError, StringComparison.Ordinal);
        Assert.Contains("--capital: names SOL twice", bad.StandardError, StringComparison.Ordinal);
        Assert.Contains("capital names ETH", bad.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(JournalPath(dir, "cap2")), "nothing was created");
    }

    [Fact]
    public async Task SeedStrategyFlags_RunEveryStrategy_AndAFlagAStrategyLacks_IsAnError()
    {
        using var dir = new TempDirectory();
        // The seed's `--strategy grid --market-type perp` ran its spot grid (§9.2.19); here it is the perp grid.
        using (var grid = MmdProcess.Start(dir.Path, "run", "--name", "pg", "--symbol", "SOL_USDC_PERP", "--strategy", "grid", "--market-type", "perp",
            "--auto-price", "--price-range", "1", "--grid-num", "5", "--quantity", "0.5", "--max-position", "3", "--grid-type", "neutral",
            "--boundary-action", "stop_only", "--duration", "3s"))
        {
            Assert.Equal(0, await grid.WaitForExitAsync());
            Assert.Contains("perp_grid: ", grid.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("grid neutral arithmetic", grid.StandardOutput, StringComparison.Ordinal);
        }
        using (var perp = MmdProcess.Start(dir.Path, "run", "--name", "pm", "--symbol", "SOL_USDC_PERP", "--strategy", "standard", "--spread", "0.2",
            "--quantity", "0.5", "--max-position", "2", "--stop-loss", "-50", "--duration", "3s"))
        {
            Assert.Equal(0, await perp.WaitForExitAsync());
            Assert.Contains("perp_market_making: ", perp.StandardOutput, StringComparison.Ordinal);
        }
        using var wrong = MmdProcess.Start(dir.Path, "run", "--name", "h", "--symbol", "SOL_USDC", "--strategy", "maker_hedge", "--spread", "0.2", "--grid-type", "up");
        Assert.Equal(2, await wrong.WaitForExitAsync());
        Assert.Contains("--spread: does not apply to maker_taker_hedge", wrong.StandardError, StringComparison.Ordinal);
        Assert.Contains("--grid-type: does not apply to maker_taker_hedge", wrong.StandardError, StringComparison.Ordinal);
    }
}
