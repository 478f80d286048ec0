using Mmd.Trading.Execution;

namespace Mmd.Trading.Tests;

public class CandleIntervalsTests
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static Candle At(DateTimeOffset time, decimal close, decimal volume = 1m) => new(time, close - 1m, close + 2m, close - 3m, close, volume);

    [Theory]
    [InlineData("1m", 1)]
    [InlineData("15M", 15)]
    [InlineData(" 4h", 240)]
    [InlineData("1d", 1440)]
    public void ANameIsItsInterval_BothWays(string name, int minutes)
    {
        Assert.Equal(TimeSpan.FromMinutes(minutes), CandleIntervals.Parse(name));
        Assert.Equal(name.Trim().ToLowerInvariant(), CandleIntervals.Name(TimeSpan.FromMinutes(minutes)));
    }

    [Theory]
    [InlineData("2h")]
    [InlineData("1w")]
    [InlineData("")]
    public void AnIntervalNoVenueSharesIsNone(string name) => Assert.Null(CandleIntervals.Parse(name));

    [Fact]
    public void CandlesOpenAtWholeMultiplesOfTheirIntervalSinceTheEpoch()
    {
        var time = new DateTimeOffset(2026, 12, 1, 13, 47, 31, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 13, 45, 0, TimeSpan.Zero), CandleIntervals.Floor(time, TimeSpan.FromMinutes(15)));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero), CandleIntervals.Floor(time, TimeSpan.FromHours(4)));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), CandleIntervals.Floor(time, TimeSpan.FromDays(1)));
    }

    [Fact]
    public void ShorterCandlesJoin_FirstOpen_HighestHigh_LowestLow_LastClose_AllTheVolume()
    {
        var fifteen = TimeSpan.FromMinutes(15);
        var joined = CandleIntervals.Aggregate([At(Noon, 10m), At(Noon + fifteen, 14m, 2m), At(Noon + 2 * fifteen, 12m), At(Noon + 4 * fifteen, 20m)], TimeSpan.FromHours(1));
        Assert.Equal([new Candle(Noon, 9m, 16m, 7m, 12m, 4m), new Candle(Noon + TimeSpan.FromHours(1), 19m, 22m, 17m, 20m, 1m)], joined);
    }

    [Fact]
    public async Task ASpanIsReadInWindowsOfAtMostTheVenuesLimit_InOrder_EachCandleOnce()
    {
        var minute = TimeSpan.FromMinutes(1);
        List<(DateTimeOffset Start, DateTimeOffset End)> asked = [];
        // A venue that answers newest first and repeats the candle at each window's edge.
        Task<IReadOnlyList<Candle>> Read(DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
        {
            asked.Add((start, end));
            var candles = new List<Candle>();
            for (var t = start; t <= end; t += minute) candles.Add(At(t, (decimal)(t - Noon).TotalMinutes + 100m));
            candles.Reverse();
            return Task.FromResult<IReadOnlyList<Candle>>(candles);
        }

        var read = await CandleIntervals.ReadPagedAsync(minute, Noon.AddSeconds(-30), Noon + 25 * minute, 10, Read, CancellationToken.None);

        Assert.Equal([(Noon, Noon + 10 * minute), (Noon + 10 * minute, Noon + 20 * minute), (Noon + 20 * minute, Noon + 25 * minute)], asked);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => Noon + i * minute), read.Select(c => c.Time));
        Assert.Equal(124m, read[^1].Close);
    }
}
