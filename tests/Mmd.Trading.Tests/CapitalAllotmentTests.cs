using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;
using Mmd.Trading.Risk;
using Mmd.Trading.Stats;

namespace Mmd.Trading.Tests;

public class CapitalAllotmentTests
{
    private static readonly InstrumentSpec Spot = new("SOL_USDC", "SOL", "USDC", InstrumentKind.Spot, 0.01m, 0.01m, 0.01m, 0m);
    private static readonly InstrumentSpec Perp = new("SOL_USDC_PERP", "SOL", "USDC", InstrumentKind.Perpetual, 0.01m, 0.01m, 0.01m, 0m);
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-12-07T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static VenueFill Fill(Side side, decimal price, decimal quantity, decimal fee, string feeAsset, int n) =>
        new($"t{n}", $"v{n}", $"mm-{n}", "SOL_USDC", side, price, quantity, fee, feeAsset, true, T0.AddSeconds(n));

    [Fact]
    public void OnASpotMarket_TheFillsMoveTheBaseBoughtLessSold_AndTheQuoteReceivedLessPaid_LessEachFee()
    {
        var stats = new TradingStatistics("SOL", "USDC");
        stats.Apply(Fill(Side.Buy, 100m, 2m, 0.2m, "USDC", 1), false);
        stats.Apply(Fill(Side.Buy, 104m, 1m, 0.01m, "SOL", 2), false);
        stats.Apply(Fill(Side.Sell, 110m, 2.5m, 0.275m, "USDC", 3), false);
        var flows = new Dictionary<string, decimal>();
        stats.AddAccountFlows(flows, InstrumentKind.Spot);

        Assert.Equal(2m + 1m - 2.5m - 0.01m, flows["SOL"]);
        Assert.Equal(-200m - 104m + 275m - 0.2m - 0.275m, flows["USDC"]);
    }

    [Fact]
    public void OnASpotMarket_ASoldShort_BringsInItsQuote()
    {
        var stats = new TradingStatistics("SOL", "USDC");
        stats.Apply(Fill(Side.Sell, 120m, 2m, 0m, "USDC", 1), false);
        stats.Apply(Fill(Side.Buy, 115m, 0.5m, 0m, "USDC", 2), false);
        var flows = new Dictionary<string, decimal>();
        stats.AddAccountFlows(flows, InstrumentKind.Spot);

        Assert.Equal(-1.5m, flows["SOL"]);
        Assert.Equal(240m - 57.5m, flows["USDC"]);
    }

    [Fact]
    public void OnAPerpetual_ThePositionIsNoBalance_TheQuoteMovesByTheRealizedPnlAndFunding_LessFees()
    {
        var stats = new TradingStatistics("SOL", "USDC");
        stats.Apply(Fill(Side.Buy, 100m, 2m, 0.1m, "USDC", 1), false);
        stats.Apply(Fill(Side.Sell, 110m, 1m, 0.05m, "USDC", 2), false);
        stats.ApplyFunding(-0.3m);
        var flows = new Dictionary<string, decimal>();
        stats.AddAccountFlows(flows, InstrumentKind.Perpetual);

        Assert.False(flows.ContainsKey("SOL"));
        Assert.Equal(10m - 0.3m - 0.15m, flows["USDC"]);
    }

    [Fact]
    public void TheInstanceSees_ItsPart_NeverMoreThanTheAccountHolds_NorLessThanNothing_AndTheRestOfTheAccountAsItIs()
    {
        var capital = new CapitalAllotment(new Dictionary<string, decimal> { ["SOL"] = 10m, ["USDC"] = 1500m, ["BTC"] = 1m });
        var account = new Dictionary<string, Balance>
        {
            ["SOL"] = new("SOL", 40m, 2m),
            ["USDC"] = new("USDC", 1000m, 200m),
            ["ETH"] = new("ETH", 3m, 0m),
        };
        var flows = new Dictionary<string, decimal> { ["SOL"] = 0.5m, ["USDC"] = -80m };

        var seen = CapitalAllotment.Apply(account, capital.Lines(account, flows));

        Assert.Equal(new Balance("SOL", 8.5m, 2m), seen["SOL"]); // its own 10.5, of which its resting sells lock 2
        Assert.Equal(new Balance("USDC", 1000m, 200m), seen["USDC"]); // its own 1420 is more than the account's 1200
        Assert.Equal(new Balance("BTC", 0m, 0m), seen["BTC"]); // allotted, but the account holds none
        Assert.Equal(new Balance("ETH", 3m, 0m), seen["ETH"]); // not allotted: as the account holds it
        var lines = capital.Lines(account, flows);
        Assert.Equal(["BTC", "SOL", "USDC"], lines.Select(l => l.Asset));
        Assert.Equal(new CapitalLine("USDC", 1500m, -80m, 1200m), lines[2]);
        Assert.Equal(1200m, lines[2].Usable);

        // Fees and losses past what it was given: nothing, not a debt.
        Assert.Equal(0m, new CapitalLine("SOL", 1m, -1.2m, 40m).Usable);
    }

    [Fact]
    public void CapitalInAnAssetTheInstanceDoesNotSizeFrom_IsNamed_WithWhatItTrades()
    {
        Assert.Null(new CapitalAllotment(new Dictionary<string, decimal> { ["SOL"] = 1m, ["USDC"] = 100m }).Mismatch([Spot]));
        var capital = new CapitalAllotment(new Dictionary<string, decimal> { ["SOL"] = 1m, ["USDC"] = 100m, ["ETH"] = 1m });

        var why = capital.Mismatch([Perp]);
        Assert.StartsWith("capital names ETH, SOL, which this instance does not trade (SOL_USDC_PERP is a perpetual margined in USDC)", why);
        Assert.EndsWith("allot USDC", why);
        Assert.Contains("capital names ETH,", capital.Mismatch([Spot, Perp]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CapitalAllotment(new Dictionary<string, decimal> { ["SOL"] = -1m }));
    }
}
