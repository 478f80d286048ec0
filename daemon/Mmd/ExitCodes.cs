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

    /// <summary>What a worker's exit code means, for status and events.</summary>
    public static string Describe(int code) => code switch
    {
        Ok => "exit code 0",
        Failure => "exit code 1: failure (see the instance log)",
        InvalidInput => "exit code 2: invalid spec",
        ReconciliationFailed => "exit code 3: reconciliation with the venue failed",
        OrdersLeftOnVenue => "exit code 4: own orders left on the venue",
        > 128 and < 160 => $"killed by signal {code - 128}",
        _ => $"exit code {code}",
    };
}
