using System.Text.Json;
using Mmd.Exchanges.Lighter;
using Mmd.Trading.Execution;

namespace Mmd.Exchanges.Tests.Lighter;

/// <summary>Lighter's candles as <c>GET /api/v1/candles</c> writes them: short keys, bare numbers, a zero figure left out.</summary>
public class LighterCandlesTests
{
    [Fact]
    public void ShortKeys_BaseVolumeNotTheQuotes_AndALeftOutFigureIsZero()
    {
        // The shape a probe of mainnet recorded (times in ms); v is the base volume, V the quote's: keys that differ in case only.
        var answer = JsonDocument.Parse("""
            {"code":200,"r":"1h","c":[
              {"t":1788606000000,"o":2460.11,"h":2471.5,"l":2455.02,"c":2468.9,"v":812.3456,"V":2001234.56,"i":7},
              {"t":1788609600000,"o":2468.9,"h":2468.9,"l":2468.9,"c":2468.9,"i":8}]}
            """).RootElement;

        var candles = LighterCandles.Parse(answer);

        Assert.Equal(
        [
            new Candle(DateTimeOffset.FromUnixTimeMilliseconds(1788606000000), 2460.11m, 2471.5m, 2455.02m, 2468.9m, 812.3456m),
            new Candle(DateTimeOffset.FromUnixTimeMilliseconds(1788609600000), 2468.9m, 2468.9m, 2468.9m, 2468.9m, 0m),
        ], candles);
        Assert.Empty(LighterCandles.Parse(JsonDocument.Parse("""{"code":200,"r":"1m","c":[]}""").RootElement));
    }
}
