using System.Globalization;
using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Lighter;

/// <summary>Translations between Lighter's wire values and the connector port's types, both ways (the emulator answers with them too).</summary>
public static class LighterMapping
{
    /// <summary>Lighter's wire names of the time in force.</summary>
    public const string GoodTillTime = "good-till-time", ImmediateOrCancel = "immediate-or-cancel", PostOnly = "post-only";

    public const string Open = "open", Filled = "filled", Canceled = "canceled";

    /// <summary>The venue ended the order itself: <c>canceled-post-only</c>, <c>canceled-reduce-only</c>, and so on.</summary>
    public const string CanceledPrefix = "canceled-";

    public static (TimeInForce TimeInForce, bool PostOnly) TimeInForceOf(string wire) => wire switch
    {
        PostOnly => (TimeInForce.Gtc, true),
        ImmediateOrCancel => (TimeInForce.Ioc, false),
        _ => (TimeInForce.Gtc, false),
    };

    public static string ToWire(TimeInForce tif, bool postOnly) => postOnly ? PostOnly : tif == TimeInForce.Ioc ? ImmediateOrCancel : GoodTillTime;

    /// <summary>Whether the venue has settled the order (it is on the book or ended), rather than still executing it.</summary>
    public static bool IsSettled(LighterOrder o) => o.Status is not ("in-progress" or "pending");

    public static VenueOrderStatus StatusOf(LighterOrder o) => o.Status switch
    {
        "in-progress" or "pending" or Open => o.FilledBaseAmount > 0 ? VenueOrderStatus.PartiallyFilled : VenueOrderStatus.Open,
        Filled => VenueOrderStatus.Filled,
        _ when RefusalOf(o.Status) != RejectCode.None && o.FilledBaseAmount == 0 => VenueOrderStatus.Rejected,
        _ when o.TimeInForce == ImmediateOrCancel || o.Status == CanceledPrefix + "expired" => VenueOrderStatus.Expired,
        _ when o.Status.StartsWith(Canceled, StringComparison.Ordinal) => VenueOrderStatus.Cancelled,
        _ => throw new FormatException($"unknown Lighter order status '{o.Status}'"),
    };

    // The statuses by which the venue refuses an order it took: (status, what it means to the port).
    private static readonly (string Status, RejectCode Reject)[] Refusals =
    [
        (CanceledPrefix + "post-only", RejectCode.PostOnlyWouldTake),
        (CanceledPrefix + "reduce-only", RejectCode.ReduceOnlyWouldIncrease),
        (CanceledPrefix + "margin-not-allowed", RejectCode.InsufficientFunds),
        (CanceledPrefix + "position-not-allowed", RejectCode.ReduceOnlyWouldIncrease),
    ];

    /// <summary>What an ended order's status says as a refusal; None for a cancel asked for or an IOC remainder.</summary>
    public static RejectCode RefusalOf(string status) => Refusals.FirstOrDefault(r => r.Status == status) is { Status: not null } r ? r.Reject : RejectCode.None;

    /// <summary>The status the venue ends a refused order with (the emulator's side); null for a refusal it answers at once.</summary>
    public static string? RefusalStatusOf(RejectCode code) => Refusals.FirstOrDefault(r => r.Reject == code) is { Status: not null } r ? r.Status : null;

    /// <summary>A perpetual market's rules: tick 10^-price_decimals, step 10^-size_decimals.</summary>
    public static InstrumentSpec Instrument(LighterMarket m) =>
        new(m.Symbol, m.Symbol, "USDC", InstrumentKind.Perpetual, Unit(m.PriceDecimals), Unit(m.SizeDecimals), Math.Max(m.MinBaseAmount, Unit(m.SizeDecimals)), m.MinQuoteAmount);

    public static decimal Unit(int decimals) => 1m / Pow10(decimals);

    public static long Pow10(int decimals) => (long)Math.Pow(10, decimals);

    /// <summary>A price or size as the transaction's integer (× 10^decimals); null when it has more decimals than the market allows.</summary>
    public static long? ToInteger(decimal value, int decimals)
    {
        var scaled = value * Pow10(decimals);
        return scaled == decimal.Truncate(scaled) && scaled >= 0 && scaled <= long.MaxValue ? (long)scaled : null;
    }

    public static DateTimeOffset FromMillis(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static string Id(long value) => value.ToString(CultureInfo.InvariantCulture);
}
