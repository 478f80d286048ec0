using Mmd.Trading.Stats;
using Mmd.Worker;

namespace Mmd.Daemon.Tests;

public class StatsMessagesTests
{
    [Fact]
    public void Decimals_GoOutWithoutTheTrailingZerosOfTheirArithmetic_AndLoseNoDigit()
    {
        var m = StatsMessages.ToMessage(new StatsFigures
        {
            QuoteVolume = 9999.908031800000000000000000m, // a product's scale, as a venue's balance arithmetic leaves it
            Position = -0.50m,
            RealizedPnl = 0.0000000000000000000000000001m, // the smallest step a decimal has
            FeesInQuote = 0.000m,
            SoldQuantity = 79228162514264337593543950335m,
        });
        Assert.Equal(("9999.9080318", "-0.5", "0.0000000000000000000000000001", "0", "79228162514264337593543950335"),
            (m.QuoteVolume, m.Position, m.RealizedPnl, m.FeesInQuote, m.SoldQuantity));
    }

    [Fact]
    public void Capital_GoesOutPerAsset_WithWhatTheInstanceMayUse()
    {
        var m = StatsMessages.ToMessage(new StatsSnapshot
        {
            Instance = "ga", Venue = "backpack", Symbol = "SOL_USDC", BaseAsset = "SOL", QuoteAsset = "USDC", Strategy = "spot_grid",
            Time = DateTimeOffset.UnixEpoch, SessionStart = DateTimeOffset.UnixEpoch,
            Session = new StatsFigures(), Cumulative = new StatsFigures(),
            Capital = [new Trading.Risk.CapitalLine("SOL", 2m, 0.10m, 1.5m), new Trading.Risk.CapitalLine("USDC", 300m, -15.20m, 10_000m)],
        });
        Assert.Equal([("SOL", "2", "0.1", "1.5", "1.5"), ("USDC", "300", "-15.2", "10000", "284.8")],
            m.Capital.Select(c => (c.Asset, c.Allotted, c.Traded, c.Account, c.Usable)));
    }
}
