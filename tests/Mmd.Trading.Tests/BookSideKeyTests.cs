using System.Globalization;
using Mmd.Trading.MarketData;

namespace Mmd.Trading.Tests;

public class BookSideKeyTests
{
    [Theory]
    [InlineData("150.5", "150.50")]
    [InlineData("0.00000001", "0.0000000100")]
    [InlineData("95000", "95000.0000")]
    public void EqualValues_WithDifferentScales_HaveOneKey(string a, string b) =>
        Assert.Equal(BookSide.Key(decimal.Parse(a, CultureInfo.InvariantCulture)), BookSide.Key(decimal.Parse(b, CultureInfo.InvariantCulture)));

    [Fact]
    public void Key_MatchesTheValue_AgainstGetBits()
    {
        var rng = new Random(3);
        for (var i = 0; i < 10_000; i++)
        {
            var value = Math.Round((decimal)rng.NextDouble() * rng.Next(1, 1_000_000), rng.Next(0, 11));
            if (rng.Next(2) == 0) value = -value;
            Assert.Equal((long)(value * 10_000_000_000m), BookSide.Key(value));
        }
    }

    [Fact]
    public void Key_PreservesOrder_AndFallsBackBeyondTenDecimals()
    {
        Assert.True(BookSide.Key(100.01m) > BookSide.Key(100.00999m));
        Assert.Equal(BookSide.Key(0.00000000001m), BookSide.Key(0m)); // 1e-11 rounds to 0 units of 1e-10
        Assert.True(BookSide.Key(900_000_000m) > BookSide.Key(899_999_999.99m));
    }
}
