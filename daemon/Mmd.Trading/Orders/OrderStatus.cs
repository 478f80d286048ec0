namespace Mmd.Trading.Orders;

/// <summary>Lifecycle of one of our orders. Stored by name in SQLite; mirrored by the proto enum.</summary>
public enum OrderStatus
{
    /// <summary>Created and journaled; not yet sent.</summary>
    New = 1,
    /// <summary>Sent; the venue has not answered.</summary>
    Submitted = 2,
    Open = 3,
    PartiallyFilled = 4,
    Filled = 5,
    Cancelled = 6,
    Rejected = 7,
    /// <summary>A cancel was sent; the venue has not confirmed it.</summary>
    PendingCancel = 8,
    /// <summary>The outcome of a request is not known (timeout, lost response): settled only by asking the venue.</summary>
    Unknown = 9,
}
