namespace Mmd;

/// <summary>Exit codes of <c>mmd</c>, in one place.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>An unexpected failure at run time.</summary>
    public const int Failure = 1;
    /// <summary>Bad command line, configuration or instance spec: nothing was started.</summary>
    public const int InvalidInput = 2;
    /// <summary>Startup reconciliation could not agree with the venue: the instance failed closed.</summary>
    public const int ReconciliationFailed = 3;
    /// <summary>Stopped, but the venue could not be shown to hold none of our orders.</summary>
    public const int OrdersLeftOnVenue = 4;
    /// <summary>Another daemon already serves this socket or state dir.</summary>
    public const int AlreadyRunning = 5;
}
