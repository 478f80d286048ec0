using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;

namespace Mmd.Trading.Risk;

/// <summary>
/// Pre-trade checks. A denied order never reaches the connector; every denial is counted by reason.
/// Reduce-only orders pass the position, band, kill-switch and daily-loss checks because they can only lower exposure.
/// Protective orders (hedges of fills already taken, reduce-only closes, the stop's flattening) pass the kill switch,
/// and a quarter of the order rate is kept for them: quotes churning against the limit never hold back the hedge of
/// a fill, while every order still counts toward the one limit, so no loop of them can outrun it.
/// </summary>
public sealed class RiskEngine
{
    private readonly RiskLimits _limits;
    private readonly TimeProvider _time;
    private readonly Queue<long> _sent = new();
    private readonly long[] _denials = new long[Enum.GetValues<DenyReason>().Length];
    private decimal? _peakNetPnl;

    public RiskEngine(RiskLimits limits, TimeProvider time)
    {
        _limits = limits;
        _time = time;
    }

    public RiskLimits Limits => _limits;

    /// <summary>Latched once the drawdown limit is hit; only an operator restart clears it.</summary>
    public bool KillSwitchTripped { get; private set; }

    public string? KillSwitchReason { get; private set; }

    public long DeniedCount(DenyReason reason) => Interlocked.Read(ref _denials[(int)reason]);

    public IReadOnlyDictionary<DenyReason, long> Denials =>
        Enum.GetValues<DenyReason>().Where(r => r != DenyReason.None && _denials[(int)r] > 0).ToDictionary(r => r, r => _denials[(int)r]);

    /// <summary>Trips the kill switch for a reason found elsewhere: an earlier run of the instance tripped it.</summary>
    public void Latch(string reason)
    {
        KillSwitchTripped = true;
        KillSwitchReason = reason;
    }

    /// <summary>Feeds the current net PnL (realized + unrealized - fees) to the drawdown kill switch.</summary>
    public void ObserveNetPnl(decimal netPnl)
    {
        if (_limits.MaxDrawdown is not { } maxDrawdown || KillSwitchTripped) return;
        if (_peakNetPnl is null || netPnl > _peakNetPnl) _peakNetPnl = netPnl;
        var drawdown = _peakNetPnl.Value - netPnl;
        if (drawdown >= maxDrawdown)
        {
            KillSwitchTripped = true;
            KillSwitchReason = $"drawdown {drawdown} from peak {_peakNetPnl.Value} reached the limit {maxDrawdown}";
        }
    }

    /// <summary>The UTC day the daily loss counts in, and the net PnL it started from; null before the first observation.</summary>
    public DayStart? DayStart { get; private set; }

    /// <summary>Today's net PnL so far (the latest observation against the day's start); null before the first.</summary>
    public decimal? TodayNetPnl { get; private set; }

    /// <summary>Why quoting halts for the rest of the UTC day (the daily loss limit was reached); null while it does not.</summary>
    public string? DailyLossHalt { get; private set; }

    /// <summary>The start of today carried over from an earlier run of the same UTC day: today's loss counts from it.</summary>
    public void RestoreDayStart(DayStart start) => DayStart = start;

    /// <summary>
    /// Feeds the instance's cumulative net PnL (every market it trades, realized + unrealized - fees + funding) to the
    /// daily loss limit. The first observation of a UTC day is its start; reaching the limit halts quoting until the next
    /// day, even if the loss shrinks meanwhile (a circuit breaker, not a threshold to hover around).
    /// </summary>
    public void ObserveCumulativeNetPnl(DateTimeOffset now, decimal netPnl)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (DayStart?.Day != today)
        {
            DayStart = new DayStart(today, netPnl);
            DailyLossHalt = null;
        }
        TodayNetPnl = netPnl - DayStart.NetPnl;
        if (_limits.MaxDailyLoss is not { } limit || DailyLossHalt is not null) return;
        if (DayStart.LimitFrom is { } from)
        {
            if (from - netPnl >= limit)
                DailyLossHalt = $"net PnL since the operator lifted the halt ({netPnl - from}) reached the daily loss limit of {limit} again; quoting resumes at 00:00 UTC";
        }
        else if (-TodayNetPnl >= limit)
        {
            DailyLossHalt = $"today's net PnL {TodayNetPnl} reached the daily loss limit of {limit}; quoting resumes at 00:00 UTC";
        }
    }

    /// <summary>Net PnL counted against the limit since the operator lifted a halt today; null when none was lifted.</summary>
    public decimal? SinceHaltLifted => DayStart is { LimitFrom: { } from } start && TodayNetPnl is { } today ? start.NetPnl + today - from : null;

    /// <summary>
    /// The operator's override of a daily loss halt: quoting may resume, and the limit counts afresh from the net PnL of
    /// now until the day ends (another loss of the limit halts again). Null when lifted, or why not.
    /// </summary>
    public string? LiftDailyLossHalt()
    {
        if (DailyLossHalt is null || DayStart is null || TodayNetPnl is not { } today) return "no daily loss halt to lift";
        DayStart = DayStart with { LimitFrom = DayStart.NetPnl + today };
        DailyLossHalt = null;
        return null;
    }

    /// <summary>The orders a second that only protective orders may use: a quarter of the limit (none below 2 a second).</summary>
    public int ProtectiveReserve => _limits.MaxOrdersPerSecond < 2 ? 0 : Math.Max(1, _limits.MaxOrdersPerSecond / 4);

    /// <summary>True while a quote would be denied for the order rate: the window's share for quotes is used up.</summary>
    public bool QuoteRateFull => !RateAllows(_limits.MaxOrdersPerSecond - ProtectiveReserve);

    /// <summary>True for an order that takes exposure back rather than adding it.</summary>
    public static bool IsProtective(OrderPurpose purpose, bool reduceOnly) => reduceOnly || purpose is OrderPurpose.Hedge or OrderPurpose.Flatten;

    public RiskDecision Check(PlaceOrderRequest order, in RiskContext context, OrderPurpose purpose = OrderPurpose.Quote)
    {
        var decision = Evaluate(order, context, IsProtective(purpose, order.ReduceOnly));
        if (decision.Allowed) _sent.Enqueue(_time.GetTimestamp());
        else Interlocked.Increment(ref _denials[(int)decision.Reason]);
        return decision;
    }

    private RiskDecision Evaluate(PlaceOrderRequest order, in RiskContext context, bool protective)
    {
        var reducing = order.ReduceOnly;
        if (KillSwitchTripped && !protective) return new(DenyReason.KillSwitch, KillSwitchReason);
        if (DailyLossHalt is not null && !protective) return new(DenyReason.DailyLoss, DailyLossHalt);

        var rate = protective ? _limits.MaxOrdersPerSecond : _limits.MaxOrdersPerSecond - ProtectiveReserve;
        if (!RateAllows(rate))
            return new(DenyReason.OrderRate, protective
                ? $"more than {_limits.MaxOrdersPerSecond} orders in one second"
                : $"more than {rate} orders in one second ({ProtectiveReserve} of the {_limits.MaxOrdersPerSecond} kept for hedges and closes)");

        var referencePrice = order.Price ?? context.Mid;
        if (referencePrice is null) return new(DenyReason.NoMarketData, "no price and no mid to value the order");

        if (_limits.MaxOrderNotional is { } maxNotional && referencePrice.Value * order.Quantity > maxNotional)
            return new(DenyReason.MaxOrderNotional, $"notional {referencePrice.Value * order.Quantity} above {maxNotional}");

        if (order.Price is { } price && context.Mid is { } mid && !reducing)
        {
            var distancePct = Math.Abs(price - mid) / mid * 100m;
            if (distancePct > _limits.PriceBandPct)
                return new(DenyReason.PriceBand, $"price {price} is {distancePct:0.###}% from mid {mid}, band {_limits.PriceBandPct}%");
        }

        if (_limits.MaxPosition is { } maxPosition && !reducing)
        {
            // Worst case: every live order on this side fills, then this one.
            var worst = order.Side == Side.Buy
                ? context.Position + context.OpenBuyQuantity + order.Quantity
                : context.Position - context.OpenSellQuantity - order.Quantity;
            if (Math.Abs(worst) > maxPosition && Math.Abs(worst) > Math.Abs(context.Position))
                return new(DenyReason.MaxPosition, $"worst-case position {worst} beyond {maxPosition}");
        }
        return RiskDecision.Allow;
    }

    private bool RateAllows(int limit)
    {
        var now = _time.GetTimestamp();
        var window = _time.TimestampFrequency; // one second of ticks
        while (_sent.Count > 0 && now - _sent.Peek() >= window) _sent.Dequeue();
        return _sent.Count < limit;
    }
}
