using GrpcMM.Protos.V1;
using Mmd.Trading.Primitives;

namespace Mmd.Specs;

// Perpetual grid (seed §1.5.1). The seed ran an unknown grid type as a grid that places nothing and turned an invalid
// boundary action into emergency_close with a log line; here both are errors that name the field.
public static partial class SpecValidator
{
    private static Trading.Strategies.Grid.PerpGridConfig ValidatePerpGrid(GrpcMM.Protos.V1.PerpGridConfig c, InstrumentSpec? instrument, List<FieldViolation> v)
    {
        const string p = "perp_grid.";
        var lower = Decimal(c.LowerPrice, p + "lower_price", v, min: 0m, minExclusive: true);
        var upper = Decimal(c.UpperPrice, p + "upper_price", v, min: 0m, minExclusive: true);
        if (!c.AutoPriceRange)
        {
            if (c.LowerPrice.Length > 0 && c.UpperPrice.Length == 0) v.Add(new(p + "upper_price", "required when lower_price is set (or set auto_price_range)"));
            if (c.UpperPrice.Length > 0 && c.LowerPrice.Length == 0) v.Add(new(p + "lower_price", "required when upper_price is set (or set auto_price_range)"));
            if (lower is { } lo && upper is { } hi && hi <= lo) v.Add(new(p + "upper_price", $"must be above lower_price ({lo})"));
        }
        var range = Decimal(c.PriceRangePct, p + "price_range_pct", v, min: 0m, minExclusive: true, max: 99m) ?? 5m;
        var levels = c.HasLevels ? (int)Math.Min(c.Levels, 100_000) : 10;
        if (levels is < 2 or > 200) v.Add(new(p + "levels", "must be 2-200 (both bounds are levels)"));
        if (!System.Enum.IsDefined(c.Mode)) v.Add(new(p + "mode", $"unknown grid mode {(int)c.Mode}"));
        if (!System.Enum.IsDefined(c.Type)) v.Add(new(p + "type", $"unknown grid type {(int)c.Type} (GRID_TYPE_NEUTRAL, GRID_TYPE_LONG, GRID_TYPE_SHORT)"));
        var quantity = Decimal(c.OrderQuantity, p + "order_quantity", v, min: 0m, minExclusive: true);
        var max = Decimal(c.MaxPosition, p + "max_position", v, min: 0m, minExclusive: true) ?? 1m;
        var stopLoss = Decimal(c.StopLoss, p + "stop_loss", v) is { } sl ? Math.Abs(sl) : (decimal?)null;
        if (stopLoss == 0) { v.Add(new(p + "stop_loss", "must not be 0 (leave it empty to turn the stop-loss off)")); stopLoss = null; }
        var takeProfit = Decimal(c.TakeProfit, p + "take_profit", v, min: 0m, minExclusive: true);
        if (!System.Enum.IsDefined(c.ProtectiveAction)) v.Add(new(p + "protective_action", $"unknown action {(int)c.ProtectiveAction}"));
        var tolerance = Decimal(c.BoundaryTolerance, p + "boundary_tolerance", v, min: 0m, max: 1m) ?? 0.001m;
        if (!System.Enum.IsDefined(c.BoundaryAction)) v.Add(new(p + "boundary_action", $"unknown boundary action {(int)c.BoundaryAction}"));
        var retries = c.HasCloseRetries ? (int)Math.Min(c.CloseRetries, 1000) : 3;
        if (retries > 20) v.Add(new(p + "close_retries", "must be 0-20"));
        var interval = Duration(c.Interval, p + "interval", v, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        if (instrument is not null && max < instrument.MinQuantity) v.Add(new(p + "max_position", $"must be at least the venue's minimum order size {instrument.MinQuantity}"));
        if (quantity is { } q && q > max) v.Add(new(p + "order_quantity", $"must not exceed max_position ({max}): no open order could be placed"));
        var auto = c.AutoPriceRange || (c.LowerPrice.Length == 0 && c.UpperPrice.Length == 0);
        return new Trading.Strategies.Grid.PerpGridConfig
        {
            Lower = auto ? null : lower,
            Upper = auto ? null : upper,
            AutoRange = auto,
            PriceRangePct = range,
            Levels = levels,
            Mode = c.Mode == GridMode.Geometric ? Trading.Strategies.Grid.GridMode.Geometric : Trading.Strategies.Grid.GridMode.Arithmetic,
            Type = c.Type switch
            {
                GridType.Long => Trading.Strategies.Grid.GridType.LongOnly,
                GridType.Short => Trading.Strategies.Grid.GridType.ShortOnly,
                _ => Trading.Strategies.Grid.GridType.Neutral,
            },
            OrderQuantity = quantity,
            MaxPosition = max,
            StopLoss = stopLoss,
            TakeProfit = takeProfit,
            ProtectiveAction = c.ProtectiveAction == GrpcMM.Protos.V1.ProtectiveAction.Stop
                ? Trading.Strategies.PerpMarketMaking.ProtectiveAction.Stop
                : Trading.Strategies.PerpMarketMaking.ProtectiveAction.KeepRunning,
            BoundaryCheck = !c.DisableBoundaryCheck,
            BoundaryTolerance = tolerance,
            BoundaryAction = c.BoundaryAction switch
            {
                GrpcMM.Protos.V1.BoundaryAction.AdjustRange => Trading.Strategies.Grid.BoundaryAction.AdjustRange,
                GrpcMM.Protos.V1.BoundaryAction.StopOnly => Trading.Strategies.Grid.BoundaryAction.StopOnly,
                _ => Trading.Strategies.Grid.BoundaryAction.EmergencyClose,
            },
            CloseRetries = retries,
            Interval = interval,
        };
    }
}
