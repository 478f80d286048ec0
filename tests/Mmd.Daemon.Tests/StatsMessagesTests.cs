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
}
