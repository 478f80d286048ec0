using System.Globalization;
using GrpcMM.Protos.V1;
using Mmd.TestKit;

namespace Mmd.EndToEnd.Tests;

/// <summary>The new strategies and the strategy commands through the real mmd, its workers and mmctl.</summary>
public sealed class StrategyEndToEndTests
{
    private static decimal D(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>Starts an instance from a spec file, as an operator would (mmctl start -f).</summary>
    private static async Task StartFromSpecFileAsync(DaemonUnderTest d, string json)
    {
        var file = d.Dir.Combine($"spec-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, json);
        var start = await d.MmctlAsync("start", "-f", file);
        Assert.True(start.ExitCode == 0, start.ToString());
    }

    [Fact]
    public async Task CrossSymbolHedge_FromMmctlFlags_QuotesTheSpot_AndHedgesOnThePerp_BadFlagsAreRefused()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        var misplaced = await d.MmctlAsync("start", "x", "--symbol", "SOL_USDC", "--hedge-symbol", "SOL_USDC_PERP");
        Assert.Equal(2, misplaced.ExitCode);
        Assert.Contains("--strategy maker_taker_hedge", misplaced.StandardError, StringComparison.Ordinal);
        var wrongAsset = await d.MmctlAsync("start", "x", "--symbol", "SOL_USDC", "--strategy", "maker_taker_hedge", "--quantity", "0.2", "--hedge-symbol", "BTC_USDC_PERP");
        Assert.Equal(2, wrongAsset.ExitCode);
        Assert.Contains("maker_taker_hedge.hedge_symbol", wrongAsset.StandardError, StringComparison.Ordinal);

        var start = await d.MmctlAsync("start", "x", "--symbol", "SOL_USDC", "--strategy", "maker_taker_hedge", "--quantity", "0.2", "--hedge-symbol", "SOL_USDC_PERP");
        Assert.True(start.ExitCode == 0, start.ToString());
        var running = await d.WaitForAsync("x", i => i.State == InstanceState.Running && i.Stats?.StrategyFigures?.Hedge?.Market is not null
            && i.Stats.OpenBuyOrders == 1 && i.Stats.OpenSellOrders == 1, "quoting the spot, hedging on the perp");
        Assert.Equal(("paper", "SOL_USDC_PERP"), (running.Stats.StrategyFigures.Hedge.Market.Venue, running.Stats.StrategyFigures.Hedge.Market.Symbol));
        Assert.Contains("hedge market", (await d.MmctlAsync("status", "x")).StandardOutput, StringComparison.Ordinal);
        var stop = await d.MmctlAsync("stop", "x");
        Assert.True(stop.ExitCode == 0, stop.ToString());
    }

    [Fact]
    public async Task XemmWithAnInventoryRange_NeverQuotesTheSideThatWouldTakeThePositionPastIt()
    {
        // Quote size 0.5 and a range of 0.5: once a fill has taken the spot position to 0.5 either way, the side that
        // would add to it is not quoted (without the range both sides are, all the time), and the other side still is.
        await using var d = await DaemonUnderTest.StartAsync();
        Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-xemm", "x")).ExitCode);
        var spec = await d.MmctlAsync("spec", "x");
        Assert.Contains("\"inventoryRange\": \"2\"", spec.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, (await d.MmctlAsync("delete", "x", "--force")).ExitCode);
        await StartFromSpecFileAsync(d, """
            { "name": "x", "symbol": "SOL_USDC",
              "makerTakerHedge": { "orderQuantity": "0.5", "hedgeSymbol": "SOL_USDC_PERP", "minProfitabilityPct": "0", "inventoryRange": "0.5" },
              "risk": { "maxPosition": "5" },
              "paper": { "seed": "23", "flowRate": "5", "initialBalances": { "USDC": "10000", "SOL": "10" } } }
            """);
        int atTheEnd = 0, growingSideQuoted = 0, unwindingSideQuoted = 0;
        await d.WaitForAsync("x", i =>
        {
            if (i.Stats is not { } s || s.StrategyFigures?.Hedge is not { } hedge || D(hedge.Residual) != 0m) return false;
            var position = D(s.Cumulative.Position);
            if (Math.Abs(position) < 0.5m) return false;
            atTheEnd++;
            if (position > 0 ? s.OpenBuyOrders > 0 : s.OpenSellOrders > 0) growingSideQuoted++;
            if (position > 0 ? s.OpenSellOrders > 0 : s.OpenBuyOrders > 0) unwindingSideQuoted++;
            return atTheEnd >= 10;
        }, "ten looks at a hedged position at the end of the range", TimeSpan.FromSeconds(120));
        Assert.Equal(0, growingSideQuoted);
        Assert.True(unwindingSideQuoted > 0, "the side that unwinds is quoted");
        Assert.Equal(0, (await d.MmctlAsync("stop", "x")).ExitCode);
    }

    [Fact]
    public async Task PerpTemplate_Quotes_ShowsItsPosition_PausesResumes_AndTakesANewSpreadLive()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        var start = await d.MmctlAsync("start", "--template", "paper-perp-mm", "perp");
        Assert.True(start.ExitCode == 0, start.ToString());
        var running = await d.WaitForAsync("perp", i => i.State == InstanceState.Running && i.Stats?.OpenBuyOrders == 3 && i.Stats.OpenSellOrders == 3,
            "quoting three levels a side");
        Assert.Equal("perp_market_making", running.Stats.Strategy);
        Assert.Equal("3", running.Stats.StrategyFigures.Position.MaxPosition);
        var status = await d.MmctlAsync("status", "perp");
        Assert.Contains("position", status.StandardOutput, StringComparison.Ordinal);

        var pause = await d.MmctlAsync("pause", "perp");
        Assert.True(pause.ExitCode == 0, pause.ToString());
        Assert.Equal("perp: applied", pause.StandardOutput.Trim());
        await d.WaitForAsync("perp", i => i.Stats is { QuotingPaused: true, OpenBuyOrders: 0, OpenSellOrders: 0 }, "paused with no quote");
        Assert.Equal(InstanceState.Running, (await d.GetAsync("perp")).State);
        Assert.Contains("paused", (await d.MmctlAsync("status")).StandardOutput, StringComparison.Ordinal);

        Assert.Equal(0, (await d.MmctlAsync("resume", "perp")).ExitCode);
        await d.WaitForAsync("perp", i => i.Stats is { QuotingPaused: false, OpenBuyOrders: 3 }, "quoting again");

        var bad = await d.MmctlAsync("set", "perp", "--spread", "-1");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("update.spread_pct", bad.StandardError, StringComparison.Ordinal);
        var set = await d.MmctlAsync("set", "perp", "--spread", "0.6", "--levels", "2");
        Assert.True(set.ExitCode == 0, set.ToString());
        var wide = await d.WaitForAsync("perp", i => i.Stats is { OpenBuyOrders: 2, OpenSellOrders: 2 } s && s.QuoteSpreadPct.Length > 0 && D(s.QuoteSpreadPct) >= 0.55m,
            "two levels a side at the new 0.6 % spread");
        Assert.Equal("0.6", wide.Spec.PerpMarketMaking.SpreadPct);

        // The change is in the spec: a restarted worker quotes with it.
        var restarted = await d.MmctlAsync("restart", "perp");
        Assert.True(restarted.ExitCode == 0, restarted.ToString());
        var again = await d.WaitForAsync("perp", i => i.Pid != running.Pid && i.Stats is { OpenBuyOrders: 2 } s && s.QuoteSpreadPct.Length > 0 && D(s.QuoteSpreadPct) >= 0.55m,
            "the restarted worker quotes at 0.6 %");
        Assert.Equal("restart requested by operator", again.LastExitReason);
        Assert.Equal(0, (await d.MmctlAsync("stop", "perp")).ExitCode);
    }

    [Fact]
    public async Task GridTemplate_RestsItsLevels_AndGridAdjustMovesTheRange()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-spot-grid", "grid")).ExitCode);
        var running = await d.WaitForAsync("grid", i => i.Stats?.StrategyFigures?.Grid is { Levels: 11 } g && g.ActiveBuys + g.ActiveSells >= 9,
            "the grid's orders rest");
        var mid = D(running.Stats.Mid);
        var lower = Math.Round(mid * 0.98m, 2).ToString(CultureInfo.InvariantCulture);
        var upper = Math.Round(mid * 1.02m, 2).ToString(CultureInfo.InvariantCulture);

        var adjust = await d.MmctlAsync("grid", "adjust", "grid", "--lower", lower, "--upper", upper);
        Assert.True(adjust.ExitCode == 0, adjust.ToString());
        Assert.Equal("grid: applied", adjust.StandardOutput.Trim());
        // Compared as numbers: the figures write 147 for the 147.00 asked.
        var moved = await d.WaitForAsync("grid", i => i.Stats?.StrategyFigures?.Grid is { } g && D(g.LowerPrice) == D(lower) && D(g.UpperPrice) == D(upper)
            && g.ActiveBuys + g.ActiveSells >= 9, "the grid rests on the new range");
        Assert.Equal((lower, upper, false), (moved.Spec.SpotGrid.LowerPrice, moved.Spec.SpotGrid.UpperPrice, moved.Spec.SpotGrid.AutoPriceRange));

        var wrong = await d.MmctlAsync("grid", "adjust", "grid", "--lower", upper, "--upper", lower);
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("adjust_grid.upper_price", wrong.StandardError, StringComparison.Ordinal);
        Assert.Equal(0, (await d.MmctlAsync("stop", "grid")).ExitCode);
    }

    [Fact]
    public async Task StopLossWithStopAction_EndsTheInstance_Flat_WithTheReason_AndNoRestart()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        // A scripted market: flat, then a jump through our asks; the stop-loss of 1 USDC closes the short and ends the run.
        await StartFromSpecFileAsync(d, """
            {
              "name": "sl",
              "symbol": "SOL_USDC_PERP",
              "perpMarketMaking": { "spreadPct": "0.2", "orderQuantity": "0.5", "levels": 3, "maxPosition": "2", "positionThreshold": "2",
                                    "stopLoss": "1", "protectiveAction": "PROTECTIVE_ACTION_STOP" },
              "paper": { "volatilityPct": "0", "flowRate": "0", "tick": "0.1s", "initialBalances": { "USDC": "10000" },
                         "pricePath": [ { "at": "0s", "price": "150" }, { "at": "4s", "price": "150" }, { "at": "4.1s", "price": "152" } ] }
            }
            """);
        var ended = await d.WaitForAsync("sl", i => i.State == InstanceState.Exited, "ended by its stop-loss", TimeSpan.FromSeconds(60));
        Assert.Contains("stop-loss: unrealized PnL", ended.LastExitReason, StringComparison.Ordinal);
        Assert.Equal(DesiredState.Stopped, ended.DesiredState);
        Assert.Equal(0u, ended.Restarts);
        var (position, _) = await JournalQuery.PositionAsync(Path.Combine(d.StateDir, "instances", "sl", "journal.db"));
        Assert.Equal(0m, position);
    }

    [Fact]
    public async Task DailyLossLimit_PullsTheQuotes_ShowsWhy_TheSupervisorsRestartTheSameDayStaysHalted_AndTheOperatorCanLiftIt()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        // The maker-taker hedge quotes at the touch and hedges every fill at once: it pays fees and the spread all day (it
        // is made for volume), so its realized loss reaches a limit of 0.5 within seconds, and a restart cannot undo it.
        await StartFromSpecFileAsync(d, """
            {
              "name": "dl",
              "symbol": "SOL_USDC_PERP",
              "makerTakerHedge": { "orderQuantity": "0.5", "quoteOffsetPct": "0", "maxSlippagePct": "0.5", "maxHedgeAttempts": 3, "interval": "60s" },
              "risk": { "maxPosition": "5", "maxDailyLoss": "0.5" },
              "paper": { "seed": "17", "volatilityPct": "0.02", "tick": "0.2s", "flowRate": "10", "initialBalances": { "USDC": "10000" } }
            }
            """);
        var halted = await d.WaitForAsync("dl", i => i.Stats is { DailyLossHalt.Length: > 0, OpenBuyOrders: 0, OpenSellOrders: 0 },
            "halted by the daily loss, no quote resting", TimeSpan.FromSeconds(90));
        Assert.StartsWith("today's net PnL -", halted.Stats.DailyLossHalt, StringComparison.Ordinal);
        Assert.True(D(halted.Stats.TodayNetPnl) <= -0.5m, halted.Stats.TodayNetPnl);
        Assert.Equal(InstanceState.Running, halted.State); // halted, not failed: it quotes again at 00:00 UTC by itself
        Assert.Matches(@"\bdaily loss\b", (await d.MmctlAsync("status")).StandardOutput);
        var detail = (await d.MmctlAsync("status", "dl")).StandardOutput;
        Assert.Matches(@"today\s+net -\d", detail);
        Assert.Matches(@"daily loss\s+HALTED: today's net PnL -", detail);

        // A crash the same day: the supervisor's restart counts today's loss from the day's start in the journal, and
        // places no quote.
        Signals.Kill(halted.Pid, 9);
        var restarted = await d.WaitForAsync("dl", i => i.Pid != 0 && i.Pid != halted.Pid && i.State == InstanceState.Running
            && i.Stats is { DailyLossHalt.Length: > 0 } s && s.SessionStart.ToDateTimeOffset() > halted.Stats.SessionStart.ToDateTimeOffset(),
            "restarted, and halted again", TimeSpan.FromSeconds(60));
        Assert.Equal(0ul, restarted.Stats.OrdersPlaced);

        // The operator looks and lifts it: quotes go out again the same day, the limit counting from now.
        var resumed = await d.MmctlAsync("resume", "dl", "--lift-daily-loss-halt");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        // (It may lose the limit again within seconds, and halt again: the orders it placed since are what show the lift.)
        var quoting = await d.WaitForAsync("dl", i => i.Stats is { SinceDailyLossHaltLifted.Length: > 0, OrdersPlaced: > 0 },
            "quoting again after the lift", TimeSpan.FromSeconds(30));
        Assert.True(D(quoting.Stats.TodayNetPnl) <= -0.5m, quoting.Stats.TodayNetPnl);
        Assert.Contains("the operator lifted a halt", (await d.MmctlAsync("status", "dl")).StandardOutput, StringComparison.Ordinal);
        Assert.Contains("liftdailylosshalt", (await d.MmctlAsync("history", "dl")).StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, (await d.MmctlAsync("stop", "dl")).ExitCode);
        // Not halted (nor running): refused, naming why.
        var notHalted = await d.MmctlAsync("resume", "dl", "--lift-daily-loss-halt");
        Assert.NotEqual(0, notHalted.ExitCode);
    }

    [Fact]
    public async Task PerpGridTemplate_RestsItsLevels_AndStopsClean()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-perp-grid", "pgrid")).ExitCode);
        var running = await d.WaitForAsync("pgrid", i => i.Stats?.StrategyFigures?.Grid is { Levels: 9, Type: "neutral" } g && g.ActiveBuys >= 3 && g.ActiveSells >= 3,
            "the neutral grid rests buys below and sells above");
        Assert.Equal("perp_grid", running.Stats.Strategy);
        Assert.Contains("neutral arithmetic", (await d.MmctlAsync("status", "pgrid")).StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, (await d.MmctlAsync("stop", "pgrid")).ExitCode);
    }

    [Fact]
    public async Task SameMarketHedge_OnAVenueThatLetsTheAccountTradeWithItself_NeverTradesWithItsOwnQuotes()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        // Quotes of 10 at the touch beside the crowd's 3 to 10 a level, on a busy market whose paper account may trade with
        // itself: a hedge often reaches past the crowd's touch to where our new quote stands.
        await StartFromSpecFileAsync(d, """
            {
              "name": "wash",
              "symbol": "SOL_USDC_PERP",
              "makerTakerHedge": { "orderQuantity": "10", "quoteOffsetPct": "0", "maxSlippagePct": "0.5", "maxHedgeAttempts": 3, "interval": "60s" },
              "risk": { "maxPosition": "50", "maxOrderNotional": "5000", "priceBandPct": "5" },
              "paper": { "seed": "17", "volatilityPct": "0.05", "tick": "0.2s", "flowRate": "10", "initialBalances": { "USDC": "100000" }, "selfTrades": true }
            }
            """);
        await d.WaitForAsync("wash", i => i.Stats?.StrategyFigures?.Hedge is { Hedges: >= 5 } h && D(h.Residual) == 0m,
            "five hedges, back to flat", TimeSpan.FromSeconds(90));
        Assert.Equal(0, (await d.MmctlAsync("stop", "wash")).ExitCode);

        var fills = await JournalQuery.FillsAsync(Path.Combine(d.StateDir, "instances", "wash", "journal.db"));
        Assert.DoesNotContain(fills.GroupBy(f => f.TradeId), t => t.Count() > 1); // no trade of our orders with each other
        Assert.Contains(fills, f => f.Purpose == "Hedge");
        Assert.All(fills, f => Assert.Equal(f.Purpose == "Quote", f.IsMaker)); // every hedge took the crowd's liquidity
        // The hedges that found our own quote in their way waited for it to leave the book.
        Assert.Contains("waits for our own orders in its way", (await d.MmctlAsync("logs", "wash")).StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HedgeTemplate_QuotesAtTheTouch_AndKeepsThePositionHedged()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        Assert.Equal(0, (await d.MmctlAsync("start", "--template", "paper-hedge", "hedge")).ExitCode);
        // At the touch: a snapshot taken just after the paper book ticked may show the quote one tick behind until the
        // engine requotes, so the test waits for a snapshot at the touch rather than asserting on the first one.
        await d.WaitForAsync("hedge", i => i.Stats is { OpenBuyOrders: 1, OpenSellOrders: 1 } && i.Stats.StrategyFigures?.Hedge is not null
            && i.Stats.BestQuoteBid == i.Stats.BestBid, "one quote a side, the bid at the touch");
        // The paper crowd trades with the quotes; every maker fill is hedged back to flat.
        var hedged = await d.WaitForAsync("hedge", i => i.Stats?.StrategyFigures?.Hedge is { Hedges: > 0 } h && D(h.Residual) == 0m,
            "a fill hedged back to flat", TimeSpan.FromSeconds(90));
        Assert.True(hedged.Stats.Session.TakerBuyVolume != "0" || hedged.Stats.Session.TakerSellVolume != "0");
        Assert.Equal(0, (await d.MmctlAsync("stop", "hedge")).ExitCode);
    }
}
