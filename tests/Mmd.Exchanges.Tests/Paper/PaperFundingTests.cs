using Microsoft.Extensions.Time.Testing;
using Mmd.Exchanges.Paper;
using Mmd.TestKit;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Tests.Paper;

public class PaperFundingTests
{
    private const string Perp = "SOL_USDC_PERP";

    private static PaperExchange Venue(FakeTimeProvider time, string? dir = null) => new(new PaperSettings
    {
        VolatilityPct = 0m, FlowRate = 0m, StateDirectory = dir, Account = "acct", FundingRatePct = 0.01m, FundingInterval = TimeSpan.FromHours(8),
    }, time);

    /// <summary>Buys 2 SOL of the perp at market from the background liquidity.</summary>
    private static void GoLong(PaperExchange x, string account) =>
        Assert.Equal(CommandOutcome.Accepted, x.Place(account, new PlaceOrderRequest(Perp, account + "_1", Side.Buy, OrderType.Market, TimeInForce.Ioc, null, 2m)).Outcome);

    [Fact]
    public void AtEachSettlement_ALongPaysRateTimesNotional_AndTheAccountListsIt()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-24T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var x = Venue(time);
        GoLong(x, "a");
        var before = x.Balances("a").Single(b => b.Asset == "USDC").Total;
        var mid = x.Mid(Perp)!.Value;

        time.Advance(TimeSpan.FromHours(8));
        x.Tick();
        var payment = Assert.Single(x.Funding("a", Perp, DateTimeOffset.MinValue));
        Assert.Equal((2m, mid, 0.0001m), (payment.Position, payment.MarkPrice, payment.Rate));
        Assert.Equal(-2m * mid * 0.0001m, payment.Amount);
        Assert.Equal(before + payment.Amount, x.Balances("a").Single(b => b.Asset == "USDC").Total);
        Assert.Empty(x.Funding("a", "SOL_USDC", DateTimeOffset.MinValue));
        Assert.Empty(x.Funding("flat", Perp, DateTimeOffset.MinValue)); // no position, nothing paid

        time.Advance(TimeSpan.FromHours(16));
        x.Tick();
        Assert.Equal(3, x.Funding("a", Perp, DateTimeOffset.MinValue).Count); // two settlements were due: both ran
    }

    [Fact]
    public void ASettlementDueBeforeAFill_IsPaidOnThePositionHeldWhenDue_EvenIfNoTickRanBetween()
    {
        // Ticks run about once a second; an order can fill between a settlement's due time and the tick that runs it.
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-24T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var x = Venue(time);
        time.Advance(TimeSpan.FromHours(8) + TimeSpan.FromMilliseconds(500)); // due half a second ago, no tick since
        GoLong(x, "a");
        x.Tick();
        Assert.Empty(x.Funding("a", Perp, DateTimeOffset.MinValue)); // flat when it was due: nothing paid on the later fill

        // The same with the move of a scripted mid, which fills the orders resting in its way.
        time.Advance(TimeSpan.FromHours(8));
        x.SetMid(Perp, x.Mid(Perp)!.Value);
        var paid = Assert.Single(x.Funding("a", Perp, DateTimeOffset.MinValue));
        Assert.Equal(2m, paid.Position);
    }

    [Fact]
    public void FundingHistory_SurvivesARestartOfTheVenue()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-24T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using (var x = Venue(time, dir.Path))
        {
            GoLong(x, "acct");
            time.Advance(TimeSpan.FromHours(8));
            x.Tick();
        }
        using var again = Venue(time, dir.Path);
        Assert.Single(again.Funding("acct", Perp, DateTimeOffset.MinValue));
        // The next settlement is still 8 h after the first, not 8 h after the restart.
        time.Advance(TimeSpan.FromHours(8));
        again.Tick();
        Assert.Equal(2, again.Funding("acct", Perp, DateTimeOffset.MinValue).Count);
    }
}
