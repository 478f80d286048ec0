using System.Globalization;
using Mmd.Trading.MarketData;

namespace Mmd.Exchanges.Shared;

/// <summary>Book levels as the venues send them: [price, quantity] pairs of decimal strings.</summary>
public static class WireLevels
{
    public static BookLevel[] Parse(string[][] levels)
    {
        var result = new BookLevel[levels.Length];
        for (var i = 0; i < levels.Length; i++) result[i] = new BookLevel(Money(levels[i][0]), Money(levels[i][1]));
        return result;
    }

    public static decimal Money(string value) => decimal.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
}
