namespace Mmd.Trading.Execution;

public enum CommandOutcome
{
    /// <summary>The venue took the request.</summary>
    Accepted = 1,
    /// <summary>The venue definitively refused it.</summary>
    Rejected = 2,
    /// <summary>It is not known whether the venue acted (timeout, connection lost after sending, 5xx).</summary>
    Unknown = 3,
    /// <summary>Never sent: the engine took it back while it waited for the venue's request limit (<see cref="PlaceWithdrawal"/>).</summary>
    Withdrawn = 4,
}

public enum RejectCode
{
    None = 0,
    PostOnlyWouldTake = 1,
    InsufficientFunds = 2,
    InvalidPrice = 3,
    InvalidQuantity = 4,
    ReduceOnlyWouldIncrease = 5,
    RateLimited = 6,
    UnknownSymbol = 7,
    OrderNotFound = 8,
    DuplicateClientOrderId = 9,
    Other = 99,
}

public sealed record PlaceOrderResult(CommandOutcome Outcome, VenueOrder? Order, RejectCode Code = RejectCode.None, string? Message = null)
{
    public static PlaceOrderResult Accepted(VenueOrder order) => new(CommandOutcome.Accepted, order);
    public static PlaceOrderResult Rejected(RejectCode code, string message) => new(CommandOutcome.Rejected, null, code, message);
    public static PlaceOrderResult Unknown(string message) => new(CommandOutcome.Unknown, null, RejectCode.None, message);
    public static PlaceOrderResult Withdrawn() => new(CommandOutcome.Withdrawn, null, RejectCode.None, "withdrawn before it was sent");
}

public sealed record CancelOrderRequest(string Symbol, string? VenueOrderId, string? ClientOrderId);

public sealed record CancelOrderResult(CommandOutcome Outcome, VenueOrder? Order, RejectCode Code = RejectCode.None, string? Message = null);
