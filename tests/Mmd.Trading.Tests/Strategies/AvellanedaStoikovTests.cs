using Mmd.Trading.MarketData;
using Mmd.Trading.Primitives;
using Mmd.Trading.Strategies.AvellanedaStoikov;
using Mmd.Trading.Strategies.PerpMarketMaking;

namespace Mmd.Trading.Tests.Strategies;

public class AvellanedaStoikovTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-24T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A book with one level a side at ±distance, quantity 1, around 150.</summary>
    private static OrderBook Book(decimal distance)
    {
        var book = new OrderBook("SOL_USDC_PERP");
        book.ApplySnapshot(1, [new BookLevel(150m - distance, 1m)], [new BookLevel(150m + distance, 1m)], T0);
        return book;
    }

    [Fact]
    public void Volatility_IsTheVarianceOfMidChangesPerSecond()
    {
        var estimator = new VolatilityEstimator(TimeSpan.FromSeconds(1));
        for (var i = 0; i <= 40; i++) estimator.Observe(i % 2 == 0 ? 150m : 150.1m, T0.AddSeconds(i));
        Assert.Equal(0.01, estimator.Variance!.Value, 6); // 0.1² per 1 s
    }

    [Fact]
    public void Intensity_IsOneOverTheDepthWeightedMeanDistance()
    {
        var estimator = new BookIntensityEstimator(10);
        var book = new OrderBook("SOL_USDC_PERP");
        book.ApplySnapshot(1, [new BookLevel(149.9m, 1m), new BookLevel(149.7m, 1m)], [new BookLevel(150.1m, 1m), new BookLevel(150.3m, 1m)], T0);
        estimator.Observe(book, 150m);
        Assert.Equal(5.0, estimator.Kappa!.Value, 9); // mean distance 0.2
    }

    [Fact]
    public void Quote_IsTheClosedForm_ClampedBetweenFloorAndCap()
    {
        var model = new AvellanedaStoikovModel(new AvellanedaStoikovConfig { RiskAversion = 0.5m, Horizon = TimeSpan.FromSeconds(10), VolatilityHalfLife = TimeSpan.FromSeconds(1), MaxSpreadPct = 1m });
        for (var i = 0; i <= 40; i++) model.Observe(Book(0.2m), i % 2 == 0 ? 150m : 150.1m, T0.AddSeconds(i));
        // σ² = 0.01, κ = 5, γ = 0.5, T = 10: shift = q x 0.05; spread = 0.05 + 4 ln(1.1) = 0.431240...
        var flat = model.Quote(150m, 0m, minSpreadPct: 0.01m)!.Value;
        Assert.Equal(150m, flat.Reservation);
        Assert.Equal(0.05 + 4 * Math.Log(1.1), (double)flat.HalfSpread * 2, 6);
        var longTwo = model.Quote(150m, 2m, 0.01m)!.Value;
        Assert.Equal(149.9, (double)longTwo.Reservation, 6);
        // The floor: 0.5 % of 150 = 0.75 full spread.
        Assert.Equal(0.375m, model.Quote(150m, 0m, minSpreadPct: 0.5m)!.Value.HalfSpread);
        // The cap: 1 % of 150 = 1.5; an absurd inventory moves the reservation at most half of it.
        Assert.Equal(149.25, (double)model.Quote(150m, 1000m, 0.01m)!.Value.Reservation, 6);
    }

    [Fact]
    public void BeforeTheEstimatorsHaveData_TheSeedQuotesAreUsed_ThenTheModelLeansAgainstInventory()
    {
        var config = new PerpMarketMakerConfig
        {
            SpreadPct = 0.2m, OrderQuantity = 0.5m, Levels = 1, MaxPosition = 5m, PositionThreshold = 5m,
            AvellanedaStoikov = new AvellanedaStoikovConfig { RiskAversion = 0.5m, Horizon = TimeSpan.FromSeconds(10), VolatilityHalfLife = TimeSpan.FromSeconds(1), MaxSpreadPct = 2m },
        };
        var mm = new PerpMarketMaker(config);
        var first = mm.Decide(Views.At("SOL_USDC_PERP", 149.99m, 150.01m));
        Assert.Equal([149.85m, 150.15m], first.Quotes.Select(q => q.Price)); // the seed's 0.2 %

        decimal bid = 0, ask = 0;
        for (var i = 1; i <= 40; i++)
        {
            var view = Views.At("SOL_USDC_PERP", i % 2 == 0 ? 149.99m : 150.09m, i % 2 == 0 ? 150.01m : 150.11m, position: 2m);
            view.Book.ApplySnapshot(i, [new BookLevel(view.Mid!.Value - 0.2m, 1m)], [new BookLevel(view.Mid!.Value + 0.2m, 1m)], T0.AddSeconds(i));
            view.Now = T0.AddSeconds(i);
            var quotes = mm.Decide(view).Quotes;
            (bid, ask) = (quotes.Single(q => q.Side == Side.Buy).Price, quotes.Single(q => q.Side == Side.Sell).Price);
        }
        // Long 4 order units: the reservation sits below the mid (150), so both quotes lean down.
        Assert.True((bid + ask) / 2 < 150m, $"quotes {bid}/{ask} should lean below the mid");
        Assert.NotNull(mm.Figures(Views.At("SOL_USDC_PERP", 149.99m, 150.01m)).Model);
    }
}
