using Mmd.Backtest;
using Mmd.Exchanges.Paper;
using Mmd.TestKit;
using Mmd.Trading.Primitives;

namespace Mmd.Daemon.Tests;

/// <summary>Recorded prices from a CSV file, as the paper venue's price path; or an error naming the file and line.</summary>
public class RecordedPricesTests
{
    private static readonly DateTimeOffset December = DateTimeOffset.Parse("2025-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<RecordedPrices> ReadAsync(TempDirectory dir, string text)
    {
        var path = dir.Combine("prices.csv");
        await File.WriteAllTextAsync(path, text);
        return await RecordedPrices.ReadAsync(path, CancellationToken.None);
    }

    private static async Task<string> ErrorAsync(TempDirectory dir, string text) =>
        (await Assert.ThrowsAsync<RecordedPricesException>(() => ReadAsync(dir, text))).Message;

    [Fact]
    public async Task TimesAndPrices_WithAHeaderAndComments_AreAPathFromTheFirstTime()
    {
        using var dir = new TempDirectory();
        var recorded = await ReadAsync(dir, "time,price\n# a comment\n2025-12-01T00:00:00Z,150\n\n2025-12-01T00:01:00Z,151.5\n2025-12-01 00:03:00,148\n");

        Assert.Equal(December, recorded.First);
        Assert.Equal(TimeSpan.FromMinutes(3), recorded.Span);
        Assert.Equal(3, recorded.Rows);
        Assert.False(recorded.Candles);
        Assert.Equal([(TimeSpan.Zero, 150m), (TimeSpan.FromMinutes(1), 151.5m), (TimeSpan.FromMinutes(3), 148m)], recorded.Path.Points);
        Assert.Equal(150.75m, recorded.Path.At(TimeSpan.FromSeconds(30)));
        Assert.Equal(149.75m, recorded.Path.At(TimeSpan.FromMinutes(2)));
    }

    [Theory]
    [InlineData("1764547200", "1764547260")] // Unix seconds
    [InlineData("1764547200000", "1764547260000")] // milliseconds, as most klines
    [InlineData("1764547200000000", "1764547260000000")] // microseconds, as Binance's spot klines since 2025
    [InlineData("1764547200.5", "1764547260.5")] // seconds with a fraction
    public async Task UnixTimes_AreToldApartByTheirMagnitude(string first, string second)
    {
        using var dir = new TempDirectory();
        var recorded = await ReadAsync(dir, $"{first},100\n{second},101\n");

        Assert.Equal(December, recorded.First.AddTicks(-(recorded.First.Ticks % TimeSpan.TicksPerSecond)));
        Assert.Equal(TimeSpan.FromMinutes(1), recorded.Span);
    }

    [Fact]
    public async Task Candles_AreFourPointsEach_TheExtremeNearerTheOpenFirst_EachLastingToTheNextOpen()
    {
        using var dir = new TempDirectory();
        // Binance's kline layout: open time, open, high, low, close, volume, close time, ... (the rest ignored)
        var recorded = await ReadAsync(dir, """
            open_time,open,high,low,close,volume,close_time
            1764547200000,100,104,99,103,12.5,1764547259999
            1764547260000,103,103.5,97,98,20,1764547319999
            """);

        Assert.True(recorded.Candles);
        Assert.Equal(2, recorded.Rows);
        Assert.Equal(TimeSpan.FromMinutes(2), recorded.Span); // the last candle lasts as long as the one before
        static TimeSpan s(int seconds) => TimeSpan.FromSeconds(seconds);
        Assert.Equal([
            (s(0), 100m), (s(20), 99m), (s(40), 104m), (s(60), 103m), // up: the low, then the high
            (s(60), 103m), (s(80), 103.5m), (s(100), 97m), (s(120), 98m), // down: the high, then the low
        ], recorded.Path.Points);
    }

    [Theory]
    [InlineData("t,p\n2025-12-01T00:00:00Z,150\n2025-12-01T00:00:00Z,151\n", ":3: 2025-12-01T00:00:00Z is not after the row before (2025-12-01T00:00:00Z): rows go forward in time")]
    [InlineData("1764547200,150\n1764547260,-1\n", ":2: '-1' is not a positive price (price)")]
    [InlineData("1764547200,150\n1764547260,abc\n", ":2: 'abc' is not a positive price (price)")]
    [InlineData("1764547200,100,104,99,103\n1764547260,100,99,98,101\n", ":2: high 99 and low 98 do not hold open 100 and close 101")]
    [InlineData("1764547200,100,104,99,103\n1764547260,100,104\n", ":2: 3 fields where the file's first row had 5")]
    [InlineData("1764547200,100,104\n", ":1: 3 fields: expected time,price or time,price,quantity,side or time,open,high,low,close[,...]")]
    [InlineData("1764547200,100,1,buy\n1764547260,101,0,sell\n", ":2: '0' is not a positive quantity (quantity)")]
    [InlineData("1764547200,100,1,buy\n1764547260,101,1,up\n", ":2: 'up' is not a side: buy or sell (the taker's)")]
    [InlineData("1764547260,100,1,buy\n1764547200,101,1,sell\n", ":2: 2025-12-01T00:00:00Z is not after the row before (2025-12-01T00:01:00Z): rows go forward in time")]
    [InlineData("1764547200,100,1,buy\n1764547200,101,1,sell\n", ": 2 trades at one moment: at least two times, a span of time")]
    [InlineData("time,price\nyesterday,150\n", ":2: 'yesterday' is not a time (Unix seconds, milliseconds or microseconds, or ISO 8601)")]
    [InlineData("time,price\n1764547200,150\n", ": 1 row(s) of prices: at least two, a span of time")]
    public async Task AFileThatIsNotPrices_IsRefused_NamingTheLine(string text, string problem)
    {
        using var dir = new TempDirectory();
        Assert.Equal(dir.Combine("prices.csv") + problem, await ErrorAsync(dir, text));
    }

    [Fact]
    public async Task PathFrom_AMomentWithinTheRecording_StartsAtItsPriceThere_ThenTheLaterPoints()
    {
        using var dir = new TempDirectory();
        // A hedge market's recording a minute longer on each side than the quoted market's, which starts at 00:01.
        var recorded = await ReadAsync(dir, "2025-12-01T00:00:00Z,150\n2025-12-01T00:02:00Z,152\n2025-12-01T00:03:00Z,151\n");

        var fromMinute = recorded.PathFrom(December.AddMinutes(1));
        Assert.Equal([(TimeSpan.Zero, 151m), (TimeSpan.FromMinutes(1), 152m), (TimeSpan.FromMinutes(2), 151m)], fromMinute.Points);
        Assert.Equal(151.5m, fromMinute.At(TimeSpan.FromSeconds(30)));
        Assert.Same(recorded.Path, recorded.PathFrom(December));
        Assert.Equal([(TimeSpan.Zero, 152m), (TimeSpan.FromMinutes(1), 151m)], recorded.PathFrom(December.AddMinutes(2)).Points); // on a point: no point twice
        Assert.Equal([(TimeSpan.Zero, 151m)], recorded.PathFrom(December.AddMinutes(3)).Points);
        Assert.Contains("covers 2025-12-01T00:00:00Z to 2025-12-01T00:03:00Z",
            Assert.Throws<ArgumentOutOfRangeException>(() => recorded.PathFrom(December.AddSeconds(-1))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => recorded.PathFrom(December.AddMinutes(3).AddTicks(1)));
    }

    [Fact]
    public async Task Trades_WithTheirSides_AreATape_AndTheirPricesThePath_TheLastOfAMomentStanding()
    {
        using var dir = new TempDirectory();
        var recorded = await ReadAsync(dir, """
            time,price,quantity,side
            1764547200000,150.01,0.5,buy
            1764547200000,149.99,1.25,SELL
            1764547201500,150.02,2,b
            1764547203000,150.00,0.1,s
            """);

        Assert.False(recorded.Candles);
        Assert.Equal(4, recorded.Rows);
        Assert.Equal(TimeSpan.FromSeconds(3), recorded.Span);
        Assert.Equal([(TimeSpan.Zero, 149.99m), (TimeSpan.FromSeconds(1.5), 150.02m), (TimeSpan.FromSeconds(3), 150.00m)], recorded.Path.Points);
        Assert.Equal([
            new RecordedTrade(TimeSpan.Zero, Side.Buy, 150.01m, 0.5m), new RecordedTrade(TimeSpan.Zero, Side.Sell, 149.99m, 1.25m),
            new RecordedTrade(TimeSpan.FromSeconds(1.5), Side.Buy, 150.02m, 2m), new RecordedTrade(TimeSpan.FromSeconds(3), Side.Sell, 150.00m, 0.1m),
        ], recorded.Tape!.Trades);

        // A hedge market's tape on the quoted market's clock: the trades from that moment on.
        Assert.Equal([new RecordedTrade(TimeSpan.Zero, Side.Buy, 150.02m, 2m), new RecordedTrade(TimeSpan.FromSeconds(1.5), Side.Sell, 150.00m, 0.1m)],
            recorded.TapeFrom(December.AddSeconds(1.5))!.Trades);
        Assert.Same(recorded.Tape, recorded.TapeFrom(December));
        Assert.Null((await ReadAsync(dir, "1764547200,150\n1764547260,151\n")).TapeFrom(December.AddSeconds(1))); // prices: no trades
    }
}
