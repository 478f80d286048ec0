using GrpcMM.Protos.V1;
using Mmctl.Output;

namespace Mmd.EndToEnd.Tests;

/// <summary>
/// The line under `mmctl status`'s table and `mmctl watch`'s live one (mmctl's printer alone; the end-to-end tests see it
/// under a real status table).
/// </summary>
public sealed class StatusTotalsTests
{
    private static Instance Trading(string name, InstanceState state, string quote, ulong fills, string netPnl) => new()
    {
        Name = name, State = state, Spec = new InstanceSpec { Venue = "paper", Symbol = "SOL_USDC" },
        Stats = new InstanceStats { QuoteAsset = quote, Session = new TradingFigures { Fills = fills, NetPnl = netPnl } },
    };

    [Fact]
    public void Totals_CountEachState_AndAddUpTheSessionsFillsAndNetPnl_ByQuoteAsset()
    {
        Instance[] instances =
        [
            Trading("a", InstanceState.Running, "USDC", 7, "0.3776"),
            Trading("b", InstanceState.Running, "USDC", 3, "-0.1"),
            Trading("c", InstanceState.Stopped, "USDT", 2, "1.5"),
            new() { Name = "d", State = InstanceState.Backoff }, // no worker has reported yet: nothing to add
        ];
        Assert.Equal("4 instances: 2 running, 1 stopped, 1 backoff; this session: 12 fills, net PnL 0.2776 USDC, 1.5 USDT", Printer.Totals(instances));
    }

    [Fact]
    public void Totals_OfInstancesThatNeverTraded_AreZero()
    {
        Assert.Equal("2 instances: 2 created; this session: 0 fills, net PnL 0",
            Printer.Totals([new Instance { Name = "a", State = InstanceState.Created }, new Instance { Name = "b", State = InstanceState.Created }]));
    }

    [Fact]
    public void WatchsLiveView_HasTheTotalsUnderTheTable_OnceThereIsMoreThanOneInstance()
    {
        Instance[] two = [Trading("a", InstanceState.Running, "USDC", 1, "0.5"), Trading("b", InstanceState.Stopped, "USDC", 2, "0.25")];
        var lines = Printer.Lines(Printer.LiveView(two, DateTimeOffset.UtcNow), 200);
        Assert.Equal("2 instances: 1 running, 1 stopped; this session: 3 fills, net PnL 0.75 USDC", lines[^1]);
        Assert.Contains(lines, l => l.TrimStart().StartsWith("b ", StringComparison.Ordinal)); // the table is above it
        Assert.DoesNotContain(Printer.Lines(Printer.LiveView(two[..1], DateTimeOffset.UtcNow), 200), l => l.Contains("instances:", StringComparison.Ordinal));
    }
}
