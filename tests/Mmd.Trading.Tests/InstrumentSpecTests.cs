using Mmd.Trading.Primitives;

namespace Mmd.Trading.Tests;

public class InstrumentSpecTests
{
    private static readonly InstrumentSpec Sol = new("SOL_USDC", "SOL", "USDC", InstrumentKind.Spot, 0.01m, 0.01m, 0.01m, 1m);

    [Theory]
    [InlineData("150.123", "150.12")]
    [InlineData("150.126", "150.13")]
    [InlineData("150.125", "150.12")] // exact half goes to even, like the seed's Python round
    [InlineData("150.135", "150.14")]
    public void RoundPrice_NearestTick_HalvesToEven(string input, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Sol.RoundPrice(decimal.Parse(input, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void RoundQuantity_FloorsToStep() => Assert.Equal(1.23m, Sol.RoundQuantity(1.2399m));

    [Fact]
    public void RoundPricePassive_NeverImprovesTheQuote()
    {
        Assert.Equal(150.12m, Sol.RoundPricePassive(150.129m, Side.Buy));
        Assert.Equal(150.13m, Sol.RoundPricePassive(150.121m, Side.Sell));
    }

    [Fact]
    public void Format_NoScientificNotation_KeepsInstrumentScale()
    {
        var btc = new InstrumentSpec("BTC_USDC", "BTC", "USDC", InstrumentKind.Spot, 0.1m, 0.00001m, 0.00001m, 1m);
        Assert.Equal("0.00001", btc.FormatQuantity(0.00001m)); // the seed sent 1e-05 (§9.1)
        Assert.Equal("150.50", Sol.FormatPrice(150.5m));
    }

    [Fact]
    public void MeetsMinimums_ChecksQuantityAndNotional()
    {
        Assert.True(Sol.MeetsMinimums(150m, 0.01m));
        Assert.False(Sol.MeetsMinimums(150m, 0.001m));
        Assert.False(Sol.MeetsMinimums(10m, 0.05m)); // notional 0.5 < 1
    }

    [Fact]
    public void Constructor_RejectsNonPositiveTick() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new InstrumentSpec("X", "A", "B", InstrumentKind.Spot, 0m, 1m, 0m, 0m));
}
