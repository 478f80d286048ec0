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
        var grid = ValidateGridRange(p, c.LowerPrice, c.UpperPrice, c.AutoPriceRange, c.PriceRangePct, c.HasLevels ? c.Levels : null, c.Mode, v);
        if (!System.Enum.IsDefined(c.Type)) v.Add(new(p + "type", $"unknown grid type {(int)c.Type} (GRID_TYPE_NEUTRAL, GRID_TYPE_LONG, GRID_TYPE_SHORT)"));
        var quantity = Decimal(c.OrderQuantity, p + "order_quantity", v, min: 0m, minExclusive: true);
        var max = Decimal(c.MaxPosition, p + "max_position", v, min: 0m, minExclusive: true) ?? 1m;
        var (stopLoss, takeProfit, protectiveAction) = ValidateStops(p, c.StopLoss, c.TakeProfit, c.ProtectiveAction, v);
        var tolerance = Decimal(c.BoundaryTolerance, p + "boundary_tolerance", v, min: 0m, max: 1m) ?? 0.001m;
        if (!System.Enum.IsDefined(c.BoundaryAction)) v.Add(new(p + "boundary_action", $"unknown boundary action {(int)c.BoundaryAction}"));
        var retries = c.HasCloseRetries ? (int)Math.Min(c.CloseRetries, 1000) : 3;
        if (retries > 20) v.Add(new(p + "close_retries", "must be 0-20"));
        var interval = Duration(c.Interval, p + "interval", v, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        if (instrument is not null && max < instrument.MinQuantity) v.Add(new(p + "max_position", $"must be at least the venue's minimum order size {instrument.MinQuantity}"));
        if (quantity is { } q && q > max) v.Add(new(p + "order_quantity", $"must not exceed max_position ({max}): no open order could be placed"));
        return new Trading.Strategies.Grid.PerpGridConfig
        {
            Lower = grid.Lower,
            Upper = grid.Upper,
            AutoRange = grid.Auto,
            PriceRangePct = grid.RangePct,
            Levels = grid.Levels,
            Mode = grid.Mode,
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
            ProtectiveAction = protectiveAction,
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
