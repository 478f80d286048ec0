using Mmd.Trading.Execution;
using Mmd.Trading.Primitives;

namespace Mmd.Exchanges.Paper;

/// <summary>An order inside the paper venue.</summary>
internal sealed class PaperOrder
{
    public required long Id { get; init; }
    public required string Account { get; init; }
    public string? ClientOrderId { get; init; }
    public required string Symbol { get; init; }
    public required Side Side { get; init; }
    public required OrderType Type { get; init; }
    public required TimeInForce TimeInForce { get; init; }
    public decimal? Price { get; init; }
    public required decimal Quantity { get; set; }
    public bool PostOnly { get; init; }
    public bool ReduceOnly { get; init; }
    /// <summary>
    /// Meeting a resting order of its own account, this order ends there (a venue's "reject taker" self-trade prevention,
    /// Backpack's default) instead of cancelling that order (the paper venue's own rule).
    /// </summary>
    public bool EndsOnSelfTrade { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Arrival order: time priority within a price level.</summary>
    public required long Sequence { get; init; }

    public decimal Filled { get; set; }
    public VenueOrderStatus Status { get; set; } = VenueOrderStatus.Open;
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Funds still reserved for the unfilled part, per unit of quantity (quote for buys/margin, base for spot sells).</summary>
    public decimal LockPerUnit { get; set; }
    public string? LockAsset { get; set; }

    public decimal Remaining => Quantity - Filled;
    public bool IsOpen => Status is VenueOrderStatus.Open or VenueOrderStatus.PartiallyFilled;

    public OrderState ToState() => new(Id, Account, ClientOrderId, Symbol, Side, Type, TimeInForce, Price, Quantity, Filled, Status, PostOnly,
        ReduceOnly, CreatedAt, UpdatedAt, Sequence, LockPerUnit, LockAsset);

    public static PaperOrder FromState(OrderState o) => new()
    {
        Id = o.Id, Account = o.Account, ClientOrderId = o.ClientOrderId, Symbol = o.Symbol, Side = o.Side, Type = o.Type,
        TimeInForce = o.TimeInForce, Price = o.Price, Quantity = o.Quantity, PostOnly = o.PostOnly, ReduceOnly = o.ReduceOnly,
        CreatedAt = o.CreatedAt, Sequence = o.Sequence,
        Filled = o.Filled, Status = o.Status, UpdatedAt = o.UpdatedAt, LockPerUnit = o.LockPerUnit, LockAsset = o.LockAsset,
    };

    public VenueOrder ToVenueOrder() => new(
        Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ClientOrderId, Symbol, Side, Type, TimeInForce, Price,
        Quantity, Filled, Status, PostOnly, ReduceOnly, CreatedAt, UpdatedAt);
}
