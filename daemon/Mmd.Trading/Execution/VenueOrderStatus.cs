namespace Mmd.Trading.Execution;

/// <summary>An order's state as the venue reports it.</summary>
public enum VenueOrderStatus
{
    Open = 1,
    PartiallyFilled = 2,
    Filled = 3,
    Cancelled = 4,
    Rejected = 5,
    /// <summary>Ended without a full fill (IOC remainder, self-trade prevention): treated as cancelled.</summary>
    Expired = 6,
}
