using GrpcMM.Protos.V1;
using Mmd.Backtest;
using Mmd.Specs;
using Mmd.TestKit;

namespace Mmd.Daemon.Tests;

/// <summary>A spec on the paper venue over simulated time: the whole engine, the clock simulated.</summary>
public class BacktesterTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-11-23T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static ValidatedSpec Template(string file) =>
        SpecValidator.Validate(InstanceSpecJson.Parse(file, File.ReadAllBytes(Repository.Combine("daemon", "templates", file)), out _), file);

    /// <summary>Everything a run decides, both markets: fills, PnL and its parts, fees, positions, volumes, hedges, the final mid, the drawdown.</summary>
    private static string Figures(BacktestResult o)
    {
        static string Of(Trading.Stats.StatsFigures c) =>
            $"fills {c.Fills} ({c.BuyFills}/{c.SellFills}) realized {c.RealizedPnl} unrealized {c.UnrealizedPnl} fees {c.FeesInQuote} funding {c.FundingPnl} position {c.Position} "
            + $"entry {c.AverageEntryPrice} maker {c.MakerBuyVolume}/{c.MakerSellVolume} taker {c.TakerBuyVolume}/{c.TakerSellVolume}";
        var f = o.Final;
        return $"{Of(f.Cumulative)}; mid {f.Mid}; hedges {f.StrategyFigures?.Hedge?.Hedges}; hedge market {(f.StrategyFigures?.Hedge?.Market is { } m ? Of(m.Cumulative) : "-")}; "
            + $"net {o.NetPnl} drawdown {o.MaxDrawdown} furthest {o.Furthest} steps {o.Steps} orders left {o.OrdersLeft}";
    }

    [Fact]
    public async Task TenSimulatedMinutesOfTheXemmTemplate_TradeBothMarkets_WithinItsInventoryRange_EndWithNoOrderLeft_AndRepeatExactly()
    {
        var outcome = await Backtester.RunAsync(Template("paper-xemm.json"), TimeSpan.FromMinutes(10), Start, CancellationToken.None);
        // Random taker flow on two markets, four streams into the engine: the same seed and start give the same run.
        var again = await Backtester.RunAsync(Template("paper-xemm.json"), TimeSpan.FromMinutes(10), Start, CancellationToken.None);
        Assert.Equal(Figures(outcome), Figures(again));

        Assert.Equal(TimeSpan.FromMinutes(10), outcome.Simulated);
        Assert.Equal(3000, outcome.Steps); // 10 minutes of 0.2 s ticks
        Assert.Equal(0, outcome.OrdersLeft);
        var final = outcome.Final;
        Assert.True(final.Cumulative.BuyFills > 10 && final.Cumulative.SellFills > 10, $"{final.Cumulative.BuyFills} buys, {final.Cumulative.SellFills} sells");
        Assert.True(final.StrategyFigures!.Hedge!.Hedges > 10, $"{final.StrategyFigures.Hedge.Hedges} hedges");
        Assert.InRange(outcome.Furthest, 0.5m, 2m); // the template's inventory range
        Assert.True(outcome.MaxDrawdown >= -outcome.NetPnl, $"net PnL ended at {outcome.NetPnl} from 0, yet the deepest fall was {outcome.MaxDrawdown}");
        Assert.True(final.Runtime >= TimeSpan.FromMinutes(10), $"the engine's clock ran {final.Runtime}");
    }

    [Fact]
    public async Task AScriptedGrid_GivesTheSameFillsEveryTime()
    {
        var proto = new InstanceSpec { Name = "g", Symbol = "SOL_USDC", SpotGrid = new SpotGridConfig { LowerPrice = "140", UpperPrice = "160", Levels = 5, OrderQuantity = "1" },
            Risk = new RiskLimits { PriceBandPct = "20" },
            Paper = new PaperVenueOptions { VolatilityPct = "0", FlowRate = "0", InitialBalances = { ["USDC"] = "10000", ["SOL"] = "10" } } };
        proto.Paper.PricePath.Add(new PricePoint { At = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.Zero), Price = "152" });
        proto.Paper.PricePath.Add(new PricePoint { At = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMinutes(5)), Price = "143" });
        proto.Paper.PricePath.Add(new PricePoint { At = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMinutes(10)), Price = "158" });
        var grid = SpecValidator.Validate(proto, "test");

        var first = await Backtester.RunAsync(grid, TimeSpan.FromMinutes(10), Start, CancellationToken.None);
        // The second keeps its equity curve: watching the run changes none of it.
        var second = await Backtester.RunAsync(grid, TimeSpan.FromMinutes(10), Start, CancellationToken.None, equityEvery: TimeSpan.FromMinutes(1));
        // Down through the 150 and 145 buys, back up through their sells: two round trips, and the same run again.
        Assert.Equal(2, first.Final.StrategyFigures!.Grid!.RoundTrips);
        Assert.Equal(Figures(first), Figures(second));
        Assert.Equal(0, first.OrdersLeft);
        // At 143, the bottom of the path, the two buys (150 and 145) are 9 under water, with their fees, from a net of 0.
        Assert.InRange(first.MaxDrawdown, 9m, 9.5m);
        Assert.Empty(first.EquityCurve);

        // The curve: the start, then a point a minute to the end, which is the run's final figures.
        var curve = second.EquityCurve;
        Assert.Equal(Enumerable.Range(0, 11).Select(m => Start.AddMinutes(m)), curve.Select(p => p.Time));
        Assert.Equal((0m, 0m, 0L), (curve[0].NetPnl, curve[0].Position, curve[0].Fills));
        var bottom = curve[5]; // five minutes in: the path's low
        Assert.Equal(2m, bottom.Position);
        Assert.InRange(bottom.Mid!.Value, 142.95m, 143.05m); // the book's mid about the path's 143
        Assert.InRange(bottom.Drawdown, 9m, second.MaxDrawdown);
        Assert.Equal((second.NetPnl, second.Final.Cumulative.Position, second.Final.Cumulative.Fills, (decimal?)null),
            (curve[^1].NetPnl, curve[^1].Position, curve[^1].Fills, curve[^1].HedgePosition));
        Assert.All(curve, p => Assert.InRange(p.Drawdown, 0m, second.MaxDrawdown));
    }

    [Fact]
    public async Task AGridThatStopsAtItsBoundary_EndsTheRunThere_AndClosesAtThatMomentsPrice_EveryTime()
    {
        // The perp grid template's range is the mid -/+ 1 % at start (148.50-151.50); the scripted price falls through it.
        var proto = InstanceSpecJson.Parse("paper-perp-grid.json", File.ReadAllBytes(Repository.Combine("daemon", "templates", "paper-perp-grid.json")), out _);
        proto.PerpGrid.BoundaryAction = BoundaryAction.EmergencyClose;
        proto.Paper.PricePath.Add(new PricePoint { At = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.Zero), Price = "150" });
        proto.Paper.PricePath.Add(new PricePoint { At = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMinutes(10)), Price = "120" });
        var grid = SpecValidator.Validate(proto, "test");

        var first = await Backtester.RunAsync(grid, TimeSpan.FromMinutes(10), Start, CancellationToken.None);
        var second = await Backtester.RunAsync(grid, TimeSpan.FromMinutes(10), Start, CancellationToken.None);

        Assert.StartsWith("boundary: price ", first.StopReason, StringComparison.Ordinal);
        // 148.50 less the 0.2 % tolerance is passed 36 s in (50 cents a minute): the run ends there, not at ten minutes.
        Assert.InRange(first.Simulated, TimeSpan.FromSeconds(34), TimeSpan.FromSeconds(38));
        Assert.Equal(0m, first.Final.Cumulative.Position); // closed
        Assert.Equal(0, first.OrdersLeft);
        Assert.Equal(Figures(first), Figures(second));
    }

    [Fact]
    public async Task WithTicksHalfAMinuteApart_TheBookStaysFreshBetweenThem_SoTheQuotesRestAndTrade()
    {
        // Live, a quiet book says it is alive every 5 s; here the clock walks a second at a time so those marks come as
        // they would, and the engine does not pull its quotes as stale (15 s) between the venue's ticks.
        var proto = new InstanceSpec { Name = "slow", Symbol = "SOL_USDC",
            SpotMarketMaking = new SpotMarketMakingConfig { SpreadPct = "0.2", OrderQuantity = "0.5", Levels = 2 },
            Risk = new RiskLimits { MaxPosition = "50", PriceBandPct = "5" },
            Paper = new PaperVenueOptions { Seed = 42, VolatilityPct = "0.02", Tick = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(30)),
                FlowRate = "0.05", InitialBalances = { ["USDC"] = "10000", ["SOL"] = "28" } } };
        var slow = SpecValidator.Validate(proto, "test");

        var outcome = await Backtester.RunAsync(slow, TimeSpan.FromHours(1), Start, CancellationToken.None);

        Assert.Equal(120, outcome.Steps);
        Assert.True(outcome.Final.Cumulative.Fills >= 20, $"{outcome.Final.Cumulative.Fills} fills in an hour of quotes"); // none when they were pulled
        Assert.Equal(Figures(outcome), Figures(await Backtester.RunAsync(slow, TimeSpan.FromHours(1), Start, CancellationToken.None)));
    }

    [Fact]
    public async Task ALiveVenue_IsRefused()
    {
        var live = SpecValidator.Validate(new InstanceSpec { Name = "b", Venue = "backpack", Symbol = "SOL_USDC_PERP",
            PerpMarketMaking = new PerpMarketMakingConfig { SpreadPct = "0.1", OrderQuantity = "0.1", MaxPosition = "1" } }, "test");
        await Assert.ThrowsAsync<ArgumentException>(() => Backtester.RunAsync(live, TimeSpan.FromMinutes(1), Start, CancellationToken.None));
    }
}
