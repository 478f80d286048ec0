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
    /// <summary>Another daemon already serves this socket or state dir; or another worker of the instance runs on it.</summary>
    public const int AlreadyRunning = 5;
    /// <summary>A run that could not begin: its journal or its venue could not be opened, so it sent nothing.</summary>
    public const int CouldNotBegin = 6;
    /// <summary>A fault ended the run (a journal it could not write, a bug), after it cancelled every own order and the venue confirmed none is left.</summary>
    public const int FailedOrdersCancelled = 7;

    /// <summary>The ends of runs that sent nothing: <see cref="ConfirmsFlatBook"/> is null for them.</summary>
    public static readonly int[] SentNothing = [InvalidInput, ReconciliationFailed, AlreadyRunning, CouldNotBegin];

    /// <summary>
    /// Whether a worker's end says anything about the instance's orders on the venue: a clean end (0) cancelled them
    /// all. A run that sent nothing (bad spec, failed reconciliation, another worker running, could not begin) leaves
    /// the book as the run before it did; a fault after which the worker cancelled every own order confirmed them gone
    /// too; any other end (a crash, a kill, orders left) leaves it unconfirmed.
    /// </summary>
    public static bool? ConfirmsFlatBook(int? code) => code switch
    {
        Ok or FailedOrdersCancelled => true,
        { } c when SentNothing.Contains(c) => null,
        _ => false,
    };

    /// <summary>What a worker's exit code means, for status and events.</summary>
    public static string Describe(int code) => code switch
    {
        Ok => "exit code 0",
        Failure => "exit code 1: failure (see the instance log)",
        InvalidInput => "exit code 2: invalid spec",
        ReconciliationFailed => "exit code 3: reconciliation with the venue failed",
        OrdersLeftOnVenue => "exit code 4: own orders left on the venue",
        AlreadyRunning => "exit code 5: another worker of this instance is running (nothing sent)",
        CouldNotBegin => "exit code 6: could not begin (nothing sent)",
        FailedOrdersCancelled => "exit code 7: failed, its orders cancelled first (see the instance log)",
        > 128 and < 160 => $"killed by signal {code - 128}",
        _ => $"exit code {code}",
    };
}
