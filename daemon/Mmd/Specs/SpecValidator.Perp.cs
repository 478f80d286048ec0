using GrpcMM.Protos.V1;
using Mmd.Trading.Primitives;
using Mmd.Trading.Strategies.PerpMarketMaking;

namespace Mmd.Specs;

// Perpetual market making (seed §1.2.1), with the seed's silent clamps turned into errors that name the field.
public static partial class SpecValidator
{
    private static PerpMarketMakerConfig ValidatePerp(PerpMarketMakingConfig c, InstrumentSpec? instrument, List<FieldViolation> v)
    {
        const string p = "perp_market_making.";
        var spread = Decimal(c.SpreadPct, p + "spread_pct", v, required: true, min: 0m, minExclusive: true, max: 50m);
        var quantity = Decimal(c.OrderQuantity, p + "order_quantity", v, min: 0m, minExclusive: true);
        var levels = c.HasLevels ? (int)Math.Min(c.Levels, 1000) : 3;
        if (levels is < 1 or > 20) v.Add(new(p + "levels", "must be 1-20"));
        // The seed defaulted the target to 1.0 on its command line while its docs said 0 (§9.2.18): here it is 0.
        var target = Decimal(c.TargetPosition, p + "target_position", v, min: 0m) ?? 0m;
        var max = Decimal(c.MaxPosition, p + "max_position", v, min: 0m, minExclusive: true) ?? 1m;
        var threshold = Decimal(c.PositionThreshold, p + "position_threshold", v, min: 0m, minExclusive: true) ?? 0.1m;
        var skew = Decimal(c.InventorySkew, p + "inventory_skew", v, min: 0m, max: 1m) ?? 0m;
        var leverage = Decimal(c.Leverage, p + "leverage", v, min: 1m, max: 200m) ?? 1m;
        var (stopLoss, takeProfit, protectiveAction) = ValidateStops(p, c.StopLoss, c.TakeProfit, c.ProtectiveAction, v);
        var interval = Duration(c.Interval, p + "interval", v, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        var tolerance = Decimal(c.RefreshTolerancePct, p + "refresh_tolerance_pct", v, min: 0m, max: 50m) ?? 0.05m;
        if (spread is { } s && tolerance > s) v.Add(new(p + "refresh_tolerance_pct", $"must not exceed spread_pct ({s}): quotes would never be refreshed"));

        if (target > max) v.Add(new(p + "target_position", $"must not exceed max_position ({max})"));
        if (instrument is not null)
        {
            if (max < instrument.MinQuantity) v.Add(new(p + "max_position", $"must be at least the venue's minimum order size {instrument.MinQuantity}"));
            if (quantity is { } q && q > max) v.Add(new(p + "order_quantity", $"must not exceed max_position ({max}): no quote could be placed"));
        }
        return new PerpMarketMakerConfig
        {
            SpreadPct = spread ?? 0m,
            OrderQuantity = quantity,
            Levels = levels,
            TargetPosition = target,
            MaxPosition = max,
            PositionThreshold = threshold,
            InventorySkew = skew,
            Leverage = leverage,
            StopLoss = stopLoss,
            TakeProfit = takeProfit,
            ProtectiveAction = protectiveAction,
            AvellanedaStoikov = ValidateModel(c.AvellanedaStoikov, p, spread, v),
            Interval = interval,
            RefreshTolerancePct = tolerance,
        };
    }

    /// <summary>Stop-loss, take-profit and what follows them: the same fields on every perpetual strategy.</summary>
    private static (decimal? StopLoss, decimal? TakeProfit, Trading.Strategies.PerpMarketMaking.ProtectiveAction Action) ValidateStops(
        string p, string stopLossText, string takeProfitText, GrpcMM.Protos.V1.ProtectiveAction action, List<FieldViolation> v)
    {
        // The seed's CLI demanded a negative stop-loss, its validator a positive one and its code took abs() (§9.2.18):
        // it is an amount of loss, so either sign means the same.
        var stopLoss = Decimal(stopLossText, p + "stop_loss", v) is { } sl ? Math.Abs(sl) : (decimal?)null;
        if (stopLoss == 0) { v.Add(new(p + "stop_loss", "must not be 0 (leave it empty to turn the stop-loss off)")); stopLoss = null; }
        var takeProfit = Decimal(takeProfitText, p + "take_profit", v, min: 0m, minExclusive: true);
        if (!System.Enum.IsDefined(action)) v.Add(new(p + "protective_action", $"unknown action {(int)action}"));
        return (stopLoss, takeProfit, action == GrpcMM.Protos.V1.ProtectiveAction.Stop
            ? Trading.Strategies.PerpMarketMaking.ProtectiveAction.Stop
            : Trading.Strategies.PerpMarketMaking.ProtectiveAction.KeepRunning);
    }
}
